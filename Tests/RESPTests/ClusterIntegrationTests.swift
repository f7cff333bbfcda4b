import RESP
import TestSupport
import Testing

/// The slot map and key slots against the 3-master cluster `scripts/test.sh` creates.
@Suite(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
struct ClusterIntegrationTests {
    func seedClient() throws -> RedisClient {
        let seed = try #require(TestServers.cluster?.first)
        return RedisClient(url: try RedisURL(parsing: "redis://\(seed.host):\(seed.port)"))
    }

    @Test func shardsAndSlotsDescribeTheSameThreeMasters() async throws {
        let client = try seedClient()
        let seedHost = try #require(TestServers.cluster?.first?.host)
        let fromShards = try ClusterTopology.parse(shards: try await client.send(RESPCommand("CLUSTER", ["SHARDS"])), seedHost: seedHost)
        let fromSlots = try ClusterTopology.parse(slots: try await client.send(RESPCommand("CLUSTER", ["SLOTS"])), seedHost: seedHost)
        let expected = Set((TestServers.cluster ?? []).map { "\($0.host):\($0.port)" })
        #expect(Set(fromShards.shards.map(\.master.address)) == expected)
        #expect(Set(fromSlots.shards.map(\.master.address)) == expected)
        #expect(fromShards.unservedSlots == 0 && fromSlots.unservedSlots == 0)
        #expect(fromShards.shards.allSatisfy { $0.master.health == "online" })
        for slot in [0, 5460, 5461, 10922, 10923, 16383] {
            #expect(fromShards.shard(forSlot: slot)?.master.address == fromSlots.shard(forSlot: slot)?.master.address)
        }
        await client.close()
    }

    @Test func ourSlotsAreTheServersSlots() async throws {
        let client = try seedClient()
        let keys: [[UInt8]] = [
            Array("user:1".utf8), Array("{user1000}.following".utf8), Array("flask_cache_view//api/users".utf8),
            Array("日本語".utf8), [0xFF, 0x00, 0x0A, 0x7B, 0x7D], Array(repeating: 0x61, count: 1000),
        ]
        for key in keys {
            let reply = try await client.send(RESPCommand("CLUSTER", [Array("KEYSLOT".utf8), key]))
            #expect(reply.integer.map(Int.init) == ClusterSlot.of(key), "slot of \(key.prefix(20))")
        }
        await client.close()
    }
}
