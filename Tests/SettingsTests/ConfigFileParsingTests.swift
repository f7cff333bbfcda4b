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
        // Headers indented or with CRLF line ends still count: the third backend's tags are on line 11.
        (
            "[[backend]]\r\nname = \"a\"\r\ntype = \"redis\"\r\nurl = \"redis://h:1\"\r\n  [[backend]]  \nname = \"b\"\ntype = \"redis\"\n"
                + "url = \"redis://h:2\"\n\t[[backend]]\ntype = \"redis\"\ntags = [1]\nurl = \"redis://h:3\"\n",
            ":11:", "tags must be a list"
        ),
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
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ntags = \"prod\"\n", ":4:", "tags must be a list"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ntags = [\"two words\"]\n", ":4:", "tag 'two words'"),
        ("[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\ntags = [1]\n", ":4:", "tags must be a list"),
        ("[ui]\nsort = \"speed\"\n", ":2:", "sort must be one of"),
        ("[ui]\nsort_reverse = \"yes\"\n", ":2:", "sort_reverse must be true or false"),
        ("[ui]\ngroup = \"region\"\n", ":2:", "group must be"),
        ("[ui]\ncolumns = 3\n", ":2:", "unknown field 'columns' in [ui]"),
        ("include = 3\n", ":1:", "include must be a list of file patterns"),
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

    @Test func tagsAndTheUITableAreRead() throws {
        let config = try parse(
            """
            [ui]
            sort = "ops"
            sort_reverse = true
            group = "tag"

            [[backend]]
            name = "sessions"
            type = "redis"
            url = "redis://h:1"
            tags = ["prod", "eu-west-1", "Prod"]
            """)
        #expect(config.backends[0].tags.map(\.name) == ["prod", "eu-west-1"], "each tag once, whatever its case")
        #expect(config.overview == RememberedOverview(sort: .ops, reversed: true, grouping: .tag))
        #expect(try parse("").overview == RememberedOverview(sort: .number, reversed: false, grouping: .none))
    }

    @Test func theUITableIsWrittenWithoutTouchingAnythingElse() throws {
        let original = """
            # our caches
            refresh = "2s"

            [ui]
            # how I like it
            sort = "name"

            [[backend]]
            type = "redis"
            url = "redis://h:1"   # the main one
            """
        let updated = UIMemory.updating(original, with: RememberedOverview(sort: .ops, reversed: true, grouping: .type))
        #expect(updated.contains("# our caches\nrefresh = \"2s\"\n\n[ui]\nsort_reverse = true\ngroup = \"type\"\n# how I like it\nsort = \"ops\"\n"))
        #expect(updated.contains("url = \"redis://h:1\"   # the main one"))
        #expect(try parse(updated).overview == RememberedOverview(sort: .ops, reversed: true, grouping: .type))
        let fresh = UIMemory.updating("", with: RememberedOverview(sort: .hitRatio, reversed: false, grouping: .none))
        #expect(fresh == "[ui]\nsort = \"hit\"\nsort_reverse = false\ngroup = \"none\"\n")
        let appended = UIMemory.updating(
            "[[backend]]\ntype = \"redis\"\nurl = \"redis://h:1\"\n", with: RememberedOverview(sort: .keys, reversed: false, grouping: .tag))
        #expect(try parse(appended).backends.count == 1 && (try parse(appended).overview.sort == .keys), "a [ui] after the backends is its own table")

        // On disk: a file that did not exist is made, in a directory made for it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-ui-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cachescope/config.toml").path
        try UIMemory.remember(RememberedOverview(sort: .memory, reversed: false, grouping: .none), in: path)
        #expect(try ConfigFile(path: path).overview.sort == .memory)
        // A file that does not read as a configuration is left alone.
        try "refresh = [\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SettingsError.self) { try UIMemory.remember(RememberedOverview(sort: .ops, reversed: false, grouping: .none), in: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "refresh = [\n")
    }

    @Test func includedFilesAddTheirBackendsAfterTheMainFilesOwn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-include-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("conf.d/b-payments.toml", "[[backend]]\nname = \"payments\"\ntype = \"redis\"\nurl = \"redis://p:1\"\ntags = [\"prod\"]\n")
        try write("conf.d/a-search.toml", "[[backend]]\nname = \"search\"\ntype = \"memcached\"\nservers = [\"s:11211\"]\n")
        try write("conf.d/notes.txt", "not a configuration")
        try write(
            "config.toml",
            "include = [\"conf.d/*.toml\", \"nowhere/*.toml\"]\n\n[[backend]]\nname = \"main\"\ntype = \"redis\"\nurl = \"redis://m:1\"\n")
        let config = try ConfigFile(path: directory.appendingPathComponent("config.toml").path)
        #expect(config.backends.map(\.name) == ["main", "search", "payments"], "the main file's, then each file's in path order")
        #expect(config.backends[2].origin?.hasSuffix("conf.d/b-payments.toml") == true)
        #expect(config.backends[2].tags.map(\.name) == ["prod"])
        #expect(config.warnings.count == 1 && config.warnings[0].contains("include 'nowhere/*.toml' matches no file"), "\(config.warnings)")
        // The same name in two files: one line naming both.
        try write("conf.d/c-again.toml", "[[backend]]\nname = \"Payments\"\ntype = \"redis\"\nurl = \"redis://q:1\"\n")
        #expect { try ConfigFile(path: directory.appendingPathComponent("config.toml").path) } throws: { error in
            let message = (error as? SettingsError)?.message ?? ""
            return message.contains("two backends are named 'Payments'") && message.contains("b-payments.toml") && message.contains("c-again.toml")
                && !message.contains("\n")
        }
        // An included file holds backends only, and includes nothing.
        try write("conf.d/c-again.toml", "refresh = \"1s\"\n")
        #expect { try ConfigFile(path: directory.appendingPathComponent("config.toml").path) } throws: { error in
            ((error as? SettingsError)?.message ?? "").contains("c-again.toml:1: 'refresh' belongs in the main configuration file")
        }
        try write("conf.d/c-again.toml", "include = [\"x\"]\n")
        #expect(throws: SettingsError.self) { try ConfigFile(path: directory.appendingPathComponent("config.toml").path) }
        // A broken included file says so with its own path and line.
        try write("conf.d/c-again.toml", "[[backend]]\ntype = \"redis\"\nurl = \"redis://h:port\"\n")
        #expect { try ConfigFile(path: directory.appendingPathComponent("config.toml").path) } throws: { error in
            ((error as? SettingsError)?.message ?? "").contains("c-again.toml:3:")
        }
    }
}
