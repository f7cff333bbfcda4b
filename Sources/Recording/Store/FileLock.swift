#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file, held while the value lives, released by the kernel when the process ends
/// however it ends (`kill -9` included): what keeps a second recorder off a recording.
///
/// `flock` locks are separate from the POSIX record locks SQLite takes, so the two never interfere; the
/// descriptor stays open until SQLite has closed the file (closing any descriptor of a file drops that
/// process's POSIX locks on it).
package final class FileLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock without waiting; `nil` when another process holds it.
    /// - Throws: ``RecordingError`` `.io` when the file cannot be opened.
    package init?(path: String) throws(RecordingError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RecordingError(.io, "\(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
