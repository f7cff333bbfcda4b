import Foundation
import TestSupport
import Testing

/// memcached over TLS (`memcacheds://`, `tls = true`; Debian's memcached started with -Z and a throwaway CA) and
/// with its text-protocol login (-Y; `username` with `password_env` or `password_command`), from the command
/// line — and `password_command` for Redis (the least-privilege ACL user of `scripts/test.sh`).
@Suite struct MemcachedTLSAndLoginCommandLineTests {
    let cli = CommandLineTests()

    func backend(_ output: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output)")
        return try #require((json["backends"] as? [[String: Any]])?.first)
    }

    func tlsPort() throws -> Int { try #require(TestServers.memcachedTLS?.port) }
    func ca(_ name: String = "ca.crt") throws -> String { "\(try #require(TestServers.tlsDirectory))/\(name)" }

    @Test(.enabled(if: TestServers.memcachedTLS != nil && TestServers.tlsDirectory != nil, Comment(rawValue: TestServers.tlsSkipMessage)))
    func aVerifiedTLSConnectionToMemcachedIsUpAndListsKeys() async throws {
        let snapshot = try await cli.run(
            ["snapshot", "--json", "--interval", "100ms", "--memcached", "memcacheds://localhost:\(try tlsPort())", "--tls-ca-file", try ca()])
        #expect(snapshot.status == 0, "\(snapshot.output)")
        let memcached = try backend(snapshot.output)
        #expect(memcached["status"] as? String == "up" && memcached["tls"] as? String == "TLS", "\(memcached)")
        let keys = try await cli.run(["keys", "--json", "--memcached", "memcacheds://localhost:\(try tlsPort())", "--tls-ca-file", try ca()])
        #expect(keys.status == 0, "the metadump walks over TLS too: \(keys.output)")
    }

    @Test(.enabled(if: TestServers.memcachedTLS != nil && TestServers.tlsDirectory != nil, Comment(rawValue: TestServers.tlsSkipMessage)))
    func aWrongCAOrAWrongNameIsOneClearLine() async throws {
        let wrongCA = try await cli.run(["keys", "--memcached", "memcacheds://localhost:\(try tlsPort())", "--tls-ca-file", try ca("other-ca.crt")])
        #expect(wrongCA.status == 1 && wrongCA.output.split(separator: "\n").count == 1, "\(wrongCA.output)")
        #expect(wrongCA.output.contains("not trusted"), "\(wrongCA.output)")
        let wrongName = try await cli.run(["keys", "--memcached", "memcacheds://127.0.0.1:\(try tlsPort())", "--tls-ca-file", try ca()])
        #expect(wrongName.status == 1 && wrongName.output.split(separator: "\n").count == 1, "\(wrongName.output)")
        #expect(wrongName.output.contains("127.0.0.1"), "\(wrongName.output)")
        let plain = try await cli.run(["keys", "--memcached", "localhost:\(try tlsPort())"])
        #expect(plain.status == 1 && plain.output.split(separator: "\n").count == 1, "a plain client on the TLS port: \(plain.output)")
    }

    @Test(.enabled(if: TestServers.memcachedTLS != nil && TestServers.tlsDirectory != nil, Comment(rawValue: TestServers.tlsSkipMessage)))
    func theConfigurationFileTakesTLSForMemcachedAndSkippingVerificationWarns() async throws {
        let path = try cli.configFile(
            """
            [[backend]]
            name = "secure"
            type = "memcached"
            servers = ["127.0.0.1:\(try tlsPort())"]
            tls = true
            tls_ca_file = "\(try ca())"
            tls_server_name = "localhost"
            """)
        let verified = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--config", path])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(try backend(verified.output)["tls"] as? String == "TLS", "\(verified.output)")
        let skipped = try await cli.run([
            "snapshot", "--json", "--interval", "100ms", "--memcached", "memcacheds://127.0.0.1:\(try tlsPort())", "--tls-skip-verify",
        ])
        #expect(skipped.status == 0, "\(skipped.output)")
        #expect(skipped.output.contains("warning: TLS certificate verification is OFF for memcached"), "\(skipped.output)")
        let stray = try cli.configFile(
            """
            [[backend]]
            type = "memcached"
            servers = ["127.0.0.1:11211"]
            tls_ca_file = "\(try ca())"
            """)
        let refused = try await cli.run(["snapshot", "--config", stray])
        #expect(refused.status == 2 && refused.output.contains("tls = true"), "\(refused.output)")
    }

    func loginConfig(_ login: String) throws -> String {
        let server = try #require(TestServers.memcachedAuth)
        return try cli.configFile(
            """
            [[backend]]
            name = "guarded"
            type = "memcached"
            servers = ["\(server.host):\(server.port)"]
            username = "\(server.user)"
            \(login)
            """)
    }

    @Test(.enabled(if: TestServers.memcachedAuth != nil, Comment(rawValue: TestServers.skipMessage)))
    func aMemcachedLoginFromTheEnvironmentOrACommandWorksForEveryCommand() async throws {
        let server = try #require(TestServers.memcachedAuth)
        let fromEnvironment = try loginConfig("password_env = \"CACHESCOPE_TEST_MC_PASSWORD\"")
        for command in [["snapshot", "--json", "--interval", "100ms"], ["keys", "--json"], ["health", "--json"], ["check"]] {
            let result = try await cli.run(command + ["--config", fromEnvironment], environment: ["CACHESCOPE_TEST_MC_PASSWORD": server.password])
            #expect(result.status == 0, "\(command): \(result.output)")
        }
        let fromCommand = try loginConfig("password_command = \"printf '%s\\\\n' \(server.password)\"")
        let result = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--config", fromCommand])
        #expect(result.status == 0, "\(result.output)")
        #expect(try backend(result.output)["status"] as? String == "up", "\(result.output)")
    }

    @Test(.enabled(if: TestServers.memcachedAuth != nil, Comment(rawValue: TestServers.skipMessage)))
    func aRefusedLoginOrAFailingCommandIsOneLineThatNeverShowsTheSecret() async throws {
        let wrong = try loginConfig("password_env = \"CACHESCOPE_TEST_MC_PASSWORD\"")
        let refused = try await cli.run(["keys", "--config", wrong], environment: ["CACHESCOPE_TEST_MC_PASSWORD": "not-the-password"])
        #expect(refused.status == 1 && refused.output.split(separator: "\n").count == 1, "\(refused.output)")
        #expect(refused.output.contains("refused the login") && !refused.output.contains("not-the-password"), "\(refused.output)")
        let failing = try loginConfig("password_command = \"echo leaked-secret; exit 3\"")
        let result = try await cli.run(["keys", "--config", failing])
        #expect(result.status == 1 && result.output.split(separator: "\n").count == 1, "\(result.output)")
        #expect(result.output.contains("exit status 3") && !result.output.contains("leaked-secret"), "\(result.output)")
        let missing = try cli.configFile(
            """
            [[backend]]
            type = "memcached"
            servers = ["127.0.0.1:11211"]
            password_command = "echo x"
            """)
        let usage = try await cli.run(["snapshot", "--config", missing])
        #expect(usage.status == 2 && usage.output.contains("needs username too"), "\(usage.output)")
    }

    @Test(.enabled(if: TestServers.aclURL != nil, Comment(rawValue: TestServers.restrictedSkipMessage)))
    func aRedisPasswordFromACommand() async throws {
        let acl = try #require(TestServers.aclURL)
        let address = try #require(acl.split(separator: "@").last)
        let user = try #require(acl.dropFirst("redis://".count).split(separator: ":").first)
        let password = try #require(acl.split(separator: "@").first?.split(separator: ":").last)
        let path = try cli.configFile(
            """
            [[backend]]
            name = "tokens"
            type = "redis"
            url = "redis://\(user)@\(address)"
            password_command = "echo \(password)"
            """)
        let result = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--config", path])
        #expect(result.status == 0, "\(result.output)")
        #expect(try backend(result.output)["status"] as? String == "up", "\(result.output)")
        let failing = try cli.configFile(
            """
            [[backend]]
            type = "redis"
            url = "redis://\(user)@\(address)"
            password_command = "echo leaked-secret; exit 7"
            """)
        let refused = try await cli.run(["keys", "--config", failing])
        #expect(refused.status == 1 && refused.output.contains("exit status 7") && !refused.output.contains("leaked-secret"), "\(refused.output)")
    }
}

