import TestSupport
import Testing

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
