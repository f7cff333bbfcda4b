import Foundation

/// A redis-server this test starts (and can stop and restart) on a free port, for tests that need a
/// password, or a server to kill. `nil` when `redis-server` is not installed.
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    private let arguments: [String]
    private let directory: URL
    private var process: Process?

    /// Starts `redis-server` with extra `arguments` (e.g. `["--requirepass", "secret"]`).
    public init?(arguments: [String] = []) throws {
        guard let binary = Self.binary else { return nil }
        port = TestServers.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-redis-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path] + arguments
        _ = binary
        try start()
    }

    /// Where `redis-server` is, if installed.
    public static var binary: String? {
        ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts the server (again) and waits until it answers.
    public func start() throws {
        guard let binary = Self.binary else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if let reply = try? TestServers.exchange(host: "127.0.0.1", port: port, "PING\r\n"), !reply.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing is answered.
    public func pause() {
        if let process, process.isRunning { Foundation.kill(process.processIdentifier, SIGSTOP) }
    }

    /// Thaws a paused server (SIGCONT).
    public func resume() {
        if let process, process.isRunning { Foundation.kill(process.processIdentifier, SIGCONT) }
    }

    /// `redis://[:password@]127.0.0.1:port/db`.
    public func url(password: String? = nil, database: Int = 0) -> String {
        "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/\(database)"
    }

    deinit {
        resume()
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}
