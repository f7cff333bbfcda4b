import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The servers `scripts/test.sh` starts for integration tests, read from the environment.
///
/// `CACHESCOPE_TEST_REDIS` and `CACHESCOPE_TEST_MEMCACHED` hold `host:port`. When they are unset (a plain
/// `swift test`), tests that need a server are skipped with this message.
enum TestServers {
    static let skipMessage = "no test server: run scripts/test.sh, which starts redis-server and memcached on spare ports"

    static var redis: (host: String, port: UInt16)? { address("CACHESCOPE_TEST_REDIS") }
    static var memcached: (host: String, port: UInt16)? { address("CACHESCOPE_TEST_MEMCACHED") }

    private static func address(_ variable: String) -> (host: String, port: UInt16)? {
        guard let value = ProcessInfo.processInfo.environment[variable], let colon = value.lastIndex(of: ":"),
            let port = UInt16(value[value.index(after: colon)...])
        else { return nil }
        return (String(value[..<colon]), port)
    }

    /// Sends `request` over a plain TCP connection and returns what arrives within a second.
    static func exchange(host: String, port: UInt16, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
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
}

/// Proves the test script's servers are up, so the integration tests of later issues really run in CI.
@Suite struct TestServersTests {
    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func redisAnswersPing() throws {
        let server = try #require(TestServers.redis)
        #expect(try TestServers.exchange(host: server.host, port: server.port, "PING\r\n") == "+PONG\r\n")
    }

    @Test(.enabled(if: TestServers.memcached != nil, Comment(rawValue: TestServers.skipMessage)))
    func memcachedAnswersVersion() throws {
        let server = try #require(TestServers.memcached)
        #expect(try TestServers.exchange(host: server.host, port: server.port, "version\r\n").hasPrefix("VERSION "))
    }
}
