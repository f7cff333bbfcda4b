import Foundation
import TestSupport
import Testing

/// `--ssh` and `ssh = "…"` from the command line, as a newcomer uses them: every command reaches Redis, a Redis
/// Cluster and memcached through the throwaway sshd of `scripts/test.sh` (an alias of its ssh configuration
/// file), and a bastion that cannot be used is one clear line.
@Suite(.enabled(if: TestServers.sshConfig != nil, Comment(rawValue: TestServers.sshSkipMessage)))
struct BastionCommandLineTests {
    let cli = CommandLineTests()

    func sshFlags(_ alias: String = "cachescope-bastion") throws -> [String] {
        ["--ssh", alias, "--ssh-config", try #require(TestServers.sshConfig)]
    }

    func backends(_ output: String) throws -> [[String: Any]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output)")
        return try #require(json["backends"] as? [[String: Any]])
    }

    @Test(.enabled(if: TestServers.redis != nil && TestServers.memcached != nil && TestServers.cluster != nil))
    func snapshotReachesRedisAClusterAndMemcachedThroughTheBastion() async throws {
        let redis = try #require(TestServers.redis)
        let memcached = try #require(TestServers.memcached)
        let seed = try #require(TestServers.cluster?.first)
        let result = try await cli.run(
            [
                "snapshot", "--json", "--interval", "200ms", "--redis", "redis://\(redis.host):\(redis.port)", "--redis",
                "redis://\(seed.host):\(seed.port)", "--memcached", "\(memcached.host):\(memcached.port)",
            ] + sshFlags())
        #expect(result.status == 0, "\(result.output)")
        let rows = try backends(result.output)
        #expect(rows.count == 3 && rows.allSatisfy { $0["status"] as? String == "up" }, "\(rows)")
        #expect(
            rows.map { $0["address"] as? String } == [
                "\(redis.host):\(redis.port)", "\(seed.host):\(seed.port)", "\(memcached.host):\(memcached.port)",
            ])
        let cluster = try #require(rows.first { ($0["type"] as? String)?.contains("cluster") == true }, "\(rows)")
        let nodes = cluster["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.count >= 3, "every node, by its real address: \(nodes)")
    }

    @Test(.enabled(if: TestServers.redis != nil))
    func everyCommandTakesTheBastion() async throws {
        let redis = try #require(TestServers.redis)
        let url = "redis://\(redis.host):\(redis.port)/9"
        for command in [
            ["keys", "--json", "--limit", "5"], ["check"], ["health", "--json"], ["analyze", "--json", "--sample", "100"],
        ] {
            let result = try await cli.run(command + ["--redis", url] + sshFlags())
            #expect(result.status == 0, "\(command): \(result.output)")
        }
        let invalidate = try await cli.run(["invalidate", "--yes", "--prefix", "cachescope-bastion-test:", "--redis", url] + sshFlags())
        #expect(invalidate.status == 0, "\(invalidate.output)")
        let traffic = try await cli.run(["traffic", "--duration", "1s", "--json", "--redis", url] + sshFlags())
        #expect(traffic.status == 0 && traffic.output.contains("\"method\""), "MONITOR through the tunnel: \(traffic.output)")
        if let memcached = TestServers.memcached {
            for command in [["keys", "--json"], ["traffic", "--duration", "1s", "--json"]] {
                let result = try await cli.run(command + ["--memcached", "\(memcached.host):\(memcached.port)"] + sshFlags())
                #expect(result.status == 0, "metadump and watch through the tunnel, \(command): \(result.output)")
            }
        }
    }

    @Test(.enabled(if: TestServers.memcached != nil))
    func theConfigurationFileTakesSSHPerBackend() async throws {
        let memcached = try #require(TestServers.memcached)
        let path = try cli.configFile(
            """
            [[backend]]
            name = "behind"
            type = "memcached"
            servers = ["\(memcached.host):\(memcached.port)"]
            ssh = "cachescope-bastion"
            ssh_config = "\(try #require(TestServers.sshConfig))"
            """)
        let result = try await cli.run(["snapshot", "--json", "--interval", "200ms", "--config", path])
        #expect(result.status == 0, "\(result.output)")
        #expect(try backends(result.output).first?["status"] as? String == "up", "\(result.output)")
    }

    @Test(.enabled(if: TestServers.redis != nil))
    func anUnknownHostKeyIsOneLineNamingTheBastion() async throws {
        let redis = try #require(TestServers.redis)
        let result = try await cli.run(["keys", "--redis", "redis://\(redis.host):\(redis.port)"] + sshFlags("cachescope-bastion-unknown"))
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
        #expect(result.output.contains("not in known_hosts") && result.output.contains("ssh cachescope-bastion-unknown"), "\(result.output)")
    }

    @Test func flagsThatCannotBeUsedAreUsageErrors() async throws {
        let config = try #require(TestServers.sshConfig)
        for (arguments, expected) in [
            (["snapshot", "--redis", "redis://127.0.0.1:1", "--ssh-config", config], "--ssh-config goes with --ssh"),
            (["snapshot", "--redis", "redis://127.0.0.1:1", "--ssh=-oProxyCommand=touch /tmp/x"], "cannot start with '-'"),
            (["snapshot", "--redis", "redis://127.0.0.1:1", "--ssh", "host:99999"], "is not a number from 1 to 65535"),
            (
                ["snapshot", "--redis", "redis://127.0.0.1:1", "--ssh", "bastion", "--ssh-config", "/nonexistent/ssh_config"],
                "/nonexistent/ssh_config"
            ),
        ] {
            let result = try await cli.run(arguments)
            #expect(result.status == 2 && result.output.contains(expected), "\(arguments): \(result.output)")
            #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
        }
    }
}
