import RESP
import Testing

/// `CLUSTER SHARDS` and `CLUSTER SLOTS` replies read into a slot map.
@Suite struct ClusterTopologyTests {
    func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// A RESP2 `CLUSTER SHARDS` node: a flat key/value array.
    func node(id: String, endpoint: String, port: Int64, role: String, health: String = "online") -> RESPValue {
        .array([
            bulk("id"), bulk(id), bulk("port"), .integer(port), bulk("ip"), bulk("10.0.0.9"), bulk("endpoint"), bulk(endpoint),
            bulk("role"), bulk(role), bulk("replication-offset"), .integer(42), bulk("health"), bulk(health),
        ])
    }

    @Test func shardsGiveEachSlotItsMasterWithReplicasApart() throws {
        let reply = RESPValue.array([
            .array([
                bulk("slots"), .array([.integer(0), .integer(5460)]), bulk("nodes"),
                .array([
                    node(id: "a", endpoint: "127.0.0.1", port: 7000, role: "master"),
                    node(id: "d", endpoint: "127.0.0.1", port: 7003, role: "replica"),
                ]),
            ]),
            .array([
                bulk("slots"), .array([.integer(5461), .integer(10922)]), bulk("nodes"),
                .array([
                    node(id: "b", endpoint: "", port: 7001, role: "master")
                ]),
            ]),
            .array([
                bulk("slots"), .array([.integer(10923), .integer(12000), .integer(12001), .integer(16383)]), bulk("nodes"),
                .array([
                    node(id: "c", endpoint: "?", port: 7002, role: "master", health: "loading")
                ]),
            ]),
        ])
        let topology = try ClusterTopology.parse(shards: reply, seedHost: "seed.example")
        #expect(topology.shards.count == 3)
        #expect(topology.unservedSlots == 0)
        #expect(topology.shard(forSlot: 0)?.master.address == "127.0.0.1:7000")
        #expect(topology.shard(forSlot: 0)?.replicas.map(\.address) == ["127.0.0.1:7003"])
        #expect(topology.shard(forSlot: 5461)?.master.address == "seed.example:7001", "an empty endpoint is the seed's host")
        #expect(topology.shard(forSlot: 16383)?.master.address == "seed.example:7002", "so is ?")
        #expect(topology.shard(forSlot: 16383)?.master.health == .loading)
        #expect(topology.shards[2].slotCount == 16384 - 10923)
        #expect(topology.master(for: Array("foo".utf8))?.port == 7002, "foo is slot 12182")
    }

    @Test func resp3MapsReadTheSame() throws {
        let reply = RESPValue.array([
            .map([
                .init(key: bulk("slots"), value: .array([.integer(0), .integer(16383)])),
                .init(
                    key: bulk("nodes"),
                    value: .array([
                        .map([
                            .init(key: bulk("id"), value: bulk("a")), .init(key: bulk("port"), value: .integer(7000)),
                            .init(key: bulk("endpoint"), value: bulk("10.1.2.3")), .init(key: bulk("role"), value: bulk("master")),
                        ])
                    ])),
            ])
        ])
        let topology = try ClusterTopology.parse(shards: reply, seedHost: "x")
        #expect(topology.shards.map(\.master.address) == ["10.1.2.3:7000"])
        #expect(topology.unservedSlots == 0)
    }

    @Test func slotsRepliesMergeRangesOfOneMaster() throws {
        let reply = RESPValue.array([
            .array([
                .integer(0), .integer(99), .array([bulk("127.0.0.1"), .integer(7000), bulk("a")]), .array([bulk(""), .integer(7003), bulk("d")]),
            ]),
            .array([.integer(100), .integer(16000), .array([bulk("127.0.0.1"), .integer(7001), bulk("b")])]),
            .array([.integer(16001), .integer(16383), .array([bulk("127.0.0.1"), .integer(7000), bulk("a")])]),
        ])
        let topology = try ClusterTopology.parse(slots: reply, seedHost: "seed")
        #expect(topology.shards.count == 2, "a master listed for two ranges is one shard")
        #expect(topology.shards[0].slots == [0...99, 16001...16383])
        #expect(topology.shards[0].replicas.map(\.address) == ["seed:7003"])
        #expect(topology.shard(forSlot: 16383)?.master.port == 7000)
        #expect(topology.unservedSlots == 0)
    }

    @Test func gapsAndGarbageAreReported() throws {
        let partial = RESPValue.array([.array([.integer(0), .integer(99), .array([bulk("h"), .integer(1)])])])
        #expect(try ClusterTopology.parse(slots: partial, seedHost: "s").unservedSlots == 16384 - 100)
        #expect(throws: RedisError.self) { try ClusterTopology.parse(slots: bulk("nope"), seedHost: "s") }
        #expect(throws: RedisError.self) { try ClusterTopology.parse(slots: .array([.array([.integer(5)])]), seedHost: "s") }
        #expect(throws: RedisError.self) { try ClusterTopology.parse(shards: .array([.array([bulk("odd")])]), seedHost: "s") }
    }
}
