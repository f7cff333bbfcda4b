import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A helper program (an ssh master connection, `ssh -O`, a password command), started with `posix_spawn` so
/// that it gets a clean signal state — threads of an async program block signals, and a child made with
/// `Process` inherits that mask, which leaves a shell unable to wait or be stopped — and watched with
/// `waitpid` on its own process id only. It inherits no descriptor but its standard ones: Foundation's
/// `Process` learns that a child ended when the last copy of a socket the child holds closes, and a
/// long-lived helper holding such a copy made `waitUntilExit` of unrelated programs wait for it. Standard input is `/dev/null`; what it writes goes to `onOutput`
/// (`/dev/null` without one) and `onErrorOutput`.
public final class SpawnedProcess: Sendable {
    public let processIdentifier: pid_t
    private let status = Mutex<Int32?>(nil)
    private let openOutputs: OpenOutputs
    private let handles: [FileHandle]

    /// Starts `program` (looked up in `PATH`) with `arguments`.
    /// - Throws: ``SpawnError`` when it cannot be started.
    public init(
        _ program: String, _ arguments: [String], onOutput: (@Sendable (Data) -> Void)? = nil,
        onErrorOutput: @escaping @Sendable (Data) -> Void = { _ in }
    ) throws {
        func makePipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw SpawnError("cannot make a pipe: \(String(cString: strerror(errno)))") }
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
            return (ends[0], ends[1])
        }
        let errors = try makePipe()
        let output = onOutput == nil ? nil : try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        // Nothing else of ours goes to the child: an inherited descriptor (another child's exit pipe, a
        // server's socket) would otherwise live as long as this program does — an ssh master lives long.
        Self.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        Self.cleanSignals(&attributes)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        close(errors.write)
        if let output { close(output.write) }
        guard result == 0 else {
            close(errors.read)
            if let output { close(output.read) }
            throw SpawnError("cannot start \(program): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        var readers = [(errors.read, onErrorOutput)]
        if let output, let onOutput { readers.append((output.read, onOutput)) }
        handles = readers.map { FileHandle(fileDescriptor: $0.0, closeOnDealloc: true) }
        let openOutputs = OpenOutputs(readers.count)
        self.openOutputs = openOutputs
        for (handle, reader) in zip(handles, readers.map(\.1)) {
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    openOutputs.close()
                } else {
                    reader(data)
                }
            }
        }
    }

    /// Whether everything it wrote has been read (its outputs reached their end).
    public var outputsEnded: Bool { openOutputs.count.withLock { $0 <= 0 } }

    /// Adds to `actions` the closing of every descriptor above standard error, so that the child inherits
    /// none of ours (place it after the `dup2`s that set up its standard ones).
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for descriptor in openDescriptors() where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        }
    }

    /// Sets `attributes` so that the child starts with no signal blocked and the usual ones at their
    /// defaults (threads of an async program block signals, and a child inherits the mask).
    public static func cleanSignals(_ attributes: inout posix_spawnattr_t) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not show.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// The descriptors open now (an older glibc: those are closed one by one in the child).
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    /// Whether it still runs (a finished one is reaped here).
    public var isRunning: Bool { exitStatus == nil }

    /// How it ended: its exit status, or 128 + the signal that ended it; `nil` while it runs.
    public var exitStatus: Int32? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let waited = waitpid(processIdentifier, &raw, WNOHANG)
            if waited == -1 && errno == ECHILD {
                // Reaped elsewhere (a process-wide child reaper): gone, its status unknown.
                known = -1
                return known
            }
            guard waited == processIdentifier else { return nil }
            let low = raw & 0x7f
            known = low == 0 ? (raw >> 8) & 0xff : 128 + low
            return known
        }
    }

    /// Sends `signal` (SIGTERM unless told) while it runs.
    public func stop(_ signal: Int32 = SIGTERM) {
        if isRunning { kill(processIdentifier, signal) }
    }
}

/// How many of a program's outputs are still open, shared with their read handlers.
private final class OpenOutputs: Sendable {
    let count: Mutex<Int>
    init(_ count: Int) { self.count = Mutex(count) }
    func close() { count.withLock { $0 -= 1 } }
}

/// A helper program that could not be started.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
