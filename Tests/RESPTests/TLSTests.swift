import ConnectionSupport
import RESP
import TestSupport
import Testing

/// `rediss://` URLs, and TLS against the redis-server `scripts/test.sh` starts with a throwaway CA: its
/// certificate names `localhost` only, and it wants a client certificate.
@Suite struct TLSTests {
    @Test func redissURLsCarryTheirTLSOptions() throws {
        let url = try RedisURL(
            parsing:
                "rediss://:pw@cache.example.com:6380/2?ssl_ca_certs=/etc/ca.pem&ssl_certfile=/c.pem&ssl_keyfile=/k.pem&ssl_server_name=redis.internal"
        )
        #expect(url.tls == TLSSettings(caFile: "/etc/ca.pem", certificateFile: "/c.pem", keyFile: "/k.pem", serverName: "redis.internal"))
        #expect(url.database == 2 && url.password == "pw")
        #expect(url.description == "rediss://:***@cache.example.com:6380/2")
        #expect(try RedisURL(parsing: "rediss://h:1?ssl_cert_reqs=none").tls?.verification == TLSSettings.Verification.none)
        #expect(try RedisURL(parsing: "rediss://h:1?ssl_check_hostname=false").tls?.verification == .caOnly)
        #expect(try RedisURL(parsing: "rediss://h").tls == TLSSettings())
        #expect(try RedisURL(parsing: "redis://h").tls == nil)
        for bad in ["redis://h:1?ssl_ca_certs=/ca.pem", "rediss://h:1?ssl_cert_reqs=maybe", "rediss://h:1?ssl_check_hostname=perhaps"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisURL(parsing: bad) }
        }
    }

    @Test func unreadableFilesAreNamed() {
        #expect { try TLSSettings(caFile: "/nonexistent/ca.pem").makeContext() } throws: { "\($0)".contains("/nonexistent/ca.pem does not exist") }
        #expect { try TLSSettings(certificateFile: "/etc/hostname").makeContext() } throws: { "\($0)".contains("needs its key file") }
    }

    // MARK: against the TLS server

    static let enabled = TestServers.tls != nil && TestServers.tlsDirectory != nil

    func url(host: String? = nil, _ tls: (String) -> TLSSettings) throws -> RedisURL {
        let server = try #require(TestServers.tls)
        let directory = try #require(TestServers.tlsDirectory)
        return RedisURL(address: .tcp(host: host ?? "localhost", port: server.port), tls: tls(directory))
    }

    func verified(_ directory: String) -> TLSSettings {
        TLSSettings(caFile: "\(directory)/ca.crt", certificateFile: "\(directory)/client.crt", keyFile: "\(directory)/client.key")
    }

    func failure(_ url: RedisURL) async -> RedisError? {
        let client = RedisClient(url: url, configuration: .init(connectTimeout: .seconds(3), commandTimeout: .seconds(3)))
        defer { Task { await client.close() } }
        do {
            _ = try await client.send(RESPCommand("PING"))
            return nil
        } catch {
            return error as? RedisError
        }
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.tlsSkipMessage)))
    func verifiedConnectionsWork() async throws {
        for url in [
            try url(verified),
            try url(host: "127.0.0.1") {
                var tls = verified($0)
                tls.serverName = "localhost"
                return tls
            },
        ] {
            let client = RedisClient(url: url)
            #expect(try await client.send(RESPCommand("PING")).string == "PONG")
            let key = Array("tls-test:\(url.hostAndPort)".utf8)
            try await client.send(RESPCommand("SET", key: key, ["over TLS", "EX", 60]))
            #expect(try await client.send(RESPCommand("GET", key: key)).string == "over TLS")
            #expect(try await client.info(["server"]).version != nil)
            await client.close()
        }
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.tlsSkipMessage)))
    func eachProblemIsOneClearLine() async throws {
        let cases: [(RedisURL, String)] = [
            (try url { TLSSettings(caFile: "\($0)/other-ca.crt", certificateFile: "\($0)/client.crt", keyFile: "\($0)/client.key") }, "not trusted"),
            (try url(host: "127.0.0.1", verified), "not issued for the name"),
            (try url { TLSSettings(caFile: "\($0)/ca.crt") }, "client certificate"),
        ]
        for (url, expected) in cases {
            let error = await failure(url)
            #expect(error?.code == .tlsFailed, "\(expected): \(String(describing: error))")
            #expect(error?.message.contains(expected) == true && error?.message.contains("\n") == false, "\(String(describing: error))")
        }
        var plain = try url(verified)
        plain.tls = nil
        #expect(await failure(plain)?.message.contains("use rediss://") == true)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.tlsSkipMessage)))
    func skippingVerificationAcceptsAnyCertificate() async throws {
        let url = try url(host: "127.0.0.1") { TLSSettings(certificateFile: "\($0)/client.crt", keyFile: "\($0)/client.key", verification: .none) }
        #expect(url.tls?.verification == TLSSettings.Verification.none)
        let client = RedisClient(url: url)
        #expect(try await client.send(RESPCommand("PING")).string == "PONG")
        await client.close()
    }
}
