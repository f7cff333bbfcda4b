import CacheMonitor

/// The rows of each health tab, from the backend's health — for the screen (which draws them) and the
/// reducer (which moves over them and knows the client under the selection). With `node == nil` every
/// server's rows are merged, each with its server.
package enum HealthRows {
    /// One command's figures, on one server or summed over all (percentiles then the worst server's).
    package struct Command: Sendable, Hashable {
        package var stat: CommandStat
        /// Calls per second without the monitor's own; `nil` until two full readings.
        package var perSecond: Double?
    }

    package static func slowLog(_ health: BackendHealth, node: String?) -> [SlowLogEntry] {
        health.slowLog.entries.filter { node == nil || $0.node == node }
    }

    /// The command log's large requests or replies of every server shown, newest first.
    package static func largeCommands(_ kind: CommandLogKind, _ health: BackendHealth, node: String?) -> [LargeCommandEntry] {
        let entries = health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (kind == .largeRequest ? server.largeRequests : server.largeReplies).value ?? []
        }
        return entries.sorted { ($0.time, $0.id) > ($1.time, $1.id) }
    }

    /// The hottest slots of the masters shown, by CPU then keys.
    package static func hotSlots(_ health: BackendHealth, node: String?) -> [SlotStat] {
        SlotStat.hottest(health.servers.filter { node == nil || $0.address == node }.map { $0.hotSlots.value ?? [] })
    }

    package static func commands(_ health: BackendHealth, node: String?, sort: HealthState.CommandSort) -> [Command] {
        var merged: [String: Command] = [:]
        for server in health.servers where node == nil || server.address == node {
            let rates = health.callsPerSecond[server.address]
            for stat in server.commands.value ?? [] {
                let rate = rates?[stat.command]
                guard var row = merged[stat.command] else {
                    merged[stat.command] = Command(stat: stat, perSecond: rate)
                    continue
                }
                row.stat.calls += stat.calls
                row.stat.microseconds += stat.microseconds
                row.stat.microsecondsPerCall = row.stat.calls > 0 ? Double(row.stat.microseconds) / Double(row.stat.calls) : 0
                row.stat.failedCalls = sum(row.stat.failedCalls, stat.failedCalls)
                row.stat.rejectedCalls = sum(row.stat.rejectedCalls, stat.rejectedCalls)
                row.stat.p50 = worst(row.stat.p50, stat.p50)
                row.stat.p99 = worst(row.stat.p99, stat.p99)
                row.stat.p999 = worst(row.stat.p999, stat.p999)
                row.perSecond = rate.map { $0 + (row.perSecond ?? 0) } ?? row.perSecond
                merged[stat.command] = row
            }
        }
        return merged.values.sorted { first, second in
            let a: Double
            let b: Double
            switch sort {
            case .callsPerSecond: (a, b) = (first.perSecond ?? -1, second.perSecond ?? -1)
            case .calls: (a, b) = (Double(first.stat.calls), Double(second.stat.calls))
            case .usecPerCall: (a, b) = (first.stat.microsecondsPerCall, second.stat.microsecondsPerCall)
            case .p99: (a, b) = (first.stat.p99 ?? -1, second.stat.p99 ?? -1)
            case .failed: (a, b) = (Double(first.stat.failedCalls ?? 0), Double(second.stat.failedCalls ?? 0))
            }
            if a != b { return a > b }
            if first.stat.calls != second.stat.calls { return first.stat.calls > second.stat.calls }
            return first.stat.command < second.stat.command
        }
    }

    package static func clients(_ health: BackendHealth, node: String?, sort: HealthState.ClientSort) -> [(node: String, client: RedisClientInfo)] {
        let rows = health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (server.clients.value ?? []).map { (node: server.address, client: $0) }
        }
        return rows.sorted { first, second in
            let a = first.client
            let b = second.client
            let (x, y): (Int64, Int64) =
                switch sort {
                case .memory: (memory(a), memory(b))
                case .idle: (a.idleSeconds, b.idleSeconds)
                case .age: (a.ageSeconds, b.ageSeconds)
                }
            return x != y ? x > y : (first.node, a.id) < (second.node, b.id)
        }
    }

    /// What a client holds: `tot-mem` where the server says, else its buffers.
    package static func memory(_ client: RedisClientInfo) -> Int64 {
        client.totalMemoryBytes ?? client.queryBufferBytes + client.outputMemoryBytes
    }

    package static func latency(_ health: BackendHealth, node: String?) -> [(node: String, event: LatencyEvent)] {
        health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (server.latencyEvents.value ?? []).map { (node: server.address, event: $0) }
        }
    }

    package static func slabs(_ health: BackendHealth, node: String?) -> [(node: String, slab: SlabClass)] {
        health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (server.slabs.value ?? []).map { (node: server.address, slab: $0) }
        }
    }

    package static func settings(_ health: BackendHealth, node: String?) -> [(node: String, setting: ServerHealth.Setting)] {
        health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (server.settings.value ?? []).map { (node: server.address, setting: $0) }
        }
    }

    package static func connections(_ health: BackendHealth, node: String?) -> [(node: String, connection: MemcachedConnectionInfo)] {
        health.servers.filter { node == nil || $0.address == node }.flatMap { server in
            (server.connections.value ?? []).map { (node: server.address, connection: $0) }
        }
    }

    /// The servers shown on the memory and replication tabs.
    package static func servers(_ health: BackendHealth, node: String?) -> [ServerHealth] {
        health.servers.filter { node == nil || $0.address == node }
    }

    /// How many rows `tab` lists.
    package static func count(_ tab: HealthTab, _ health: BackendHealth, _ state: HealthState) -> Int {
        switch tab {
        case .slowLog: slowLog(health, node: state.node).count
        case .largeRequests: largeCommands(.largeRequest, health, node: state.node).count
        case .largeReplies: largeCommands(.largeReply, health, node: state.node).count
        case .hotSlots: hotSlots(health, node: state.node).count
        case .commands: commands(health, node: state.node, sort: state.commandSort).count
        case .latency: latency(health, node: state.node).count
        case .clients: clients(health, node: state.node, sort: state.clientSort).count
        case .memory, .replication: servers(health, node: state.node).count
        case .slabs: slabs(health, node: state.node).count
        case .settings: settings(health, node: state.node).count
        case .connections: connections(health, node: state.node).count
        }
    }

    private static func sum(_ a: Int64?, _ b: Int64?) -> Int64? {
        a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0)
    }

    private static func worst(_ a: Double?, _ b: Double?) -> Double? {
        switch (a, b) {
        case (let a?, let b?): max(a, b)
        default: a ?? b
        }
    }
}
