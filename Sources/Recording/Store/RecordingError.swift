import Basics

/// Why a recording cannot be opened, written or read: one line that names the file.
package struct RecordingError: Error, Equatable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// No such file (replay, export).
        case missing
        /// Not an SQLite database, or one another program made.
        case foreign
        /// Written by a newer cachescope, in a format this one does not read.
        case newerFormat
        /// Damaged: torn, truncated, a bad page.
        case damaged
        /// Another recorder writes it.
        case busy
        /// The disk (or the `--max-size` room) is full.
        case full
        /// The file system refused (permissions, read-only, I/O).
        case io
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
