import Basics
import RESP

extension RedisSource {
    /// The health of the server, or of every node of the cluster (masters and replicas), read at once on
    /// connections of their own. A view the server refuses (an ACL without `SLOWLOG`, `CLIENT` or `CONFIG`)
    /// says which permission it lacks; the other views are read. A node that cannot be reached is missing.
    package func readHealth() async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        var nodes: [RedisURL] = [url]
        if try await cluster() != nil {
            let worker = try RedisClusterClient(seeds: seeds, configuration: configuration)
            defer { Task { await worker.close() } }
            let topology = try await worker.topology()
            nodes = topology.shards.flatMap { [$0.master] + $0.replicas }.map { worker.client(for: $0).url }
        }
        let configuration = configuration
        var servers: [ServerHealth] = []
        var missing: [KeyspaceCensus.MissingNode] = []
        await withTaskGroup(of: (Int, Result<ServerHealth, any Error>).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    let client = RedisClient(url: node, configuration: configuration)
                    defer { Task { await client.close() } }
                    do {
                        return (index, .success(try await Self.readHealth(of: client, address: node.hostAndPort)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<ServerHealth, any Error>)] = []
            for await result in group { results.append(result) }
            for (index, result) in results.sorted(by: { $0.0 < $1.0 }) {
                switch result {
                case .success(let health): servers.append(health)
                case .failure(let error):
                    missing.append(KeyspaceCensus.MissingNode(address: nodes[index].hostAndPort, reason: ErrorText.oneLine(error)))
                }
            }
        }
        if servers.isEmpty, let first = missing.first { throw RedisError(.connectionFailed, "\(first.address): \(first.reason)") }
        return (servers, missing)
    }

    /// One pipeline for every view of one server.
    static func readHealth(of client: RedisClient, address: String) async throws -> ServerHealth {
        let replies = try await client.send([
            RESPCommand("SLOWLOG", ["GET", 128]),
            RESPCommand("INFO", ["commandstats", "latencystats", "memory", "replication", "persistence", "stats"]),
            RESPCommand("CLIENT", ["LIST"]),
            RESPCommand("CONFIG", ["GET", "latency-monitor-threshold"]),
            RESPCommand("LATENCY", ["LATEST"]),
            RESPCommand("MEMORY", ["DOCTOR"]),
        ])
        var health = ServerHealth(address: address)
        health.slowLog = view(replies[0], needs: "SLOWLOG") { .value(SlowLogEntry.parse($0, node: address)) }
        switch view(replies[1], needs: "INFO", { reply -> HealthView<RedisInfo> in .value(RedisInfo(parsing: reply.string ?? "")) }) {
        case .value(let info):
            health.commands = .value(CommandStat.parse(info))
            health.memory = MemoryHealth(info).map { .value($0) } ?? .refused("INFO memory gave no used_memory")
            health.replication = ReplicationHealth(info).map { .value($0) } ?? .refused("INFO replication gave no role")
            health.persistence = PersistenceHealth(info).map { .value($0) } ?? .refused("INFO persistence gave nothing")
            health.rejectedConnections = info.integer("rejected_connections")
        case .refused(let reason):
            (health.commands, health.memory, health.replication, health.persistence) = (
                .refused(reason), .refused(reason), .refused(reason), .refused(reason)
            )
        case .notApplicable: break
        }
        health.clients = view(replies[2], needs: "CLIENT") { .value(RedisClientInfo.parse($0.string ?? "")) }
        let threshold = replies[3].array?.last?.integer
        switch view(replies[4], needs: "LATENCY", { .value(LatencyEvent.parse($0)) }) {
        case .value(let events) where events.isEmpty && threshold == 0:
            health.latencyEvents = .refused("latency monitoring is off: CONFIG SET latency-monitor-threshold 100 (milliseconds) turns it on")
        case let other: health.latencyEvents = other
        }
        if case .value(var memory) = health.memory {
            memory.doctor = replies[5].errorMessage == nil ? replies[5].string : nil
            health.memory = .value(memory)
        }
        return health
    }

    /// A reply as a view: its figures, or a refusal naming the permission (`NOPERM`) or the server's words.
    private static func view<Value>(_ reply: RESPValue, needs command: String, _ read: (RESPValue) -> HealthView<Value>) -> HealthView<Value> {
        guard let message = reply.errorMessage else { return read(reply) }
        if message.hasPrefix("NOPERM") { return .refused("the user lacks the \(command) permission (\(message))") }
        return .refused("\(command) refused: \(message)")
    }
}
