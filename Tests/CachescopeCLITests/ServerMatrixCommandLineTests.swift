import Foundation
import RESP
import TestSupport
import Testing

/// Every command and every dashboard screen against the servers teams deploy now — Valkey 8.0 (also over
/// TLS), 8.1 and 9.1, Redis 8.2 — as the test command starts them: each says its own version and flavour,
/// and every feature works with full rights.
@Suite(.serialized, .enabled(if: !TestServers.matrix.isEmpty && CommandLineTests.binary != nil, Comment(rawValue: TestServers.matrixSkipMessage)))
struct ServerMatrixCommandLineTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    func run(_ arguments: [String], on server: MatrixServer) async throws -> (status: Int32, output: String) {
        try await CommandLineTests().run(arguments + ["--redis", server.url] + server.tlsFlags)
    }

    /// A client of the application's, with the TLS files a TLS entry needs.
    func client(_ server: MatrixServer) throws -> RedisDeployment {
        var text = server.url
        if server.tls, let directory = TestServers.tlsDirectory {
            text += "?ssl_ca_certs=\(directory)/ca.crt&ssl_certfile=\(directory)/client.crt&ssl_keyfile=\(directory)/client.key"
        }
        // A cluster's keys go to their masters (RedisDeployment follows the slot map).
        return RedisDeployment(url: try RedisURL(parsing: text), configuration: .init(clientName: "app"))
    }

    @Test(arguments: TestServers.matrix) func checkSaysTheServersOwnVersionAndFlavourAndEveryFeatureWorks(_ server: MatrixServer) async throws {
        let result = try await run(["check", "--json"], on: server)
        #expect(result.status == 0, "\(server): \(result.output)")
        let found = try #require((try json(result.output)["servers"] as? [[String: Any]])?.first)
        #expect(found["flavor"] as? String == server.flavor && found["version"] as? String == server.version, "\(server): \(found)")
        #expect(found["tls"] as? Bool == server.tls)
        let features = try #require(found["features"] as? [[String: Any]])
        for feature in features {
            #expect(feature["status"] as? String == "ok", "\(server): \(feature)")
            #expect((feature["refused"] as? [Any])?.isEmpty == true, "\(server): \(feature)")
        }
        let traffic = features.first { $0["feature"] as? String == "traffic" }
        #expect(traffic?["method"] as? String == "monitor+keymiss")
        let health = features.first { $0["feature"] as? String == "health" }?["method"] as? String ?? ""
        let hasCommandLog = server.flavor == "valkey" && server.majorMinor >= (8, 1)
        #expect(health.contains("COMMANDLOG") == hasCommandLog, "\(server): \(health)")
    }

    @Test(arguments: TestServers.matrix) func snapshotShowsTheServersOwnVersion(_ server: MatrixServer) async throws {
        let result = try await run(["snapshot", "--json"], on: server)
        #expect(result.status == 0, "\(server): \(result.output)")
        let backend = try #require((try json(result.output)["backends"] as? [[String: Any]])?.first)
        #expect(backend["version"] as? String == server.version && backend["flavor"] as? String == server.flavor, "\(server): \(backend)")
    }

    @Test(arguments: TestServers.matrix) func everyCommandWorks(_ server: MatrixServer) async throws {
        let app = try client(server)
        defer { Task { await app.close() } }
        let prefix = "matrix-\(UUID().uuidString.prefix(6)):"
        try await app.send((0..<30).map { RESPCommand("SET", key: Array("\(prefix)\($0)".utf8), ["value"]) })
        // Hash fields expire on Redis ≥ 7.4 and Valkey ≥ 9.0: the listing says how many and the soonest.
        let hasFieldTTLs = server.flavor == "valkey" ? server.majorMinor >= (9, 0) : server.majorMinor >= (7, 4)
        try await app.send(RESPCommand("HSET", key: Array("\(prefix)fields".utf8), ["a", "1", "b", "2", "c", "3"]))
        if hasFieldTTLs { try await app.send(RESPCommand("HPEXPIRE", key: Array("\(prefix)fields".utf8), [600_000, "FIELDS", 2, "a", "b"])) }
        let keys = try await run(["keys", "--prefix", prefix, "--json"], on: server)
        #expect(keys.status == 0 && keys.output.contains("\(prefix)7"), "\(server): \(keys.output.prefix(300))")
        let listed = try #require(try json(keys.output)["keys"] as? [[String: Any]])
        let hash = try #require(listed.first { $0["key"] as? String == "\(prefix)fields" })
        if hasFieldTTLs {
            let fieldTTL = try #require(hash["fieldTtl"] as? [String: Any], "\(server): \(hash)")
            #expect(fieldTTL["fields"] as? Int == 3 && fieldTTL["volatile"] as? Int == 2, "\(fieldTTL)")
            #expect((500_000...600_000).contains(fieldTTL["soonestMs"] as? Int ?? 0), "\(fieldTTL)")
        } else {
            #expect(hash["fieldTtl"] == nil, "\(server): \(hash)")
        }
        #expect(listed.filter { $0["fieldTtl"] != nil }.count == (hasFieldTTLs ? 1 : 0), "only the hash with expiring fields")
        let analyze = try await run(["analyze", "--json"], on: server)
        #expect(analyze.status == 0 && analyze.output.contains(prefix), "\(server): \(analyze.output.prefix(300))")
        // Redis ≥ 8.0 counts key sizes itself (INFO keysizes); Valkey does not.
        let keySizes = try json(analyze.output)["keysizes"]
        if server.flavor == "redis" && server.majorMinor >= (8, 0) {
            let strings = try #require((keySizes as? [String: Any])?["strings"] as? [String: Any], "\(server): \(keySizes ?? "-")")
            #expect(strings["unit"] as? String == "bytes" && (strings["buckets"] as? [[String: Any]])?.isEmpty == false)
        } else {
            #expect(keySizes is NSNull, "\(server)")
        }
        // Valkey ≥ 8.1 logs requests over commandlog-request-larger-than (1 MB by default).
        let hasCommandLog = server.flavor == "valkey" && server.majorMinor >= (8, 1)
        try await app.send(RESPCommand("SET", key: Array("\(prefix)big".utf8), [String(repeating: "x", count: 1_100_000)]))
        let health = try await run(["health", "--json"], on: server)
        #expect(health.status == 0, "\(server): \(health.output.prefix(300))")
        // A cluster's masters are each a node: what one logged or holds is looked for on all of them.
        let nodes = try #require(try json(health.output)["nodes"] as? [[String: Any]])
        #expect(nodes.count == (server.cluster ? 3 : 1), "\(server)")
        if hasCommandLog {
            let logs = nodes.compactMap { $0["commandlog"] as? [String: Any] }
            #expect(logs.count == nodes.count && logs.allSatisfy { $0["slow"] is [Any] && $0["largeReply"] is [Any] }, "\(server)")
            let large = logs.flatMap { $0["largeRequest"] as? [[String: Any]] ?? [] }
            #expect(large.contains { ($0["command"] as? String)?.hasPrefix("SET \(prefix)big") == true && ($0["bytes"] as? Int ?? 0) > 1_000_000 })
            #expect(!large.contains { ($0["client"] as? String)?.contains("(cachescope") == true }, "our own commands are left out")
        } else {
            #expect(nodes.allSatisfy { $0["commandlog"] is NSNull }, "\(server)")
        }
        // A cluster of Valkey ≥ 8.0 (Redis ≥ 8.2) says which slots are hot, per master.
        if server.cluster {
            let slots = nodes.flatMap { $0["hotSlots"] as? [[String: Any]] ?? [] }
            #expect(!slots.isEmpty && slots.allSatisfy { $0["cpuUsec"] is Int }, "cluster-slot-stats-enabled is on: CPU per slot")
        } else {
            #expect(nodes.allSatisfy { $0["hotSlots"] is NSNull }, "\(server)")
        }
        // Nothing is refused; latency monitoring is merely off (its tab says how to turn it on).
        for node in nodes {
            let refused = Set((node["refused"] as? [String: Any] ?? [:]).keys)
            #expect(refused.isSubset(of: ["latencyEvents"]), "\(server): \(node["refused"] ?? "")")
        }
        let traffic = try await run(["traffic", "--duration", "1s", "--yes", "--json"], on: server)
        #expect(traffic.status == 0 && traffic.output.contains("\"method\":\"monitor+keymiss\""), "\(server): \(traffic.output.prefix(300))")
        let invalidate = try await run(["invalidate", "--prefix", prefix, "--yes", "--json"], on: server)
        let result = try json(invalidate.output)
        #expect(result["deleted"] as? Int == 32 && result["method"] as? String == "script", "\(server): \(invalidate.output)")
    }

    @Test(arguments: TestServers.matrix.filter { !$0.tls }) func everyDashboardScreenWorks(_ server: MatrixServer) async throws {
        // A key, so the key browser has one to open (the other tests remove theirs).
        let app = try client(server)
        try await app.send(RESPCommand("SET", key: Array("dashboard-\(UUID().uuidString.prefix(6))".utf8), ["value"]))
        await app.close()
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis \(server.url)")
        defer { session.close() }
        try await session.waitFor("1/1 up", seconds: 30)
        try await session.waitFor(server.flavor == "valkey" ? "valkey \(server.version)" : "version \(server.version)")
        session.send(["Enter"])
        try await session.waitFor("redis › keys")
        // The first key's details (a refused TYPE or PTTL shows as —).
        // Once a key is listed (every listed key has a kind; ours is plain).
        try await session.waitFor(" plain ")
        session.send(["Enter"])
        try await session.waitFor("  backend ")
        session.send(["Escape"])
        try await session.waitFor("redis › keys")
        session.send(["Escape"])
        try await session.waitFor("i insights")
        session.send(["i"])
        try await session.waitFor(" · read ", seconds: 30)
        session.send(["w"])
        // The consent dialog, unless another sample left key-miss events on meanwhile.
        if (try await session.waitForAny(["change and sample", "listening…"])) == "change and sample" { session.send(["y"]) }
        try await session.waitFor("listening…")
        session.send(["Escape"])
        try await session.waitFor("by monitor+keymiss")
        session.send(["h"])
        try await session.waitFor("redis › health › slow log")
        session.send(["C"])
        try await session.waitFor("redis › capabilities")
        try await session.waitFor("\(server.flavor) \(server.version) master")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }
}
