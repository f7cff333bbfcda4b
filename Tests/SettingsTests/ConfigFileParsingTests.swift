import CacheMonitor
import Dashboard
import Foundation
import RESP
import Settings
import Testing

/// The configuration file read from its text, without the binary: backends, settings, thresholds, and every
/// mistake as one line naming the file, the line and the field.
@Suite struct ConfigFileParsingTests {
    private func parse(_ text: String, environment: [String: String] = [:]) throws -> ConfigFile {
        try ConfigFile(text: text, path: "/etc/cachescope.toml", environment: environment)
    }

    @Test func backendsSettingsAndThresholdsAreRead() throws {
        let config = try parse(
            """
            refresh = "2.5s"
            theme = "light"

            [thresholds]
            hit_ratio_warning = 0.9
            memory_critical = 0.99
            ttl_warning = "30s"
            fragmentation_ratio = 2
            fragmentation_bytes = "1GB"
            replica_lag = "30s"

            [[backend]]
            name = "sessions"
            type = "RedisCache"
            url = "redis://10.0.0.5:6379/2"
            password_env = "SESSIONS_PASSWORD"
            key_prefix = "flask_cache_"

            [[backend]]
            name = "shards"
            type = "redis-cluster"
            delimiters = ":"
            url = ["redis://10.0.0.7:7000", "redis://10.0.0.8:7000"]

            [[backend]]
            type = "memcached"
            servers = ["10.0.0.6:11211", "10.0.0.9:11211"]
            """,
            environment: ["SESSIONS_PASSWORD": "hunter2"]
        )
        #expect(config.refresh == .milliseconds(2500))
        #expect(config.theme == "light")
        #expect(config.thresholds.hitRatioWarning == 0.9 && config.thresholds.memoryCritical == 0.99 && config.thresholds.ttlWarningSeconds == 30)
        #expect(config.thresholds.hitRatioCritical == Thresholds().hitRatioCritical, "unset thresholds keep their defaults")
        #expect(
            config.thresholds.attention
                == AttentionThresholds(fragmentationRatio: 2, fragmentationBytes: 1 << 30, replicaLagSeconds: 30, memoryWarning: 0.8))
        #expect(config.mouse == nil)
        #expect(try parse("mouse = false\n").mouse == false)
        #expect(config.backends.map(\.name) == ["sessions", "shards", "memcached"])
        #expect(config.backends.map(\.kind) == [.redis, .redisCluster, .memcached])
        #expect(config.backends[0].redisURL?.password == "hunter2")
        #expect(config.backends[0].redisURL?.database == 2)
        #expect(config.backends[0].keyPrefix == "flask_cache_")
        #expect(config.backends[1].clusterSeeds?.map(\.hostAndPort) == ["10.0.0.7:7000", "10.0.0.8:7000"])
        #expect(config.backends[2].memcachedServers?.count == 2)
        #expect(config.backends[2].address == "10.0.0.6:11211,10.0.0.9:11211")
        #expect(config.backends[1].delimiters == (try KeyDelimiters(":")) && config.backends[0].delimiters == .standard)
    }

    @Test(arguments: [
        (
            "[[backend]]\nname = \"a\"\ntype = \"redis\"\nurl = \"redis://h:1\"\n\n[[backend]]\ntype = \"memcached\"\nservres = [\"x:1\"]\n", ":8:",
            "servres"
        ),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:notaport\"\n", ":3:", "port"),
        ("[[backend]\nname = 1\n", ":1:", "expected"),
        ("[[backend]]\ntype = \"mongodb\"\n", ":2:", "unknown type 'mongodb'"),
        ("[[backend]]\nname = \"x\"\n", ":1:", "needs a type"),
        (
            "[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\npassword_env = \"CACHESCOPE_UNSET_VARIABLE_FOR_TESTS\"\n", ":4:",
            "CACHESCOPE_UNSET_VARIABLE_FOR_TESTS"
        ),
        ("[[backend]]\ntype = \"memcached\"\nservers = \"a:1,,b:2\"\n", ":3:", "empty entry"),
        ("[[backend]]\nname = \"has space\"\ntype = \"redis\"\nurl = \"redis://h:1\"\n", ":2:", "name"),
        ("refresh = \"soon\"\n", ":1:", "refresh"),
        ("colour = \"red\"\n", ":1:", "unknown setting 'colour'"),
        (
            "[[backend]]\nname = \"a\"\ntype = \"redis\"\nurl = \"redis://h:1\"\n[[backend]]\nname = \"a\"\ntype = \"redis\"\nurl = "
                + "\"redis://h:2\"\n",
            ":6:", "two backends are named 'a'"
        ),
        ("[thresholds]\nhit_ratio_warning = 1.5\n", ":2:", "hit_ratio_warning"),
        ("[thresholds]\nmemory_warning = 0.9\nmemory_critical = 0.5\n", ":3:", "memory_critical"),
        ("[[backend]]\ntype = \"redis-cluster\"\nurl = \"redis://h:7000/3\"\n", ":3:", "only database 0"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ntls_ca_file = \"/ca.pem\"\n", ":4:", "rediss://"),
        ("[[backend]]\ntype = \"memcached\"\nservers = [\"a:1\"]\npassword_env = \"HOME\"\n", ":4:", "needs username too"),
        ("[[backend]]\ntype = \"memcached\"\nservers = [\"a:1\"]\nusername = \"u\"\n", ":4:", "needs password_env or password_command"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\npassword_env = \"HOME\"\npassword_command = \"x\"\n", ":5:", "not both"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ntls = true\n", ":4:", "rediss://"),
        ("[[backend]]\ntype = \"memcached\"\nservers = [\"a:1\"]\ntls_ca_file = \"/ca.pem\"\n", ":4:", "tls = true"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\nssh = \"\"\n", ":4:", "empty ssh destination"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\nssh = \"-oProxyCommand=x\"\n", ":4:", "cannot start with '-'"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\nssh_config = \"/x\"\n", ":4:", "goes with ssh"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\nssh = \"b\"\nssh_config = \"/nonexistent/c\"\n", ":5:", "/nonexistent/c"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ndelimiters = \": \"\n", ":4:", "delimiters"),
        ("[thresholds]\nfragmentation_ratio = 0.5\n", ":2:", "fragmentation_ratio"),
        ("[thresholds]\nfragmentation_bytes = \"lots\"\n", ":2:", "fragmentation_bytes"),
        ("[thresholds]\nreplica_lag = 10\n", ":2:", "replica_lag"),
        ("mouse = \"no\"\n", ":1:", "mouse must be true or false"),
    ])
    func everyMistakeIsOneLineWithFileLineAndField(text: String, line: String, detail: String) {
        do {
            _ = try parse(text, environment: ["HOME": "/root"])
            Issue.record("accepted: \(text)")
        } catch let error as SettingsError {
            #expect(!error.message.contains("\n"), "\(error.message)")
            #expect(error.message.hasPrefix("/etc/cachescope.toml" + line), "\(error.message)")
            #expect(error.message.contains(detail), "\(error.message)")
        } catch {
            Issue.record("not a SettingsError: \(error)")
        }
    }

    @Test func theDefaultFileIsFoundUnderXDGConfigHomeOnlyWhenItExists() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(ConfigFile.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": home.path]) == nil)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("cachescope"), withIntermediateDirectories: true)
        try "refresh = \"1s\"\n".write(to: home.appendingPathComponent("cachescope/config.toml"), atomically: true, encoding: .utf8)
        #expect(ConfigFile.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": home.path]) == home.path + "/cachescope/config.toml")
        #expect(ConfigFile.locate(explicit: "/given.toml", environment: ["XDG_CONFIG_HOME": home.path]) == "/given.toml", "--config wins")
    }
}
