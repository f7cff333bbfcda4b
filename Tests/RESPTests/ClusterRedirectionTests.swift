import RESP
import Synchronization
import TestSupport
import Testing

/// `MOVED`, `ASK` and failing nodes, with scripted fake nodes: a real cluster rarely does these on cue.
@Suite struct ClusterRedirectionTests {
    static let fast = RESPConnection.Configuration(connectTimeout: .seconds(2), commandTimeout: .seconds(2))

    /// Two fake nodes, A and B. Both answer the login, and `CLUSTER SLOTS` with "every slot on `owner`"
    /// (`CLUSTER SHARDS` is refused, as before Redis 7, so the fallback is used); every other command goes
    /// to the node's script, which is told both ports.
    final class TwoNodes: Sendable {
        typealias Script = @Sendable (_ command: [String], _ previous: [String]?, _ nodes: (a: Int, b: Int, owner: Int)) -> String
        /// The ports the fake nodes know: both nodes', and the slots' owner.
        final class Ports: Sendable {
            let owner = Atomic<Int>(0)
            let both = Mutex((a: 0, b: 0))
        }

        let ports = Ports()
        let nodeA: ScriptedRedisServer
        let nodeB: ScriptedRedisServer

        init(a scriptA: @escaping Script, b scriptB: @escaping Script) throws {
            let shared = ports
            func serve(_ script: @escaping Script) -> ScriptedRedisServer.Script {
                { command, previous in
                    switch command.first?.uppercased() {
                    case "PING": return RESPReply.simple("PONG")
                    case "CLIENT", "ASKING": return RESPReply.simple("OK")
                    case "CLUSTER" where command.dropFirst().first?.uppercased() == "SHARDS":
                        return RESPReply.error("ERR unknown subcommand 'SHARDS'")
                    case "CLUSTER": return RESPReply.clusterSlots([(0...16383, host: "127.0.0.1", port: shared.owner.load(ordering: .relaxed))])
                    default:
                        let known = shared.both.withLock { $0 }
                        return script(command, previous, (known.a, known.b, shared.owner.load(ordering: .relaxed)))
                    }
                }
            }
            nodeA = try ScriptedRedisServer(script: serve(scriptA))
            nodeB = try ScriptedRedisServer(script: serve(scriptB))
            shared.both.withLock { $0 = (nodeA.port, nodeB.port) }
            shared.owner.store(nodeA.port, ordering: .relaxed)
        }

        func gets(on node: ScriptedRedisServer) -> Int { node.commands.filter { $0.first == "GET" }.count }

        func client() throws -> RedisClusterClient {
            try RedisClusterClient(seeds: [try RedisURL(parsing: "redis://127.0.0.1:\(nodeA.port)")], configuration: ClusterRedirectionTests.fast)
        }
    }

    func get(_ key: String, _ client: RedisClusterClient) async throws -> String? {
        try await client.send(RESPCommand("GET", key: Array(key.utf8))).string
    }

    static func slot(_ command: [String]) -> Int { ClusterSlot.of(command.count > 1 ? command[1] : "") }

    @Test func movedIsFollowedAndTheNewMapIsUsedFromThenOn() async throws {
        let nodes = try TwoNodes(
            a: { command, _, nodes in
                nodes.owner == nodes.a ? RESPReply.bulk("from A") : RESPReply.error("MOVED \(Self.slot(command)) 127.0.0.1:\(nodes.b)")
            },
            b: { _, _, _ in RESPReply.bulk("from B") }
        )
        let client = try nodes.client()
        #expect(try await get("k", client) == "from A")
        nodes.ports.owner.store(nodes.nodeB.port, ordering: .relaxed)
        #expect(try await get("k", client) == "from B", "MOVED is followed")
        let getsOnA = nodes.gets(on: nodes.nodeA)
        #expect(try await get("other", client) == "from B", "the map read again sends it straight to B")
        #expect(nodes.gets(on: nodes.nodeA) == getsOnA)
        #expect(try await client.topology().shard(forSlot: 0)?.master.port == nodes.nodeB.port)
        await client.close()
    }

    @Test func askIsFollowedOnceWithAskingFirstAndTheMapStays() async throws {
        let nodes = try TwoNodes(
            a: { command, _, nodes in
                command[1] == "moving" ? RESPReply.error("ASK \(Self.slot(command)) 127.0.0.1:\(nodes.b)") : RESPReply.bulk("from A")
            },
            b: { command, previous, nodes in
                // A migrating slot's new owner serves it only right after ASKING.
                previous?.first == "ASKING" ? RESPReply.bulk("from B") : RESPReply.error("MOVED \(Self.slot(command)) 127.0.0.1:\(nodes.a)")
            }
        )
        let client = try nodes.client()
        #expect(try await get("moving", client) == "from B")
        let onB = nodes.nodeB.commands
        #expect(onB.suffix(2).map { $0.first ?? "" } == ["ASKING", "GET"])
        #expect(try await get("moving", client) == "from B", "ASK does not change the map: A is asked again")
        #expect(nodes.gets(on: nodes.nodeA) == 2)
        #expect(try await get("still-on-a", client) == "from A")
        #expect(try await client.topology().shard(forSlot: 0)?.master.port == nodes.nodeA.port)
        await client.close()
    }

