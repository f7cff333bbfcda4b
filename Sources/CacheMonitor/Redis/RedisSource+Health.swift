import Basics
import RESP

extension RedisSource: HealthSource {
    package var healthViews: HealthViews { .redis }

    package func ownCommandCounts(on address: String) -> [String: UInt64] { ownCommands.counts(on: address) }

    /// Every server of the backend, on the source's own connections: the server (a Sentinel's current master),
    /// or every node of the cluster, masters and replicas.
    package func everyServer() async throws -> (servers: [RedisClient], isCluster: Bool) {
        switch try await client.shape() {
        case .single(let server): return ([server], false)
        case .cluster(let cluster):
            let topology = try await cluster.topology()
            return (topology.shards.flatMap { [$0.master] + $0.replicas }.map { cluster.client(for: $0) }, true)
        }
    }

    /// Counts `count` commands the monitor sent to the server at `address` as its own, so the ops/s shown leave
    /// them out (a cluster counts per node, a single server in total).
    func recordOwnCommands(_ count: Int, on address: String, isCluster: Bool) {
        if isCluster {
            nodeSampleCommands.withLock { $0[address, default: 0] += UInt64(count) }
        } else {
            ownReads.recordCommands(count)
        }
    }

    /// The health of the server, or of every node of the cluster (masters and replicas), read at once on the
    /// source's own connections (no connection is opened per reading). A view the server refuses (an ACL
    /// without `SLOWLOG`, `CLIENT` or `CONFIG`) says which permission it lacks; the other views are read. A
    /// node that cannot be reached is missing. `.attention` reads only what the attention rules need.
    package func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        let (nodes, isCluster) = try await everyServer()
        var servers: [ServerHealth] = []
        var missing: [KeyspaceCensus.MissingNode] = []
        // Results as a small struct that carries its own place and address (see DESIGN: tuples of a task group
        // came back mispaired in release builds of Swift 6.3.1).
        struct NodeReading: Sendable {
            var index: Int
            var address: String
            var health: ServerHealth?
            var failure: String?
        }
        await withTaskGroup(of: NodeReading.self) { group in
            for (index, node) in nodes.enumerated() {
                let address = node.url.hostAndPort
                group.addTask {
                    do {
                        let health = try await Self.readHealth(of: node, address: address, scope: scope)
                        self.recordOwnCommands(scope == .full ? 6 : 2, on: address, isCluster: isCluster)
                        return NodeReading(index: index, address: address, health: health)
                    } catch {
                        return NodeReading(index: index, address: address, failure: ErrorText.oneLine(error))
                    }
                }
            }
            var results: [NodeReading] = []
            for await result in group { results.append(result) }
            for result in results.sorted(by: { $0.index < $1.index }) {
                if let health = result.health {
                    servers.append(health)
                } else {
                    missing.append(KeyspaceCensus.MissingNode(address: result.address, reason: result.failure ?? "no answer"))
                }
            }
        }
        if servers.isEmpty, let first = missing.first { throw RedisError(.connectionFailed, "\(first.address): \(first.reason)") }
        return (servers, missing)
    }

    /// How many slow log entries a reading asks for (`SLOWLOG GET`).
    static let slowLogReadLength = 128

    /// One pipeline for every view of one server.
    static func readHealth(of client: RedisClient, address: String, scope: HealthScope) async throws -> ServerHealth {
        let full = scope == .full
        var commands = [
            RESPCommand("SLOWLOG", ["GET", slowLogReadLength]),
            RESPCommand(
                "INFO", (full ? ["server", "commandstats", "latencystats", "cluster"] : []) + ["memory", "replication", "persistence", "stats"]),
        ]
        // The attention reading leaves out what its rules do not need: the clients, latency and advice.
        if full {
            commands += [
                RESPCommand("CLIENT", ["LIST"]), RESPCommand("CONFIG", ["GET", "latency-monitor-threshold"]), RESPCommand("LATENCY", ["LATEST"]),
                RESPCommand("MEMORY", ["DOCTOR"]),
            ]
        }
        let replies = try await client.send(commands)
        let infoView = view(replies[1], needs: "INFO", { reply -> HealthView<RedisInfo> in .value(RedisInfo(parsing: reply.bytes ?? [])) })
        var health = attentionHealth(slowLog: replies[0], info: infoView, address: address, withCommands: full)
        guard full else { return health }
        health.clients = view(replies[2], needs: "CLIENT") { .value(RedisClientInfo.parse(bytes: $0.bytes ?? [])) }
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
        if let info = infoView.value, hasCommandLog(info) {
            // Asked only of a server that has it: an unknown command would count in its error stats.
            let kinds = CommandLogKind.allCases
            let logs = try await client.send(kinds.map { RESPCommand("COMMANDLOG", ["GET", 128, $0.rawValue]) })
            // Our own reads (a big CLIENT LIST, the command log itself) are not the application's.
            health.largeRequests = view(logs[0], needs: "COMMANDLOG") {
                .value(LargeCommandEntry.parse($0, node: address).filter { !$0.isCachescopes })
            }
            health.largeReplies = view(logs[1], needs: "COMMANDLOG") {
                .value(LargeCommandEntry.parse($0, node: address).filter { !$0.isCachescopes })
            }
        }
        if let info = infoView.value, hasSlotStats(info) {
            health.hotSlots = try await hotSlots(on: client, address: address)
        }
        return health
    }

    /// What the attention rules read of one server, from its `SLOWLOG GET` reply and its `INFO` (with the
    /// memory, replication, persistence and stats sections; with commandstats too when `withCommands`).
    static func attentionHealth(slowLog: RESPValue, info infoView: HealthView<RedisInfo>, address: String, withCommands: Bool) -> ServerHealth {
        var health = ServerHealth(address: address)
        health.slowLog = view(slowLog, needs: "SLOWLOG") { .value(SlowLogEntry.parse($0, node: address)) }
        switch infoView {
        case .value(let info):
            if withCommands { health.commands = .value(CommandStat.parse(info)) }
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
        return health
    }

    /// How many of a master's hottest slots are read, per measure.
    static let hotSlotCount = 16

    /// A cluster master's hottest slots: by keys, and — where the server counts them — by CPU and by network
    /// out, merged (one `CLUSTER SLOT-STATS ORDERBY … LIMIT` each, never every slot).
    static func hotSlots(on client: RedisClient, address: String) async throws -> HealthView<[SlotStat]> {
        let byKeys = try await client.send([RESPCommand("CLUSTER", ["SLOT-STATS", "ORDERBY", "key-count", "LIMIT", hotSlotCount])])[0]
        if byKeys.errorMessage != nil { return view(byKeys, needs: "CLUSTER SLOT-STATS") { _ in .notApplicable } }
        let keys = SlotStat.parse(byKeys, node: address)
        // CPU and network are counted only with cluster-slot-stats-enabled: the key-count reply says whether.
        guard keys.contains(where: { $0.cpuMicroseconds != nil }) else { return .value(keys) }
        let more = try await client.send(
            ["cpu-usec", "network-bytes-out"].map { RESPCommand("CLUSTER", ["SLOT-STATS", "ORDERBY", $0, "LIMIT", hotSlotCount]) })
        return .value(SlotStat.hottest([keys] + more.map { SlotStat.parse($0, node: address) }))
    }

    /// Whether the server is a cluster master that counts per-slot load (Valkey ≥ 8.0, Redis ≥ 8.2).
    static func hasSlotStats(_ info: RedisInfo) -> Bool {
        guard info.fields["cluster_enabled"] == "1", info.fields["role"] == "master", let version = ServerVersion(info.serverVersion) else {
            return false
        }
        return info.isValkey ? version >= ServerVersion(8, 0) : version >= ServerVersion(8, 2)
    }

    /// Whether the server keeps a command log of large requests and replies (Valkey ≥ 8.1).
    static func hasCommandLog(_ info: RedisInfo) -> Bool {
        info.isValkey && (ServerVersion(info.serverVersion).map { $0 >= ServerVersion(8, 1) } ?? false)
    }

    /// A reply as a view: its figures, or a refusal naming the permission (`NOPERM`) or the server's words.
    private static func view<Value>(_ reply: RESPValue, needs command: String, _ read: (RESPValue) -> HealthView<Value>) -> HealthView<Value> {
        guard let message = reply.errorMessage else { return read(reply) }
        if message.hasPrefix("NOPERM") { return .refused("the user lacks the \(command) permission (\(message))") }
        return .refused("\(command) refused: \(message)")
    }
}

