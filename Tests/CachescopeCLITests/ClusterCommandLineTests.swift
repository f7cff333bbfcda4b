import Foundation
import RESP
import TestSupport
import Testing

/// The headless commands on the 3-master test cluster, reached through a plain `--redis` URL of one node or a
/// `type = "redis-cluster"` backend with several seeds: the cluster is one backend named `redis`.
@Suite(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
struct ClusterCommandLineTests {
    let cli = CommandLineTests()

    func seedURL(_ index: Int = 0) throws -> String {
        let nodes = try #require(TestServers.cluster)
        return "redis://\(nodes[index % nodes.count].host):\(nodes[index % nodes.count].port)"
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    func admin() throws -> RedisClusterClient { try RedisClusterClient(seeds: [try RedisURL(parsing: try seedURL(1))]) }

    @Test func snapshotGivesTheClusterAsOneBackendWithItsNodes() async throws {
        let result = try await cli.run(["snapshot", "--json", "--interval", "200ms", "--redis", try seedURL()])
        #expect(result.status == 0, "\(result.output)")
        let backends = try #require(try json(result.output)["backends"] as? [[String: Any]])
        #expect(backends.count == 1)
        let cluster = backends[0]
        #expect(cluster["name"] as? String == "redis" && cluster["type"] as? String == "redis-cluster")
        let nodes = try #require(cluster["nodes"] as? [[String: Any]])
        #expect(nodes.count == 3)
        for node in nodes {
            #expect(["address", "role", "slots", "status", "totalHits", "totalMisses", "keys"].allSatisfy { node[$0] != nil }, "\(node)")
            #expect(node["role"] as? String == "master" && node["status"] as? String == "up")
        }
        #expect(nodes.compactMap { $0["slots"] as? Int }.reduce(0, +) == 16384)
        let sumOf = { (field: String) in nodes.compactMap { $0[field] as? Int }.reduce(0, +) }
        #expect(cluster["totalHits"] as? Int == sumOf("totalHits"))
        #expect(cluster["totalMisses"] as? Int == sumOf("totalMisses"))
        #expect(cluster["keys"] as? Int == sumOf("keys"))
    }

    @Test func theSnapshotTableListsEachNodeUnderTheCluster() async throws {
        let result = try await cli.run(["snapshot", "--interval", "200ms", "--redis", try seedURL()])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count >= 5 && lines[1].contains("redis-cluster"), "\(result.output)")
        #expect(lines.filter { $0.contains("└") && $0.contains("slots") && $0.contains(" up ") }.count == 3, "\(result.output)")
    }

    @Test func keysAndInvalidateCoverEveryMaster() async throws {
        let admin = try admin()
        let prefix = "cli-cluster:\(UUID().uuidString.prefix(8)):"
        let keys = (0..<400).map { Array("\(prefix)k\($0)".utf8) }
        try await admin.send(keys.map { RESPCommand("SET", key: $0, ["v", "EX", 600]) })
        let listed = try await cli.run(["keys", "redis", "--redis", try seedURL(2), "--prefix", prefix, "--json", "--limit", "10000"])
        #expect(listed.status == 0, "\(listed.output)")
        let found = try #require(try json(listed.output)["keys"] as? [[String: Any]])
        #expect(Set(found.compactMap { $0["key"] as? String }) == Set(keys.map { String(decoding: $0, as: UTF8.self) }))
        #expect(found.count == keys.count)

        let refused = try await cli.run(["invalidate", "redis", "--redis", try seedURL(), "--prefix", prefix, "--yes", "--read-only"])
        #expect(refused.status == 3)
        let result = try await cli.run(["invalidate", "redis", "--redis", try seedURL(), "--prefix", prefix, "--yes", "--json"])
        #expect(result.status == 0, "\(result.output)")
        let outcome = try json(result.output)
        #expect(outcome["matched"] as? Int == keys.count && outcome["deleted"] as? Int == keys.count)
        let servers = try #require(outcome["servers"] as? [[String: Any]])
        #expect(servers.count == 3 && servers.compactMap { $0["deleted"] as? Int }.reduce(0, +) == keys.count)
        #expect(outcome["method"] as? String == "script" && servers.allSatisfy { $0["method"] as? String == "script" })
        #expect(try await admin.send(RESPCommand("EXISTS", keys: keys)).integer == 0)
        await admin.close()
    }

    @Test func aConfiguredClusterTakesSeveralSeeds() async throws {
        let path = try cli.configFile(
            """
            [[backend]]
            name = "sessions"
            type = "redis-cluster"
            url = ["redis://127.0.0.1:\(TestServers.freePort())", "\(try seedURL(1))"]
            """)
        let result = try await cli.run(["snapshot", "--json", "--interval", "200ms", "--config", path])
        #expect(result.status == 0, "\(result.output)")
        let backend = try #require((try json(result.output)["backends"] as? [[String: Any]])?.first)
        #expect(backend["name"] as? String == "sessions" && backend["status"] as? String == "up" && backend["type"] as? String == "redis-cluster")
        #expect((backend["nodes"] as? [[String: Any]])?.count == 3)

        try "[[backend]]\ntype = \"redis-cluster\"\nurl = [\"redis://127.0.0.1:7000/2\"]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let wrong = try await cli.run(["snapshot", "--config", path])
        #expect(wrong.status == 2 && wrong.output.contains("only database 0") && wrong.output.split(separator: "\n").count == 1, "\(wrong.output)")
    }
}
