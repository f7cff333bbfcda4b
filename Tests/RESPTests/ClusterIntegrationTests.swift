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
        #expect(fromShards.shards.allSatisfy { $0.master.health == .online })
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

/// The cluster client against the real 3-master cluster: routing, splits, per-master work, detection.
@Suite(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
struct ClusterClientIntegrationTests {
    func clusterClient() throws -> RedisClusterClient {
        let seed = try #require(TestServers.cluster?.last)
        return try RedisClusterClient(seeds: [try RedisURL(parsing: "redis://\(seed.host):\(seed.port)")])
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Keys of each master under `prefix`, counted with SCAN on each master.
    func countPerMaster(_ client: RedisClusterClient, prefix: String) async throws -> [Int] {
        var counts: [Int] = []
        for master in try await client.masterClients() {
            var cursor: UInt64 = 0
            var count = 0
            repeat {
                let page = try await master.client.scan(cursor: cursor, match: bytes(prefix + "*"), count: 1000)
                cursor = page.cursor
                count += page.keys.count
            } while cursor != 0
            counts.append(count)
        }
        return counts
    }

    @Test func keysAcrossEverySlotRoundTripInOrderThroughOneClient() async throws {
        let client = try clusterClient()
        let prefix = "cs-test:\(UInt32.random(in: 0...UInt32.max)):"
        let keys = (0..<300).map { bytes("\(prefix)\($0)") }
        var arguments: [any RESPArgument] = []
        for (index, key) in keys.enumerated() { arguments += [key, "v\(index)"] }
        let set = try await client.send(RESPCommand("MSET", arguments, keyPositions: Array(stride(from: 1, to: arguments.count + 1, by: 2))))
        #expect(set.string == "OK", "MSET across slots is split, not refused with CROSSSLOT")
        let values = try await client.send(RESPCommand("MGET", keys: keys)).array ?? []
        #expect(values.map { $0.string ?? "nil" } == (0..<300).map { "v\($0)" })
        #expect(try await client.send(RESPCommand("EXISTS", keys: keys)).integer == 300)
        let perMaster = try await countPerMaster(client, prefix: prefix)
        #expect(perMaster.count == 3 && perMaster.allSatisfy { $0 > 0 } && perMaster.reduce(0, +) == 300)
        #expect(try await client.send(RESPCommand("DEL", keys: keys)).integer == 300)
        await client.close()
    }

    @Test func prefixDeletionOnEveryMasterDeletesExactlyThePrefixedKeys() async throws {
        let client = try clusterClient()
        let base = "cs-del:\(UInt32.random(in: 0...UInt32.max))"
        let doomed = (0..<500).map { bytes("\(base):p:\($0)") } + [bytes("\(base):p:"), bytes("\(base):p:*?[x]")]
        let kept = [bytes("\(base):p"), bytes("\(base):q:1"), bytes("x\(base):p:1"), bytes("\(base):P:1")]
        for chunk in stride(from: 0, to: doomed.count, by: 100) {
            var arguments: [any RESPArgument] = []
            for key in doomed[chunk..<min(chunk + 100, doomed.count)] { arguments += [key, "1"] }
            try await client.send(RESPCommand("MSET", arguments, keyPositions: Array(stride(from: 1, to: arguments.count + 1, by: 2))))
        }
        for key in kept { try await client.send(RESPCommand("SET", key: key, ["1"])) }
        let dry = try await client.deleteKeys(withPrefix: bytes("\(base):p:"), dryRun: true)
        #expect(dry.matched == doomed.count && dry.deleted == 0)
        var calls = 0
        let outcome = try await client.deleteKeysOnEveryMaster(withPrefix: bytes("\(base):p:"), count: 50) { _ in
            calls += 1
            return true
        }
        #expect(outcome.totals.deleted == doomed.count && outcome.totals.matched == doomed.count && outcome.totals.finished)
        #expect(outcome.masters.count == 3 && outcome.masters.map(\.totals.deleted).reduce(0, +) == doomed.count)
        #expect(calls > 3, "progress after pages of every master")
        #expect(try await client.send(RESPCommand("EXISTS", keys: doomed)).integer == 0)
        #expect(try await client.send(RESPCommand("EXISTS", keys: kept)).integer == Int64(kept.count))
        try await client.send(RESPCommand("DEL", keys: kept))
        await client.close()
    }

    @Test func aRedisURLOfAClusterNodeIsUsedAsTheCluster() async throws {
        let seed = try #require(TestServers.cluster?.first)
        let deployment = RedisDeployment(url: try RedisURL(parsing: "redis://\(seed.host):\(seed.port)"))
        #expect(try await deployment.isCluster())
        let keys = (0..<30).map { bytes("cs-detect:\($0)") }
        #expect(try await deployment.send(RESPCommand("DEL", keys: keys)).errorMessage == nil)
        #expect(try await deployment.dataNodes().count == 3)
        await deployment.close()

        let otherDatabase = RedisDeployment(url: try RedisURL(parsing: "redis://\(seed.host):\(seed.port)/3"))
        await #expect { _ = try await otherDatabase.shape() } throws: {
            ($0 as? RedisError)?.code == .invalidURL && "\($0)".contains("only database 0")
        }
        await otherDatabase.close()
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aSingleServerStaysASingleServer() async throws {
        let redis = try #require(TestServers.redis)
        let deployment = RedisDeployment(url: try RedisURL(parsing: "redis://\(redis.host):\(redis.port)"))
        #expect(try await deployment.isCluster() == false)
        #expect(try await deployment.dataNodes().count == 1)
        await deployment.close()
    }
}
