import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Standard error, terminal checks, the confirmation prompt and progress lines.
enum Terminal {
    /// Writes one line to standard output at once (not held in a buffer when output is a pipe).
    static func printLine(_ line: String) {
        writeStandardOutput(Data((line + "\n").utf8))
    }

    /// Writes to standard output. When the reader has gone (`cachescope … | head` after its lines), there
    /// is nobody left to tell anything: the command ends quietly with status 0, as `yes | head` does,
    /// instead of crashing on the broken pipe.
    static func writeStandardOutput(_ data: Data) {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            exit(0)
        }
    }

    /// Writes one line to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Whether standard error is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Asks a yes/no question on standard error and reads the answer from standard input.
    /// - Returns: `true` for y/yes; `nil` when standard input ended without an answer.
    static func confirm(_ question: String) -> Bool? {
        FileHandle.standardError.write(Data((question + " [y/N] ").utf8))
        guard let answer = readLine() else {
            printError("")
            return nil
        }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// A progress line on standard error, redrawn in place, at most every 100 ms.
    final class ProgressLine {
        private let enabled: Bool
        private var lastDraw = ContinuousClock.now - .seconds(1)
        private var drawn = false

        init(enabled: Bool = Terminal.stderrIsTerminal) {
            self.enabled = enabled
        }

        func update(_ text: @autoclosure () -> String, force: Bool = false) {
            guard enabled else { return }
            let now = ContinuousClock.now
            guard force || now - lastDraw >= .milliseconds(100) else { return }
            lastDraw = now
            drawn = true
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text()).utf8))
        }

        func finish() {
            guard enabled, drawn else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        }
    }
}
