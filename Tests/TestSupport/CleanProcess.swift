import ConnectionSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Programs the tests start — servers, their reapers, the `cachescope` binary — with `posix_spawn`, a clean
/// signal mask and none of the test process's descriptors, waited for with `waitpid` on their own id.
///
/// Foundation's `Process` learns that a child ended when the last copy of the child's end of a socket pair
/// closes, and a child started at the same moment by another thread can inherit a copy: a server (or a
/// reaper shell that lives as long as the test run) that inherited it made `waitUntilExit` of an unrelated,
/// finished `cachescope` wait forever — a whole CI run hung on it.
public enum CleanProcess {
    /// Starts `path` with `arguments` (and `environment`, else ours); standard input from `input` (else
    /// `/dev/null`), standard output and error to `output` (else `/dev/null`).
    /// - Returns: its process id.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, input: Int32? = nil, output: Int32? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, output, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        SpawnedProcess.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnedProcess.cleanSignals(&attributes)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .ENOENT) }
        return pid
    }

    /// Adds to `actions` the closing of every descriptor of ours above standard error (for tests that spawn
    /// by hand, as the tmux sessions do).
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        SpawnedProcess.closeInheritedDescriptors(&actions)
    }

    /// Runs `path` to its end, with `input` on its standard input; returns its exit status (128 + the signal
    /// that ended it) and what it wrote on standard output and error, together.
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil
    ) throws -> (status: Int32, output: Data) {
        let stdin = try makePipe()
        let stdout = try makePipe()
        let pid: pid_t
        do {
            pid = try spawn(path, arguments, environment: environment, input: stdin.read, output: stdout.write)
        } catch {
            for descriptor in [stdin.read, stdin.write, stdout.read, stdout.write] { close(descriptor) }
            throw error
        }
        close(stdin.read)
        close(stdout.write)
        // Written on a thread of its own: a big input must not wait for us to read the output.
        let writer = Thread {
            if let input {
                input.withUnsafeBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    var offset = 0
                    while offset < bytes.count {
                        let written = write(stdin.write, base + offset, bytes.count - offset)
                        if written < 0, errno == EINTR { continue }
                        guard written > 0 else { break }
                        offset += written
                    }
                }
            }
            close(stdin.write)
        }
        writer.start()
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(stdout.read, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            output.append(contentsOf: chunk[..<count])
        }
        close(stdout.read)
        return (wait(pid), output)
    }

    /// Waits for `pid` to end and reaps it: its exit status, or 128 + the signal that ended it (-1 when it
    /// was reaped elsewhere).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        return status(raw)
    }

    /// Whether `pid` has ended, reaping it if so (its status is then `ended`'s).
    public static func hasEnded(_ pid: pid_t) -> (ended: Bool, status: Int32) {
        var raw: Int32 = 0
        let waited = waitpid(pid, &raw, WNOHANG)
        if waited == pid { return (true, status(raw)) }
        return (waited == -1 && errno == ECHILD, -1)
    }

    private static func status(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }
}