/// `--memcached-discovery` and `type = "memcached-discovery"` against a fake configuration endpoint listing
/// real memcached nodes.
@Suite struct MemcachedDiscoveryCommandLineTests {
    let cli = CommandLineTests()

    @Test func aDiscoveredPoolIsItsNodesFromTheFlagAndTheFile() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let endpoint = try FakeConfigurationEndpoint(nodes: [first.address, second.address])
        let result = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--memcached-discovery", "127.0.0.1:\(endpoint.port)"])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let backend = try #require((json["backends"] as? [[String: Any]])?.first)
        #expect(backend["address"] as? String == "127.0.0.1:\(endpoint.port)" && backend["status"] as? String == "up", "\(backend)")
        let servers = (backend["servers"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
        #expect(servers == [first.address, second.address], "\(servers)")

        let path = try cli.configFile(
            """
            [[backend]]
            name = "elasticache"
            type = "memcached-discovery"
            servers = ["127.0.0.1:\(endpoint.port)"]
            """)
        let fromFile = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--config", path])
        #expect(fromFile.status == 0 && fromFile.output.contains(first.address) && fromFile.output.contains(second.address), "\(fromFile.output)")
        let list = try cli.configFile(
            """
            [[backend]]
            type = "memcached-discovery"
            servers = ["127.0.0.1:1", "127.0.0.1:2"]
            """)
        let refused = try await cli.run(["snapshot", "--config", list])
        #expect(refused.status == 2 && refused.output.contains("one configuration endpoint"), "\(refused.output)")
    }
}
