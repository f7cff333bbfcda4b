import Foundation
import RESP
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cachescope serve` against the real programs: the same server scraped by cachescope and by redis_exporter
/// gives the same names, types and values for the metrics both have; a real Prometheus scrapes cachescope and
/// its query API returns our series; a dead backend is `*_up 0` beside a live one; bad input is one line.
@Suite(.serialized) struct ServeCommandLineTests {
    static let exporter = ["/usr/bin/prometheus-redis-exporter", "/usr/local/bin/redis_exporter"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let prometheus = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let skipExporter = "prometheus-redis-exporter is not installed (scripts/test.sh installs it)"
    static let skipPrometheus = "prometheus is not installed (scripts/test.sh installs it)"

    /// A program started in the background and killed when dropped.
    final class Background: @unchecked Sendable {
        let process = Process()

        init(_ executable: URL, _ arguments: [String]) throws {
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    /// The body of `url` once it answers (within 15 s), with the request's headers.
    static func fetch(_ url: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String, type: String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        var lastError: (any Error)?
        for _ in 0..<150 {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let http = response as? HTTPURLResponse
                return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "Content-Type") ?? "")
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? URLError(.timedOut)
    }

    /// `name{labels}` → value, and `name` → type, of a text exposition, without the labels in `dropping`.
    static func parse(_ text: String, dropping: Set<String> = ["backend", "node"]) -> (values: [String: Double], types: [String: String]) {
        var values: [String: Double] = [:]
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            var series = String(line[..<space])
            if let brace = series.firstIndex(of: "{") {
                let name = series[..<brace]
                let inner = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                let labels = inner.split(separator: ",").filter { pair in !dropping.contains(String(pair.split(separator: "=").first ?? "")) }
                    .sorted()
                series = labels.isEmpty ? String(name) : "\(name){\(labels.joined(separator: ","))}"
            }
            values[series] = value
        }
        return (values, types)
    }

    @Test(.enabled(if: exporter != nil, Comment(rawValue: skipExporter)))
    func theSameServerGivesTheSameMetricsAsRedisExporter() async throws {
        guard let server = try RedisServerProcess(), let exporter = Self.exporter else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()))
        try await client.send((0..<50).map { RESPCommand("SET", key: Array("user:\($0)".utf8), ["v"]) })
        try await client.send((0..<7).map { RESPCommand("SET", key: Array("tmp:\($0)".utf8), ["v", "EX", 3600]) })
        try await client.send([RESPCommand("SELECT", [3]), RESPCommand("SET", key: Array("other".utf8), ["v"]), RESPCommand("SELECT", [0])])
        await client.close()
        let ours = TestServers.freePort()
        let theirs = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(binary, ["serve", "--redis", server.url(), "--listen", "127.0.0.1:\(ours)"])
        let redisExporter = try Background(
            URL(fileURLWithPath: exporter), ["--redis.addr", "redis://127.0.0.1:\(server.port)", "--web.listen-address", "127.0.0.1:\(theirs)"])
        let cachescope = try await Self.fetch("http://127.0.0.1:\(ours)/metrics")
        let reference = try await Self.fetch("http://127.0.0.1:\(theirs)/metrics")
        #expect(cachescope.status == 200 && cachescope.type.hasPrefix("text/plain; version=0.0.4"))
        let (ourValues, ourTypes) = Self.parse(cachescope.body)
        let (theirValues, theirTypes) = Self.parse(reference.body)
        let required = [
            "redis_up", "redis_keyspace_hits_total", "redis_keyspace_misses_total", "redis_memory_used_bytes", "redis_memory_max_bytes",
            "redis_connected_clients", "redis_commands_processed_total", "redis_evicted_keys_total", "redis_expired_keys_total", "redis_db_keys",
            "redis_db_keys_expiring", "redis_commands_total", "redis_commands_duration_seconds_total", "redis_mem_fragmentation_ratio",
            "redis_slowlog_length",
        ]
        for name in required {
            #expect(ourTypes[name] != nil, "cachescope has \(name)")
            #expect(ourTypes[name] == theirTypes[name], "\(name): \(ourTypes[name] ?? "none") vs \(theirTypes[name] ?? "none")")
        }
        let shared = Set(ourTypes.keys).intersection(theirTypes.keys)
        #expect(shared.count >= 60, "names in common: \(shared.count)")
        for name in shared.sorted() where ourTypes[name] != theirTypes[name] {
            Issue.record("\(name) is a \(ourTypes[name] ?? "?") here and a \(theirTypes[name] ?? "?") in redis_exporter")
        }
        // Values that do not move between the two scrapes are equal.
        let stable = [
            "redis_up", "redis_db_keys{db=\"db0\"}", "redis_db_keys{db=\"db3\"}", "redis_db_keys{db=\"db15\"}", "redis_db_keys_expiring{db=\"db0\"}",
            "redis_memory_max_bytes", "redis_keyspace_hits_total", "redis_keyspace_misses_total", "redis_evicted_keys_total",
            "redis_expired_keys_total", "redis_commands_total{cmd=\"set\"}", "redis_commands_total{cmd=\"select\"}", "redis_connected_slaves",
            "redis_aof_enabled", "redis_rdb_last_bgsave_status", "redis_cluster_enabled", "redis_process_id", "redis_rejected_connections_total",
            "redis_slowlog_length", "redis_repl_backlog_is_active", "redis_config_maxclients", "redis_config_maxmemory",
        ]
        for series in stable {
            #expect(
                ourValues[series] != nil && ourValues[series] == theirValues[series],
                "\(series): \(ourValues[series] ?? -1) vs \(theirValues[series] ?? -1)")
        }
        #expect(ourValues["redis_db_keys{db=\"db0\"}"] == 57)
        // Every series of ours carries the backend label.
        #expect(cachescope.body.split(separator: "\n").filter { $0.hasPrefix("redis_") }.allSatisfy { $0.contains("backend=\"redis\"") })
        _ = (serve, redisExporter)
    }

    @Test func aDeadBackendIsUpZeroBesideALiveOneAndOpenMetricsIsServedOnRequest() async throws {
        guard let server = try RedisServerProcess() else { return }
        let dead = TestServers.freePort()
        let port = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(
            binary, ["serve", "--redis", server.url(), "--redis", "redis://127.0.0.1:\(dead)", "--listen", "127.0.0.1:\(port)", "--timeout", "1s"])
        let started = ContinuousClock.now
        let classic = try await Self.fetch("http://127.0.0.1:\(port)/metrics")
        #expect(ContinuousClock.now - started < .seconds(10))
        let values = Self.parse(classic.body, dropping: []).values
        #expect(values["redis_up{backend=\"redis1\"}"] == 1, "two --redis are redis1 and redis2")
        #expect(values["redis_up{backend=\"redis2\"}"] == 0)
        #expect(values["cachescope_backend_up{backend=\"redis1\",type=\"redis\"}"] == 1)
        #expect(values["cachescope_backend_up{backend=\"redis2\",type=\"redis\"}"] == 0)
        #expect(values["cachescope_scrape_duration_seconds"] != nil)
        let open = try await Self.fetch("http://127.0.0.1:\(port)/metrics", headers: ["Accept": "application/openmetrics-text; version=1.0.0"])
        #expect(open.type.hasPrefix("application/openmetrics-text"))
        #expect(open.body.hasSuffix("# EOF\n"))
        #expect(open.body.contains("# TYPE redis_keyspace_hits counter"))
        let snapshot = try await Self.fetch("http://127.0.0.1:\(port)/api/snapshot")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.body.utf8)) as? [String: Any])
        let backends = try #require(document["backends"] as? [[String: Any]])
        #expect(backends.map { $0["status"] as? String } == ["up", "down"])
        #expect(try await Self.fetch("http://127.0.0.1:\(port)/healthz").body == "ok\n")
        _ = serve
    }

    @Test func aScrapeAnswersWithinTheTimeoutWhileABackendHangs() async throws {
        guard let server = try RedisServerProcess() else { return }
        let hung = try SilentServer()
        let port = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(
            binary,
            ["serve", "--redis", server.url(), "--redis", "redis://127.0.0.1:\(hung.port)", "--listen", "127.0.0.1:\(port)", "--timeout", "1s"])
        _ = try await Self.fetch("http://127.0.0.1:\(port)/healthz")
        for _ in 0..<2 {
            let started = ContinuousClock.now
            let scrape = try await Self.fetch("http://127.0.0.1:\(port)/metrics")
            // The hung backend costs at most the timeout (1 s) — and the first scrape's wait for a first reading.
            #expect(ContinuousClock.now - started < .seconds(5), "\(ContinuousClock.now - started)")
            let values = Self.parse(scrape.body, dropping: []).values
            #expect(values["redis_up{backend=\"redis1\"}"] == 1)
            #expect(values["redis_up{backend=\"redis2\"}"] == 0, "the hung one")
        }
        _ = (serve, hung)
    }

    @Test func withTheDemoPerPrefixAndPerRouteFiguresAreServed() async throws {
        let port = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(binary, ["serve", "--with-demo", "--listen", "127.0.0.1:\(port)"])
        _ = try await Self.fetch("http://127.0.0.1:\(port)/healthz")
        var values: [String: Double] = [:]
        for _ in 0..<40
        where values["cachescope_demo_requests_total{result=\"hit\",route=\"/api/users\"}"] ?? 0 == 0
            || !values.keys.contains(where: { $0.hasPrefix("cachescope_prefix_hit_ratio") })
        {
            try await Task.sleep(for: .milliseconds(500))
            values = Self.parse(try await Self.fetch("http://127.0.0.1:\(port)/metrics").body, dropping: ["backend"]).values
        }
        #expect(values["cachescope_demo_requests_total{result=\"hit\",route=\"/api/users\"}"] ?? 0 > 0, "the demo's requests per route")
        #expect(values.keys.contains { $0.hasPrefix("cachescope_demo_latency_seconds{quantile=\"0.5\",result=\"hit\"") })
        // A real Prometheus histogram: cumulative buckets up to +Inf equal to the count.
        let bucket = "cachescope_demo_request_duration_seconds_bucket{le=\"+Inf\",result=\"hit\",route=\"/api/users\"}"
        let count = "cachescope_demo_request_duration_seconds_count{result=\"hit\",route=\"/api/users\"}"
        #expect(values[bucket] != nil && values[bucket] == values[count], "\(values[bucket] ?? -1) vs \(values[count] ?? -1)")
        #expect(values.keys.contains { $0.contains("cachescope_prefix_hit_ratio{prefix=\"cachescope_demo:view//\"}") }, "\(values.keys.sorted())")
        #expect(values["cachescope_backend_up{type=\"in-process\"}"] == 1)
        _ = serve
    }

    @Test func scrapesWithinTheRefreshIntervalShareOneReading() async throws {
        guard let server = try RedisServerProcess() else { return }
        let port = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(binary, ["serve", "--redis", server.url(), "--listen", "127.0.0.1:\(port)", "--refresh", "30s"])
        _ = try await Self.fetch("http://127.0.0.1:\(port)/metrics")
        let client = RedisClient(url: try RedisURL(parsing: server.url()))
        defer { Task { await client.close() } }
        func slowlogLenCalls() async throws -> Int {
            let info = RedisInfo(parsing: try await client.send(RESPCommand("INFO", ["commandstats"])).string ?? "")
            return Int(info.fields["cmdstat_slowlog|len"]?.split(separator: ",").first?.split(separator: "=").last ?? "0") ?? 0
        }
        let before = try await slowlogLenCalls()
        // Five scrapers at once, then five more: one reading (one SLOWLOG LEN) serves them all within the interval.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = try? await Self.fetch("http://127.0.0.1:\(port)/metrics") } }
        }
        for _ in 0..<5 { _ = try await Self.fetch("http://127.0.0.1:\(port)/metrics") }
        #expect(try await slowlogLenCalls() - before == 0, "the reading of the first scrape is reused for 30 s")
        _ = serve
    }

    @Test func aTokenIsRequiredWhenGiven() async throws {
        guard let server = try RedisServerProcess() else { return }
        let port = TestServers.freePort()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-token-\(UUID().uuidString.prefix(8))")
        try "s3cret\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(binary, ["serve", "--redis", server.url(), "--listen", "127.0.0.1:\(port)", "--auth-token-file", file.path])
        #expect(try await Self.fetch("http://127.0.0.1:\(port)/metrics").status == 401)
        #expect(try await Self.fetch("http://127.0.0.1:\(port)/metrics", headers: ["Authorization": "Bearer wrong"]).status == 401)
        let allowed = try await Self.fetch("http://127.0.0.1:\(port)/metrics", headers: ["Authorization": "Bearer s3cret"])
        #expect(allowed.status == 200 && allowed.body.contains("redis_up"))
        #expect(try await Self.fetch("http://127.0.0.1:\(port)/healthz").status == 200)
        _ = serve
    }

    @Test(.enabled(if: prometheus != nil, Comment(rawValue: skipPrometheus)))
    func aRealPrometheusScrapesIt() async throws {
        guard let server = try RedisServerProcess(), let prometheus = Self.prometheus else { return }
        let port = TestServers.freePort()
        let prometheusPort = TestServers.freePort()
        let binary = try #require(CommandLineTests.binary)
        let serve = try Background(binary, ["serve", "--redis", server.url(), "--listen", "127.0.0.1:\(port)"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-prometheus-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: cachescope
            static_configs:
              - targets: ["127.0.0.1:\(port)"]
        """.write(to: config, atomically: true, encoding: .utf8)
        let running = try Background(
            URL(fileURLWithPath: prometheus),
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ])
        var found: String?
        for _ in 0..<60 where found == nil {
            let query = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query=redis_up%7Bbackend%3D%22redis%22%7D"
            if let answer = try? await Self.fetch(query), answer.body.contains("\"result\":[{") { found = answer.body }
            if found == nil { try await Task.sleep(for: .milliseconds(500)) }
        }
        let body = try #require(found, "Prometheus never had redis_up for our backend")
        #expect(body.contains("\"job\":\"cachescope\"") && body.contains("\"1\"]"), "\(body)")
        _ = (serve, running)
    }

    @Test func badInputIsOneLine() async throws {
        let tests = CommandLineTests()
        let busy = try TestServers.listeningSocket()
        defer { close(busy.fd) }
        let taken = try await tests.run(["serve", "--redis", "redis://127.0.0.1:1", "--listen", "127.0.0.1:\(busy.port)"])
        #expect(taken.status == 2, "\(taken.output)")
        #expect(taken.output.contains("cannot listen on 127.0.0.1:\(busy.port)"))
        let badListen = try await tests.run(["serve", "--redis", "redis://127.0.0.1:1", "--listen", "nowhere"])
        #expect(badListen.status == 2 && badListen.output.contains("HOST:PORT"))
        let nothing = try await tests.run(["serve"], environment: ["XDG_CONFIG_HOME": "/nonexistent", "HOME": "/nonexistent"])
        #expect(nothing.status == 2 && nothing.output.contains("no backend"))
    }
}

/// `snapshot --watch` and shell completions.
@Suite struct WatchAndCompletionTests {
    @Test func watchPrintsAJSONDocumentPerIntervalUntilInterrupted() async throws {
        guard let server = try RedisServerProcess() else { return }
        let binary = try #require(CommandLineTests.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["snapshot", "--redis", server.url(), "--watch", "--interval", "500ms"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(2300))
        process.interrupt()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        await process.exited()
        #expect(process.terminationStatus == 0, "Ctrl-C ends it cleanly")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count >= 2, "\(lines.count) lines")
        for line in lines {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect((document["backends"] as? [[String: Any]])?.first?["status"] as? String == "up")
            #expect(document["takenAt"] is Double)
        }
    }

    @Test func completionsOfferTheConfigFilesBackends() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-completion-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("cachescope"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try """
        [[backend]]
        name = "sessions"
        type = "redis"
        url = "redis://127.0.0.1:1"

        [[backend]]
        name = "pages"
        type = "memcached"
        servers = ["127.0.0.1:2"]
        """.write(to: home.appendingPathComponent("cachescope/config.toml"), atomically: true, encoding: .utf8)
        let tests = CommandLineTests()
        for shell in ["bash", "zsh", "fish"] {
            let script = try await tests.run(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.output.contains("serve"), "\(shell)")
        }
        let offered = try await tests.run(
            ["---completion", "keys", "--", "positional@0", "1", "0", "keys"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(offered.output.split(separator: "\n").map(String.init) == ["sessions", "pages"], "\(offered.output)")
    }
}
