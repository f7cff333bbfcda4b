import Testing

@testable import RESP

/// `CLUSTER NODES` text, `MOVED`/`ASK` replies, and the per-slot split of multi-key commands.
@Suite struct ClusterNodesAndSplitTests {
    @Test func clusterNodesTextGivesMastersSlotsReplicasAndHealth() throws {
        let text = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,replica.example slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
            292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 0 1426238318243 3 connected 10923-16383
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :30001@31001 myself,master - 0 0 1 connected 0-5459 5460 [5460->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
            6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 handshake - 0 0 0 connected

            """
        let topology = try ClusterTopology.parse(nodes: .bulkString(Array(text.utf8)), seedHost: "seed.example")
        #expect(topology.shards.count == 3)
        #expect(topology.unservedSlots == 0)
        #expect(topology.shard(forSlot: 0)?.master.address == "seed.example:30001", "an empty ip is the seed's host")
        #expect(topology.shard(forSlot: 5460)?.master.port == 30001, "a slot being migrated is still its owner's")
        #expect(topology.shard(forSlot: 0)?.replicas.map(\.address) == ["127.0.0.1:30004"])
        #expect(topology.shard(forSlot: 16383)?.master.health == .failed)
        #expect(topology.shard(forSlot: 6000)?.master.health == .online)
    }

    @Test func clusterNodesRejectsWhatIsNotANodeLine() {
        #expect(throws: RedisError.self) { try ClusterTopology.parse(nodes: .bulkString(Array("hello world\n".utf8)), seedHost: "x") }
        #expect(throws: RedisError.self) { try ClusterTopology.parse(nodes: .integer(3), seedHost: "x") }
    }

    @Test func redirectionsAreReadAndOtherErrorsAreNot() {
        let moved = ClusterRedirection(errorMessage: "MOVED 3999 127.0.0.1:6381", answeringHost: "h")
        #expect(moved == ClusterRedirection(errorMessage: "MOVED 3999 127.0.0.1:6381", answeringHost: "other"))
        #expect(moved?.kind == .moved && moved?.slot == 3999 && moved?.address == "127.0.0.1:6381")
        let ask = ClusterRedirection(errorMessage: "ASK 12182 :7002", answeringHost: "10.0.0.4")
        #expect(ask?.kind == .ask && ask?.address == "10.0.0.4:7002", "an empty host is the answering node's")
        #expect(ClusterRedirection(errorMessage: "MOVED 3999 [::1]:7000", answeringHost: "h")?.address == "[::1]:7000")
        for other in [
            "ERR unknown command", "MOVED", "MOVED 99999 h:1", "MOVED 1 h:0", "ASK x h:1", "CROSSSLOT Keys in request don't hash to the same slot",
        ] {
            #expect(ClusterRedirection(errorMessage: other, answeringHost: "h") == nil, "\(other)")
        }
    }

    func keys(_ names: [String]) -> [[UInt8]] { names.map { Array($0.utf8) } }

    @Test func keysInOneSlotStayOneCommand() {
        let split = ClusterCommandSplit(RESPCommand("MGET", keys: keys(["{u1}.a", "{u1}.b", "{u1}.c"])))
        #expect(split.parts.count == 1)
        #expect(split.parts[0].slot == ClusterSlot.of("u1"))
        #expect(ClusterCommandSplit(RESPCommand("PING")).parts.map(\.slot) == [nil])
    }

    @Test func mgetAcrossSlotsIsSplitAndItsValuesComeBackInOrder() {
        let names = ["a", "b", "{a}x", "c", "{b}y"]
        let split = ClusterCommandSplit(RESPCommand("MGET", keys: keys(names)))
        #expect(split.parts.count == 3)
        for part in split.parts {
            #expect(part.command.name == "MGET")
            #expect(Set(part.command.keys.map { ClusterSlot.of($0) }) == [part.slot ?? -1])
            #expect(part.command.keyPositions == Array(1...part.command.keys.count))
        }
        // Each part answers its keys' names as values: the merge must put every value back at its key.
        let replies = split.parts.map { part in RESPValue.array(part.command.keys.map { .bulkString($0) }) }
        #expect(split.merged(replies) == .array(names.map { .bulkString(Array($0.utf8)) }))
    }

    @Test func countingCommandsAddUpAndErrorsWin() {
        let split = ClusterCommandSplit(RESPCommand("UNLINK", keys: keys(["a", "b", "c"])))
        #expect(split.parts.count == 3)
        #expect(split.merged([.integer(1), .integer(0), .integer(1)]) == .integer(2))
        #expect(split.merged([.integer(1), .error("ERR boom"), .integer(1)]) == .error("ERR boom"))
    }

    @Test func msetIsSplitWithEachValueBesideItsKey() {
        let command = RESPCommand("MSET", ["a", "1", "b", "2", "{a}z", "3"], keyPositions: [1, 3, 5])
        let split = ClusterCommandSplit(command)
        #expect(split.parts.count == 2)
        let first = split.parts.first { $0.slot == ClusterSlot.of("a") }
        #expect(first?.command.arguments.map { String(decoding: $0, as: UTF8.self) } == ["MSET", "a", "1", "{a}z", "3"])
        #expect(first?.command.keyPositions == [1, 3])
        #expect(split.merged([.simpleString(Array("OK".utf8)), .simpleString(Array("OK".utf8))]) == .simpleString(Array("OK".utf8)))
    }

    @Test func otherCommandsAcrossSlotsAreSentWholeForTheServerToRefuse() {
        let split = ClusterCommandSplit(RESPCommand("SUNIONSTORE", keys(["dest", "a", "b"]), keyPositions: [1, 2, 3]))
        #expect(split.parts.count == 1)
        #expect(split.parts[0].command.arguments.count == 4)
    }
}
