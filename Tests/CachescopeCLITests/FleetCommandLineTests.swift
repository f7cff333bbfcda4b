import Foundation
import RESP
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Many backends through the real binary: tags chosen with `--tag`, the totals of `snapshot --json`, the
/// `include` of a configuration, `serve`'s per-backend `/scrape` scraped by a real Prometheus with the
/// multi-target relabelling, and the dashboard's sort, filter and group view in a terminal.
@Suite(.serialized) struct FleetCommandLineTests {
    let tests = CommandLineTests()

    /// Two Redis servers and a memcached, tagged.
    static func fleetConfig(_ first: RedisServerProcess, _ second: RedisServerProcess, _ memcached: MemcachedServerProcess) -> String {
        """
        [[backend]]
        name = "sessions-eu"
        type = "redis"
        url = "\(first.url())"
        tags = ["prod", "eu"]

        [[backend]]
        name = "sessions-us"
        type = "redis"
        url = "\(second.url())"
        tags = ["prod", "us"]

        [[backend]]
        name = "pages"
        type = "memcached"
        servers = ["127.0.0.1:\(memcached.port)"]
        tags = ["staging", "eu-west-1"]
        """
    }

    @Test func snapshotCarriesTagsAndTotalsAndTagChooses() async throws {
        guard let first = try RedisServerProcess(), let second = try RedisServerProcess(), let memcached = try MemcachedServerProcess() else {
            return
        }
        let config = try tests.configFile(Self.fleetConfig(first, second, memcached))
        let all = try await tests.run(["snapshot", "--json", "--interval", "300ms", "--config", config])
        #expect(all.status == 0, "\(all.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(all.output.utf8)) as? [String: Any])
        let backends = try #require(document["backends"] as? [[String: Any]])
        #expect(backends.map { $0["tags"] as? [String] ?? [] } == [["prod", "eu"], ["prod", "us"], ["staging", "eu-west-1"]])
        let totals = try #require(document["totals"] as? [String: Any])
        #expect(totals["backends"] as? Int == 3 && totals["up"] as? Int == 3 && totals["down"] as? Int == 0)
        let memory = backends.compactMap { $0["memoryBytes"] as? Int }.reduce(0, +)
        #expect(totals["memoryBytes"] as? Int == memory, "the memory of the backends adds up")
        for field in ["opsPerSec", "hitsPerSec", "missesPerSec", "hitRatio", "maxMemoryBytes", "evictionsPerSec"] {
            #expect(totals.keys.contains(field), "totals has \(field)")
        }

        let prod = try await tests.run(["snapshot", "--json", "--interval", "200ms", "--config", config, "--tag", "prod"])
        let prodNames = try #require(try JSONSerialization.jsonObject(with: Data(prod.output.utf8)) as? [String: Any])["backends"] as? [[String: Any]]
        #expect(prodNames?.compactMap { $0["name"] as? String } == ["sessions-eu", "sessions-us"])
        let either = try await tests.run(["snapshot", "--interval", "200ms", "--config", config, "--tag", "us", "--tag", "eu-west-1"])
        #expect(
            either.status == 0 && either.output.contains("sessions-us") && either.output.contains("pages") && !either.output.contains("sessions-eu"))
        #expect(either.output.contains("total: 2 backends, 2 up, 0 down"), "\(either.output)")
        let typo = try await tests.run(["snapshot", "--interval", "200ms", "--config", config, "--tag", "prod", "--tag", "prdo"])
        #expect(typo.status == 0 && typo.output.contains("warning: --tag prdo: no backend carries this tag"), "\(typo.output)")
        let nothing = try await tests.run(["snapshot", "--config", config, "--tag", "prod,staging"])
        #expect(nothing.status == 2, "\(nothing.output)")
        #expect(
            nothing.output.contains("--tag prod,staging: no backend matches (tags in use: eu, eu-west-1, prod, staging, us)"), "\(nothing.output)")
        let check = try await tests.run(["check", "--config", config, "--tag", "staging"])
        #expect(check.output.contains("pages") && !check.output.contains("sessions-eu"), "check takes --tag too: \(check.output)")
    }

    @Test func includedFilesAndTheirMistakes() async throws {
        guard let server = try RedisServerProcess() else { return }
        let config = try tests.configFile("include = [\"services/*.toml\", \"missing/*.toml\"]\n")
        let directory = URL(fileURLWithPath: config).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("services"), withIntermediateDirectories: true)
        try "[[backend]]\nname = \"svc\"\ntype = \"redis\"\nurl = \"\(server.url())\"\ntags = [\"team-a\"]\n".write(
            to: directory.appendingPathComponent("services/a.toml"), atomically: true, encoding: .utf8)
        let run = try await tests.run(["snapshot", "--interval", "200ms", "--config", config])
        #expect(run.status == 0 && run.output.contains("svc"), "\(run.output)")
        #expect(run.output.contains("warning: \(config):1: include 'missing/*.toml' matches no file"), "\(run.output)")
        try "[[backend]]\nname = \"SVC\"\ntype = \"redis\"\nurl = \"redis://127.0.0.1:1\"\n".write(
            to: directory.appendingPathComponent("services/b.toml"), atomically: true, encoding: .utf8)
        let clash = try await tests.run(["snapshot", "--config", config])
        #expect(clash.status == 2 && clash.output.contains("two backends are named 'SVC'"), "\(clash.output)")
        #expect(clash.output.contains("services/a.toml") && clash.output.contains("services/b.toml"), "both files are named: \(clash.output)")
    }

    @Test func scrapeAnswersOneBackendAndRefusesOtherTargets() async throws {
        guard let first = try RedisServerProcess(), let second = try RedisServerProcess(), let memcached = try MemcachedServerProcess() else {
            return
        }
        let config = try tests.configFile(Self.fleetConfig(first, second, memcached))
        let port = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try ServeCommandLineTests.Background(binary, ["serve", "--config", config, "--listen", "127.0.0.1:\(port)"])
        let base = "http://127.0.0.1:\(port)"
        let byName = try await ServeCommandLineTests.fetch("\(base)/scrape?target=sessions-eu")
        #expect(byName.status == 200)
        let lines = byName.body.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.contains { $0.hasPrefix("redis_up{backend=\"sessions-eu\",tag_prod=\"1\",tag_eu=\"1\"} 1") }, "\(lines.prefix(5))")
        #expect(!byName.body.contains("sessions-us") && !byName.body.contains("memcached_"), "that backend's series alone")
        let byAddress = try await ServeCommandLineTests.fetch("\(base)/scrape?target=127.0.0.1:\(second.port)")
        #expect(byAddress.body.contains("redis_up{backend=\"sessions-us\""))
        let byURL = try await ServeCommandLineTests.fetch("\(base)/scrape?target=redis://127.0.0.1:\(second.port)/0")
        #expect(byURL.body.contains("redis_up{backend=\"sessions-us\""))
        let pool = try await ServeCommandLineTests.fetch("\(base)/scrape?target=memcached://127.0.0.1:\(memcached.port)")
        #expect(pool.body.contains("memcached_up{backend=\"pages\"") && pool.body.contains("tag_eu_west_1=\"1\""))
        let elsewhere = try await ServeCommandLineTests.fetch("\(base)/scrape?target=10.9.9.9:6379")
        #expect(elsewhere.status == 400 && elsewhere.body.contains("--scrape-any-target"), "\(elsewhere.body)")
        let missing = try await ServeCommandLineTests.fetch("\(base)/scrape")
        #expect(missing.status == 400 && missing.body.contains("target="))
        let everything = try await ServeCommandLineTests.fetch("\(base)/metrics")
        #expect(everything.body.contains("redis_up{backend=\"sessions-us\",tag_prod=\"1\",tag_us=\"1\"} 1"))
        #expect(everything.body.contains("cachescope_backend_up{backend=\"pages\",tag_staging=\"1\",tag_eu_west_1=\"1\",type=\"memcached\"} 1"))
        _ = serve

        // With --scrape-any-target, a server that is not configured is read over a connection of its own.
        let anyPort = TestServers.freePort()
        let open = try ServeCommandLineTests.Background(
            binary, ["serve", "--config", config, "--listen", "127.0.0.1:\(anyPort)", "--scrape-any-target"])
        let other = try #require(try RedisServerProcess())
        let adHoc = try await ServeCommandLineTests.fetch("http://127.0.0.1:\(anyPort)/scrape?target=127.0.0.1:\(other.port)")
        #expect(adHoc.body.contains("redis_up{backend=\"127.0.0.1:\(other.port)\"} 1"), "\(adHoc.body.prefix(300))")
        let dead = try await ServeCommandLineTests.fetch("http://127.0.0.1:\(anyPort)/scrape?target=127.0.0.1:1")
        #expect(dead.status == 200 && dead.body.contains("redis_up{backend=\"127.0.0.1:1\"} 0"))
        _ = open
    }

    @Test(.enabled(if: ServeCommandLineTests.prometheus != nil, Comment(rawValue: ServeCommandLineTests.skipPrometheus)))
    func prometheusScrapesEachBackendAsItsOwnInstance() async throws {
        guard let first = try RedisServerProcess(), let second = try RedisServerProcess(), let memcached = try MemcachedServerProcess(),
            let prometheus = ServeCommandLineTests.prometheus
        else { return }
        let config = try tests.configFile(Self.fleetConfig(first, second, memcached))
        let port = TestServers.freePort()
        let prometheusPort = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try ServeCommandLineTests.Background(binary, ["serve", "--config", config, "--listen", "127.0.0.1:\(port)"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-prometheus-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The scrape configuration the README shows.
        let prometheusConfig = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: redis
            metrics_path: /scrape
            static_configs:
              - targets: ["sessions-eu", "redis://127.0.0.1:\(second.port)"]
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - source_labels: [__param_target]
                target_label: instance
              - target_label: __address__
                replacement: 127.0.0.1:\(port)
        """.write(to: prometheusConfig, atomically: true, encoding: .utf8)
        let running = try ServeCommandLineTests.Background(
            URL(fileURLWithPath: prometheus),
            [
                "--config.file=\(prometheusConfig.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ])
        func query(_ expression: String) async throws -> [[String: Any]] {
            let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
            let answer = try await ServeCommandLineTests.fetch("http://127.0.0.1:\(prometheusPort)/api/v1/query?query=\(encoded)")
            // While Prometheus starts, it answers with text that is not JSON: no result yet.
            let json = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any]
            return ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        }
        var up: [[String: Any]] = []
        for _ in 0..<60 {
            up = try await query("count(redis_up == 1)")
            if ((up.first?["value"] as? [Any])?.last as? String) == "2" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(((up.first?["value"] as? [Any])?.last as? String) == "2", "count(redis_up == 1) over two targets: \(up)")
        // Every metric name redis_exporter's Grafana dashboard queries has a series per instance.
        let dashboard = [
            "redis_up", "redis_uptime_in_seconds", "redis_connected_clients", "redis_blocked_clients", "redis_memory_used_bytes",
            "redis_memory_max_bytes", "redis_commands_total", "redis_commands_duration_seconds_total", "redis_keyspace_hits_total",
            "redis_keyspace_misses_total", "redis_net_input_bytes_total", "redis_net_output_bytes_total", "redis_db_keys",
            "redis_db_keys_expiring", "redis_expired_keys_total", "redis_evicted_keys_total",
        ]
        for name in dashboard {
            let instances = try await query("count by (instance) (\(name))").compactMap { ($0["metric"] as? [String: String])?["instance"] }
            #expect(Set(instances) == ["sessions-eu", "redis://127.0.0.1:\(second.port)"], "\(name): \(instances)")
        }
        _ = (serve, running)
    }

    static let tmuxEnabled = DashboardEndToEndTests.enabled && FileManager.default.isExecutableFile(atPath: "/usr/bin/memcached")

    @Test(.enabled(if: tmuxEnabled, Comment(rawValue: DashboardEndToEndTests.skip)))
    func theDashboardSortsFiltersAndGroupsRealBackends() async throws {
        guard let first = try RedisServerProcess(), let second = try RedisServerProcess(), let memcached = try MemcachedServerProcess() else {
            return
        }
        let config = try tests.configFile(Self.fleetConfig(first, second, memcached))
        let binary = CommandLineTests.binary?.path ?? ""
        let session = try TmuxSession(command: "\(binary) --config \(config)")
        defer { session.close() }
        try await session.waitFor("3/3 up")
        try await session.waitFor("Σ 3 backends")
        session.send(["/"])
        session.type("eu")
        try await session.waitFor("2 of 3 · /eu")
        var screen = try session.screen()
        #expect(screen.contains("sessions-eu") && screen.contains("pages") && !screen.contains("sessions-us "), "\(screen)")
        session.send(["Enter", "Escape"])
        try await session.waitFor("filter cleared")
        session.send(["v"])
        try await session.waitFor("▾ prod (2)")
        screen = try session.screen()
        #expect(screen.contains("▾ staging (1)") && screen.contains("▾ eu-west-1 (1)"), "\(screen)")
        session.send(["s"])
        try await session.waitFor("sorted by name, A–Z")
        session.send(["S"])
        try await session.waitFor("Z–A")
        let saved = try String(contentsOfFile: config, encoding: .utf8)
        #expect(saved.contains("[ui]\nsort = \"name\"\nsort_reverse = true\ngroup = \"tag\""), "the choice is kept in the file: \(saved)")
        #expect(saved.contains("name = \"sessions-eu\""), "and the rest of the file is as it was")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
        // The next run starts as it was left.
        let again = try TmuxSession(command: "\(binary) --config \(config)")
        defer { again.close() }
        try await again.waitFor("▾ us (1)")
        #expect(try again.screen().contains("name▴") == false && (try again.screen().contains("name▾")), "sorted Z–A again")
        again.send(["q"])
        try await again.waitFor("EXIT=0")
    }

    static let sentinelEnabled = tmuxEnabled && FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-sentinel")

    @Test(.enabled(if: sentinelEnabled, Comment(rawValue: "needs tmux, redis-server and redis-sentinel (scripts/test.sh installs them)")))
    func sentinelStarFindsEveryMasterAndOneAddedWhileRunning() async throws {
        guard let alpha = try RedisServerProcess(), let beta = try RedisServerProcess(), let gamma = try RedisServerProcess(),
            let sentinel = try SentinelProcess(masterPort: alpha.port, service: "alpha", quorum: 1)
        else { return }
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(sentinel.port)"))
        defer { Task { await client.close() } }
        _ = try await client.send(RESPCommand("SENTINEL", ["MONITOR", "beta", "127.0.0.1", "\(beta.port)", "1"]))
        let url = "redis+sentinel://127.0.0.1:\(sentinel.port)/*"
        let snapshot = try await tests.run(["snapshot", "--json", "--interval", "200ms", "--redis", url])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.output.utf8)) as? [String: Any], "\(snapshot.output)")
        let names = (document["backends"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["alpha", "beta"], "\(snapshot.output)")
        // A command that names one backend finds it among the masters.
        let keys = try await tests.run(["keys", "beta", "--redis", url])
        #expect(keys.status == 0, "\(keys.output)")

        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis '\(url)'")
        defer { session.close() }
        try await session.waitFor("2/2 up")
        _ = try await client.send(RESPCommand("SENTINEL", ["MONITOR", "gamma", "127.0.0.1", "\(gamma.port)", "1"]))
        try await session.waitFor("3/3 up", seconds: 20)
        #expect(try session.screen().contains("127.0.0.1:\(gamma.port)"), "the new master is watched at its address")
        _ = try await client.send(RESPCommand("SENTINEL", ["REMOVE", "alpha"]))
        try await session.waitFor("2/2 up", seconds: 20)
        #expect(!(try session.screen().contains("127.0.0.1:\(alpha.port) ")), "a master the sentinels forget leaves")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }

    @Test(.enabled(if: DashboardEndToEndTests.enabled, Comment(rawValue: DashboardEndToEndTests.skip)))
    func sentinelsThatNeverAnswerAreSaidWhileTheDashboardRuns() async throws {
        // A port that accepts connections and never answers: a hung sentinel.
        let (socket, port) = try TestServers.listeningSocket()
        defer { close(socket) }
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis 'redis+sentinel://127.0.0.1:\(port)/*'")
        defer { session.close() }
        try await session.waitFor("No masters found yet by sentinel 127.0.0.1:\(port)/*")
        try await session.waitFor("no sentinel answered SENTINEL MASTERS", seconds: 15)
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }
}
