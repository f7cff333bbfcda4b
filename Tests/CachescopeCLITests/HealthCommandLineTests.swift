import Foundation
import RESP
import TestSupport
import Testing

/// `cachescope health` as a user runs it: the JSON contract on Redis and memcached, bad input.
@Suite struct HealthCommandLineTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func redisJSONHasEveryView() async throws {
        guard let server = try RedisServerProcess(arguments: ["--slowlog-log-slower-than", "0"]) else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "worker"))
        try await client.send(RESPCommand("SET", key: Array("a".utf8), ["1"]))
        let url = server.url()
        let result = try await CommandLineTests().run(["health", "--redis", url, "--json"])
        await client.close()
        #expect(result.status == 0, "\(result.output)")
        let document = try json(result.output)
        #expect(document["backend"] as? String == "redis" && document["type"] as? String == "redis")
        let node = try #require((document["nodes"] as? [[String: Any]])?.first)
        for field in ["address", "slowlog", "commands", "clients", "memory", "replication", "persistence", "slabs", "attention"] {
            #expect(node.keys.contains(field), "\(field) is there")
        }
        #expect(node["slabs"] is NSNull, "no slabs on Redis")
        let slowlog = try #require(node["slowlog"] as? [[String: Any]])
        #expect(slowlog.contains { ($0["command"] as? String) == "SET a 1" })
        for entry in slowlog { #expect(Set(entry.keys) == ["id", "time", "durationUs", "command", "client"]) }
        let commands = try #require(node["commands"] as? [[String: Any]])
        #expect(Set(commands.first?.keys ?? [:].keys) == ["command", "calls", "usecPerCall", "p50Us", "p99Us", "p999Us", "failed", "rejected"])
        let clients = try #require(node["clients"] as? [[String: Any]])
        #expect(clients.contains { $0["name"] as? String == "worker" })
        for client in clients {
            #expect(
                Set(client.keys) == [
                    "id", "name", "address", "ageS", "idleS", "db", "command", "queryBufferBytes", "outputMemoryBytes", "totalMemoryBytes", "flags",
                ])
        }
        let memory = try #require(node["memory"] as? [String: Any])
        for field in ["usedBytes", "rssBytes", "fragmentationRatio", "peakBytes", "maxmemoryBytes", "policy", "datasetBytes", "overheadBytes"] {
            #expect(memory.keys.contains(field), "memory.\(field)")
        }
        let replication = try #require(node["replication"] as? [String: Any])
        #expect(replication["role"] as? String == "master" && replication["replicas"] is [Any])
        let persistence = try #require(node["persistence"] as? [String: Any])
        #expect(Set(persistence.keys) == ["rdbLastSaveTime", "rdbLastStatus", "aofEnabled", "aofLastStatus", "lastForkUs"])
    }

    @Test func memcachedJSONHasSlabsAndNullRedisViews() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        _ = try TestServers.exchange(host: "127.0.0.1", port: server.port, "set a 0 0 1\r\nx\r\n")
        let address = server.address
        let result = try await CommandLineTests().run(["health", "--memcached", address, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let node = try #require((try json(result.output)["nodes"] as? [[String: Any]])?.first)
        for field in ["slowlog", "commands", "clients", "memory", "replication", "persistence"] { #expect(node[field] is NSNull, "\(field) null") }
        let slabs = try #require(node["slabs"] as? [[String: Any]])
        #expect(slabs.reduce(0) { $0 + ($1["items"] as? Int ?? 0) } == 1)
        #expect(
            Set(slabs.first?.keys ?? [:].keys) == [
                "class", "chunkSize", "items", "usedChunks", "totalChunks", "wasteBytes", "evicted", "evictedUnfetched", "expiredUnfetched",
                "oldestItemAgeS", "outOfMemory",
            ])
    }

    @Test func aDeadServerIsOneLine() async throws {
        let result = try await CommandLineTests().run(["health", "--redis", "redis://127.0.0.1:\(TestServers.freePort())"])
        #expect(result.status == 1)
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
    }
}
