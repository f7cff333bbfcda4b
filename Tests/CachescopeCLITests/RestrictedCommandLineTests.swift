import Foundation
import RESP
import TestSupport
import Testing

/// Whether the managed-service emulation and the binary are there.
enum RestrictedServers {
    static let enabled = TestServers.renamed != nil && TestServers.aclURL != nil && TestServers.redis != nil && CommandLineTests.binary != nil
}

/// Every command and every dashboard screen against the managed-service emulation of the test command: a
/// server with the commands managed services refuse renamed away, and a user without `@admin` and
/// `@scripting`. Each runs with what the server allows and says which method ran.
@Suite(.enabled(if: RestrictedServers.enabled, Comment(rawValue: TestServers.restrictedSkipMessage)))
struct RestrictedCommandLineTests {
    /// The two restricted URLs, and a client of full rights to each one's data.
    func servers() throws -> [(name: String, url: String, app: RedisClient)] {
        guard let renamed = TestServers.renamed, let acl = TestServers.aclURL, let redis = TestServers.redis else { return [] }
        let renamedURL = "redis://\(renamed.host):\(renamed.port)"
        return [
            ("renamed", renamedURL, RedisClient(url: try RedisURL(parsing: renamedURL), configuration: .init(clientName: "app"))),
            ("acl", acl, RedisClient(url: try RedisURL(parsing: "redis://\(redis.host):\(redis.port)"), configuration: .init(clientName: "app"))),
        ]
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func checkPrintsTheContractAndExitsZeroWhenEveryServerAnswered() async throws {
        for (name, url, app) in try servers() {
            await app.close()
            let result = try await CommandLineTests().run(["check", "--redis", url, "--json"])
            #expect(result.status == 0, "\(name): \(result.output)")
            let document = try json(result.output)
            #expect(document["backend"] as? String == "redis" && document["type"] as? String == "redis")
            let server = try #require((document["servers"] as? [[String: Any]])?.first)
            #expect(Set(server.keys) == ["address", "version", "flavor", "role", "tls", "user", "features"])
            #expect(server["flavor"] as? String == "redis" && server["tls"] as? Bool == false && server["role"] as? String == "master")
            let features = try #require(server["features"] as? [[String: Any]])
            #expect(
                features.compactMap { $0["feature"] as? String } == [
                    "overview", "keys", "ttl", "values", "analyze", "traffic", "health", "invalidate", "metrics",
                ])
            for feature in features {
                #expect(Set(feature.keys) == ["feature", "status", "method", "refused", "remedy", "note"], "\(feature)")
                #expect(["ok", "degraded", "unavailable"].contains(feature["status"] as? String ?? ""))
                for refusal in feature["refused"] as? [[String: Any]] ?? [] { #expect(Set(refusal.keys) == ["command", "error"]) }
            }
            let traffic = try #require(features.first { $0["feature"] as? String == "traffic" })
            #expect(traffic["method"] as? String == "tracking" && traffic["status"] as? String == "degraded", "\(name)")
            let refused = try #require((traffic["refused"] as? [[String: Any]])?.first)
            #expect(refused["command"] as? String == "MONITOR")
            #expect((refused["error"] as? String)?.contains(name == "acl" ? "NOPERM" : "unknown command") == true, "\(refused)")
            #expect((traffic["remedy"] as? String)?.isEmpty == false)
            let text = try await CommandLineTests().run(["check", "--redis", url])
            #expect(text.status == 0 && text.output.contains("traffic     degraded     tracking"), "\(text.output)")
            #expect(text.output.contains("refused MONITOR: ") && text.output.contains("remedy: "))
        }
    }

    @Test func checkOfAServerThatDoesNotAnswerExitsOne() async throws {
        let result = try await CommandLineTests().run(["check", "--redis", "redis://127.0.0.1:\(TestServers.freePort())"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 1 && result.output.contains("cachescope: redis"), "\(result.output)")
    }

    @Test func everyCommandRunsWithWhatTheServerAllows() async throws {
        for (name, url, app) in try servers() {
            defer { Task { await app.close() } }
            let prefix = "cli-\(name)-\(UUID().uuidString.prefix(6)):"
            try await app.send((0..<25).map { RESPCommand("SET", key: Array("\(prefix)\($0)".utf8), ["value"]) })
            func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await CommandLineTests().run(arguments + ["--redis", url])
            }
            let snapshot = try await run(["snapshot", "--json"])
            #expect(snapshot.status == 0 && snapshot.output.contains("\"status\":\"up\""), "\(name): \(snapshot.output)")
            let keys = try await run(["keys", "--prefix", prefix, "--json"])
            #expect(keys.status == 0 && keys.output.contains("\(prefix)1"), "\(name): \(keys.output)")
            let analyze = try await run(["analyze", "--json"])
            #expect(analyze.status == 0 && analyze.output.contains(prefix), "\(name): \(analyze.output.prefix(300))")
            let health = try await run(["health", "--json"])
            #expect(health.status == 0 && health.output.contains("\"slowlog\""), "\(name): \(health.output.prefix(300))")
            let refusedViews = try #require((try json(health.output)["nodes"] as? [[String: Any]])?.first?["refused"] as? [String: String])
            #expect(refusedViews["slowlog"]?.contains("SLOWLOG") == true, "\(refusedViews)")
            let traffic = try await run(["traffic", "--duration", "1s", "--json"])
            #expect(traffic.status == 0 && traffic.output.contains("\"method\":\"tracking\""), "\(name): \(traffic.output.prefix(300))")
            #expect(traffic.output.contains("\"reads\":null"), "key tracking hears no reads")
            let invalidate = try await run(["invalidate", "--prefix", prefix, "--yes", "--json"])
            #expect(invalidate.status == 0, "\(name): \(invalidate.output)")
            let result = try json(invalidate.output)
            #expect(result["deleted"] as? Int == 25 && result["method"] as? String == "scan", "\(name): \(invalidate.output)")
            #expect((result["fallbackReason"] as? String)?.isEmpty == false)
        }
    }

    @Test func serveExportsWhatItCanWithUpOne() async throws {
        let port = TestServers.freePort()
        let restricted = try servers()
        for server in restricted { await server.app.close() }
        let binary = try #require(CommandLineTests.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)"] + restricted.flatMap { ["--redis", $0.url] }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        var metrics = ""
        for _ in 0..<50 {
            metrics = (try? TestServers.exchange(host: "127.0.0.1", port: port, "GET /metrics HTTP/1.0\r\n\r\n")) ?? ""
            if metrics.contains("redis_up") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(metrics.contains("redis_up{backend=\"redis1\"} 1") && metrics.contains("redis_up{backend=\"redis2\"} 1"), "\(metrics.prefix(500))")
        #expect(metrics.contains("redis_instance_info{backend=\"redis1\"") && metrics.contains("redis_connected_clients"), "INFO's metrics")
    }

    @Test func everyDashboardScreenWorksAgainstBoth() async throws {
        let restricted = try servers()
        // A key on each, so the key browser has one to open (other tests remove theirs).
        for server in restricted {
            try await server.app.send(RESPCommand("SET", key: Array("dashboard-\(UUID().uuidString.prefix(6))".utf8), ["value"]))
            await server.app.close()
        }
        let arguments = restricted.map { "--redis '\($0.url)'" }.joined(separator: " ")
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") \(arguments)")
        defer { session.close() }
        try await session.waitFor("2/2 up")
        for backend in ["redis1", "redis2"] {
            session.send(["Enter"])
            try await session.waitFor("\(backend) › keys")
            // The first key's details (a refused TYPE or PTTL shows as —).
            // Once a key is listed (every listed key has a kind; ours is plain).
            try await session.waitFor(" plain ")
            session.send(["Enter"])
            try await session.waitFor("  backend ")
            session.send(["Escape"])
            try await session.waitFor("\(backend) › keys")
            session.send(["Escape"])
            try await session.waitFor("i insights")
            session.send(["i"])
            try await session.waitFor(" · read ", seconds: 30)
            session.send(["w"])
            try await session.waitFor("listening…")
            session.send(["Escape"])
            try await session.waitFor("by tracking")
            session.send(["h"])
            try await session.waitFor("\(backend) › health › slow log")
            try await session.waitFor("SLOWLOG")
            session.send(["C"])
            try await session.waitFor("\(backend) › capabilities")
            try await session.waitFor("tracking")
            try await session.waitFor("MONITOR refused")
            session.send(["Escape"])
            try await session.waitFor("h health")
            session.send(["Tab"])
        }
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }
}