    @Test func aPipelineSplitAcrossRedirectionsKeepsItsOrder() async throws {
        let nodes = try TwoNodes(
            a: { command, _, nodes in
                command[1].hasPrefix("b") ? RESPReply.error("ASK \(Self.slot(command)) 127.0.0.1:\(nodes.b)") : RESPReply.bulk("A:\(command[1])")
            },
            b: { command, _, _ in RESPReply.bulk("B:\(command[1])") }
        )
        let client = try nodes.client()
        let keys = ["a1", "b1", "a2", "b2", "a3"]
        let replies = try await client.send(keys.map { RESPCommand("GET", key: Array($0.utf8)) })
        #expect(replies.map { $0.string ?? "" } == ["A:a1", "B:b1", "A:a2", "B:b2", "A:a3"])
        await client.close()
    }

    @Test func redirectionsThatGoRoundInCirclesEndAsTheReply() async throws {
        let nodes = try TwoNodes(
            a: { command, _, nodes in RESPReply.error("ASK \(Self.slot(command)) 127.0.0.1:\(nodes.b)") },
            b: { command, _, nodes in RESPReply.error("ASK \(Self.slot(command)) 127.0.0.1:\(nodes.a)") }
        )
        let client = try nodes.client()
        let reply = try await client.send([RESPCommand("GET", key: Array("k".utf8))])[0]
        #expect(reply.errorMessage?.hasPrefix("ASK ") == true)
        #expect(nodes.gets(on: nodes.nodeA) + nodes.gets(on: nodes.nodeB) == RedisClusterClient.maximumRedirections + 1)
        await client.close()
    }

    @Test func aFailedNodeFailsTheCallAndTheNextCallReadsTheMapAgain() async throws {
        let nodes = try TwoNodes(a: { _, _, _ in RESPReply.bulk("from A") }, b: { _, _, _ in RESPReply.bulk("from B") })
        nodes.ports.owner.store(nodes.nodeB.port, ordering: .relaxed)
        let client = try nodes.client()
        #expect(try await get("k", client) == "from B")
        nodes.nodeB.stop()
        nodes.nodeB.closeConnections()
        await #expect(throws: RedisError.self) { _ = try await get("k", client) }
        // "Failover": A now serves every slot, and says so.
        nodes.ports.owner.store(nodes.nodeA.port, ordering: .relaxed)
        #expect(try await get("k", client) == "from A")
        await client.close()
    }

    @Test func commandsForANodeThatRefusesConnectionsGoWhereTheNewMapSays() async throws {
        let nodes = try TwoNodes(a: { _, _, _ in RESPReply.bulk("from A") }, b: { _, _, _ in RESPReply.bulk("from B") })
        nodes.ports.owner.store(nodes.nodeB.port, ordering: .relaxed)
        let client = try nodes.client()
        #expect(try await get("k", client) == "from B")
        // B dies and A takes its slots (a failover); the client still has the old map.
        nodes.nodeB.stop()
        nodes.nodeB.closeConnections()
        nodes.ports.owner.store(nodes.nodeA.port, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await get("k", client) == "from A", "nothing reached B, so the command is sent again after the map is read")
        #expect(nodes.gets(on: nodes.nodeB) == 1)
        await client.close()
    }

    @Test func aSeedThatIsNotAClusterNodeSaysSo() async throws {
        let plain = try ScriptedRedisServer { command, _ in
            switch command.first?.uppercased() {
            case "PING": RESPReply.simple("PONG")
            case "CLIENT": RESPReply.simple("OK")
            default: RESPReply.error("ERR This instance has cluster support disabled")
            }
        }
        let client = try RedisClusterClient(seeds: [try RedisURL(parsing: "redis://127.0.0.1:\(plain.port)")], configuration: Self.fast)
        await #expect { _ = try await client.topology() } throws: { "\($0)".contains("not in cluster mode") && !"\($0)".contains("\n") }
        await client.close()
    }

    @Test func badSeedsAreRefusedUpFront() throws {
        #expect(throws: RedisError.self) { try RedisClusterClient(seeds: []) }
        #expect(throws: RedisError.self) { try RedisClusterClient(seeds: [try RedisURL(parsing: "redis://127.0.0.1:7000/2")]) }
        #expect(throws: RedisError.self) { try RedisClusterClient(seeds: [try RedisURL(parsing: "unix:///tmp/redis.sock")]) }
    }
}