extension RedisSource: ClientControlSource {
    /// Closes one client of the server (or of a cluster's node) with `CLIENT KILL ID`, after reading it
    /// again (`CLIENT LIST ID`): one of cachescope's own connections is refused, a client gone meanwhile is
    /// reported as such.
    package func killClient(_ target: ClientToKill) async throws -> Bool {
        let (servers, isCluster) = try await everyServer()
        guard let server = servers.first(where: { $0.url.hostAndPort == target.node }) else {
            throw RedisError(.serverError, "\(target.node) is not a server of \(name)")
        }
        recordOwnCommands(2, on: target.node, isCluster: isCluster)
        let listed = try await server.send([RESPCommand("CLIENT", ["LIST", "ID", target.id])])[0]
        if let message = listed.errorMessage { throw RedisError.reply(message) }
        guard let now = RedisClientInfo.parse(bytes: listed.bytes ?? []).first(where: { $0.id == target.id }) else { return false }
        guard !now.isCachescope else {
            throw RedisError(.serverError, "client \(target.id) is one of cachescope's own connections (\(now.name ?? "")): not closed")
        }
        let reply = try await server.send([RESPCommand("CLIENT", ["KILL", "ID", target.id])])[0]
        if let message = reply.errorMessage { throw RedisError.reply(message) }
        return (reply.integer ?? 0) > 0
    }
}
