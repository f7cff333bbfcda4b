import Foundation

/// A server binary a test starts (and can kill, freeze and restart) on a free loopback port, for tests that
/// need a server of their own: a password, a flag, a server to kill. Its command line carries
/// `cachescope-<name>-<port>-…`, so `scripts/test.sh` can reap servers a crashed test run left behind.
public class ServerProcess: @unchecked Sendable {
    public private(set) var port: Int
    let directory: URL
    private let binary: String
    private var arguments: [String]
    private let probe: String
    private let identity: (query: String, field: String)
    /// The server's process id while it is ours to signal.
    private var pid: pid_t?

    /// - Parameters:
    ///   - candidates: where the binary may be installed; `nil` is returned when none is.
    ///   - arguments: builds the command line from the port and a scratch directory.
    ///   - probe: what to send to see that the server answers.
    ///   - identity: what to send to learn the answering server's process id, and the field that carries it
    ///     (`STAT pid 123`, `process_id:123`).
    init?(
        name: String, candidates: [String], probe: String, identity: (query: String, field: String), arguments: (Int, URL) -> [String]
    ) throws {
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        self.binary = binary
        self.probe = probe
        self.identity = identity
        port = TestServers.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-\(name)-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.arguments = arguments(port, directory)
        // Another test may take the same free port between our check and the server's bind: then our server
        // exits and the probe reaches theirs (and pausing or killing "ours" would touch nothing). Start again
        // on another port until the server answering says it is our process.
        for _ in 0..<8 {
            try start()
            if let pid, !CleanProcess.hasEnded(pid).ended {
                // A server that asks for a password first does not say; it is running, which is as much as can be told.
                guard let answering = answeringProcessID() else { return }
                if answering == pid { return }
            }
            if let pid {
                Foundation.kill(pid, SIGKILL)
                CleanProcess.wait(pid)
            }
            pid = nil
            port = TestServers.freePort()
            self.arguments = arguments(port, directory)
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// The process id the server answering on the port reports; `nil` when it does not say (no answer, or
    /// a password is wanted first).
    private func answeringProcessID() -> Int32? {
        guard let reply = try? TestServers.exchange(host: "127.0.0.1", port: port, identity.query),
            let range = reply.range(of: identity.field)
        else { return nil }
        return Int32(reply[range.upperBound...].prefix { $0.isNumber })
    }

    /// Starts the server (again) and waits until it answers.
    public func start() throws {
        let pid = try CleanProcess.spawn(binary, arguments)
        self.pid = pid
        Self.reap(pid, whenThisProcessEnds: directory.lastPathComponent)
        for _ in 0..<100 {
            guard !CleanProcess.hasEnded(pid).ended else { return }
            if let reply = try? TestServers.exchange(host: "127.0.0.1", port: port, probe), !reply.isEmpty {
                // A moment more: a server that lost the port to another one exits right after its failed bind.
                Thread.sleep(forTimeInterval: 0.05)
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Kills the server `pid` once this test process has ended, however it ended: a server a suite keeps
    /// in a `static let` is never deinitialised, and a plain `swift test` left one running per run. A shell
    /// waits for our process to go, then kills the server if the process with that id is still the one
    /// whose command line or working directory carries `tag` (its scratch directory: redis-server rewrites
    /// its command line to `redis-server host:port`, but works in its `--dir`).
    private static func reap(_ pid: Int32, whenThisProcessEnds tag: String) {
        _ = try? CleanProcess.spawn(
            "/bin/sh",
            [
                "-c",
                "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; { grep -q '\(tag)' /proc/\(pid)/cmdline || readlink /proc/\(pid)/cwd | grep -q '\(tag)'; } 2>/dev/null && kill -9 \(pid)",
            ])
    }

    /// Kills the server at once (SIGKILL), as a crash would, and returns once nothing answers on its port.
    /// Signals go to the process id without asking `Process.isRunning` first: a child that was stopped
    /// (SIGSTOP) and continued can read as not running for a moment, and a skipped kill left the server
    /// answering.
    public func kill() {
        guard let pid else { return }
        self.pid = nil
        defer { _ = CleanProcess.hasEnded(pid) }
        Foundation.kill(pid, SIGKILL)
        Foundation.kill(pid, SIGCONT)
        // Gone for certain before returning: no /proc entry, or a zombie whose sockets are closed (not asking
        // `Process.isRunning`, which can be wrong after a stop and a continue).
        for _ in 0..<250 where Self.isAlive(pid) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        // And its port refuses connections.
        for _ in 0..<250 {
            guard (try? TestServers.exchange(host: "127.0.0.1", port: port, probe)) != nil else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Whether process `pid` still runs (exists and is not a zombie).
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            // No entry: gone (or no /proc at all, where only the signal test can tell).
            return !FileManager.default.fileExists(atPath: "/proc") && Foundation.kill(pid, 0) == 0
        }
        // `pid (name) S …`: the state follows the name's closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing is answered. Returns once every thread of
    /// the server is stopped (a signal stops a busy thread only a moment later, and in that moment it could
    /// still answer).
    public func pause() {
        guard let pid else { return }
        Foundation.kill(pid, SIGSTOP)
        for _ in 0..<200 where !Self.isStopped(pid) { usleep(10_000) }
    }

    /// Whether every thread of `pid` is stopped (`T` in /proc); true where there is no /proc to ask.
    private static func isStopped(_ pid: Int32) -> Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return true }
        return threads.allSatisfy { thread in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
            return state == "T" || state == "t" || state == "Z" || state == "X"
        }
    }

    /// Thaws a paused server (SIGCONT).
    public func resume() {
        if let pid { Foundation.kill(pid, SIGCONT) }
    }

    deinit {
        resume()
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A redis-server of the test's own. `nil` when `redis-server` is not installed.
public final class RedisServerProcess: ServerProcess, @unchecked Sendable {
    /// Starts `redis-server` with extra `arguments` (e.g. `["--requirepass", "secret"]`).
    public init?(arguments extra: [String] = []) throws {
        try super.init(
            name: "redis", candidates: ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"],
            probe: "PING\r\n", identity: ("INFO server\r\n", "process_id:")
        ) { port, directory in
            ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path] + extra
        }
    }

    /// `redis://[:password@]127.0.0.1:port/db`.
    public func url(password: String? = nil, database: Int = 0) -> String {
        "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/\(database)"
    }
}

/// A memcached of the test's own (for `flush_all`, `-X`, a server to kill, a second pool member). `nil` when
/// `memcached` is not installed.
public final class MemcachedServerProcess: ServerProcess, @unchecked Sendable {
    /// Starts `memcached` with extra `arguments` (e.g. `["-X"]`).
    public init?(arguments extra: [String] = []) throws {
        let root = getuid() == 0 ? ["-u", "root"] : []
        try super.init(
            name: "memcached", candidates: ["/usr/bin/memcached", "/usr/local/bin/memcached", "/opt/homebrew/bin/memcached"],
            probe: "version\r\n", identity: ("stats\r\n", "STAT pid ")
        ) { port, directory in
            ["-l", "127.0.0.1", "-p", "\(port)", "-U", "0", "-m", "64", "-P", directory.appendingPathComponent("memcached.pid").path] + root + extra
        }
    }

    /// `127.0.0.1:port`.
    public var address: String { "127.0.0.1:\(port)" }
}

/// A redis-sentinel of the test's own, watching the master at `masterPort` as `service` (quorum 2, a master
/// down after 1 s). `nil` when `redis-sentinel` is not installed.
public final class SentinelProcess: ServerProcess, @unchecked Sendable {
    public init?(masterPort: Int, service: String = "mymaster", quorum: Int = 2) throws {
        try super.init(
            name: "sentinel", candidates: ["/usr/bin/redis-sentinel", "/usr/local/bin/redis-sentinel", "/opt/homebrew/bin/redis-sentinel"],
            probe: "PING\r\n", identity: ("INFO server\r\n", "process_id:")
        ) { port, directory in
            // Sentinel rewrites its configuration file, so each one gets a file of its own.
            let file = directory.appendingPathComponent("sentinel-\(port).conf")
            let text = """
                port \(port)
                bind 127.0.0.1
                dir \(directory.path)
                sentinel monitor \(service) 127.0.0.1 \(masterPort) \(quorum)
                sentinel down-after-milliseconds \(service) 1000
                sentinel failover-timeout \(service) 5000
                sentinel parallel-syncs \(service) 1

                """
            try? text.write(to: file, atomically: true, encoding: .utf8)
            return [file.path]
        }
    }

    /// `127.0.0.1:port`.
    public var address: String { "127.0.0.1:\(port)" }
}
