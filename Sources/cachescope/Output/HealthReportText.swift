import Basics
import CacheMonitor

/// How `cachescope health` prints server health: one JSON object, or text per node.
enum HealthReportText {
    static func json(backend: MonitoredBackend, nodes: [(ServerHealth, [Attention])], missing: [KeyspaceCensus.MissingNode]) -> JSONValue {
        .object([
            ("backend", .string(backend.name)),
            ("type", .string(backend.source.kind.rawValue)),
            ("nodes", .array(nodes.map { node($0.0, attention: $0.1) })),
            ("missingNodes", .array(missing.map { .object([("address", .string($0.address)), ("reason", .string($0.reason))]) })),
        ])
    }

    private static func node(_ health: ServerHealth, attention: [Attention]) -> JSONValue {
        var refused: [(String, JSONValue)] = []
        func view<Value>(_ name: String, _ view: HealthView<Value>, _ body: (Value) -> JSONValue) -> JSONValue {
            switch view {
            case .value(let value): return body(value)
            case .refused(let reason):
                refused.append((name, .string(reason)))
                return .null
            case .notApplicable: return .null
            }
        }
        let fields: [(String, JSONValue)] = [
            ("address", .string(health.address)),
            ("slowlog", view("slowlog", health.slowLog) { .array($0.map(slowLogEntry)) }),
            // Valkey ≥ 8.1's command log (the slow part is the slow log's entries); null where there is none.
            (
                "commandlog",
                health.largeRequests == .notApplicable && health.largeReplies == .notApplicable
                    ? .null
                    : .object([
                        ("slow", health.slowLog.value.map { .array($0.map(slowLogEntry)) } ?? .null),
                        ("largeRequest", view("commandlog.largeRequest", health.largeRequests) { .array($0.map(largeCommand)) }),
                        ("largeReply", view("commandlog.largeReply", health.largeReplies) { .array($0.map(largeCommand)) }),
                    ])
            ),
            (
                "hotSlots",
                view("hotSlots", health.hotSlots) {
                    .array(
                        $0.map {
                            .object([
                                ("slot", .integer(Int64($0.slot))), ("keys", .integer($0.keys)),
                                ("cpuUsec", .optional($0.cpuMicroseconds.map { Int($0) })),
                                ("networkBytesIn", .optional($0.networkBytesIn.map { Int($0) })),
                                ("networkBytesOut", .optional($0.networkBytesOut.map { Int($0) })),
                            ])
                        })
                }
            ),
            ("commands", view("commands", health.commands) { .array($0.map(command)) }),
            ("clients", view("clients", health.clients) { .array($0.map(client)) }),
            ("memory", view("memory", health.memory, memory)),
            ("replication", view("replication", health.replication, replication)),
            ("persistence", view("persistence", health.persistence, persistence)),
            ("latencyEvents", view("latencyEvents", health.latencyEvents) { .array($0.map(latency)) }),
            ("slabs", view("slabs", health.slabs) { .array($0.map(slab)) }),
            ("settings", view("settings", health.settings) { .object($0.map { ($0.name, .string($0.value)) }) }),
            ("connections", view("connections", health.connections) { .array($0.map(connection)) }),
            ("rejectedConnections", .optional(health.rejectedConnections.map { Int($0) })),
            ("attention", .array(attention.map { .object([("rule", .string($0.rule.rawValue)), ("message", .string($0.message))]) })),
        ]
        return .object(fields + [("refused", .object(refused))])
    }

    private static func largeCommand(_ entry: LargeCommandEntry) -> JSONValue {
        .object([
            ("id", .integer(entry.id)), ("time", .integer(entry.time)), ("bytes", .integer(entry.bytes)), ("command", .string(entry.commandText())),
            ("client", .optional(entry.clientText)),
        ])
    }

    private static func slowLogEntry(_ entry: SlowLogEntry) -> JSONValue {
        .object([
            ("id", .integer(entry.id)), ("time", .integer(entry.time)), ("durationUs", .integer(entry.durationMicroseconds)),
            ("command", .string(entry.commandText())),
            ("client", .optional(entry.clientText)),
        ])
    }

    private static func command(_ stat: CommandStat) -> JSONValue {
        .object([
            ("command", .string(stat.command)), ("calls", .integer(stat.calls)), ("usecPerCall", .number(stat.microsecondsPerCall)),
            ("p50Us", .optional(stat.p50)), ("p99Us", .optional(stat.p99)), ("p999Us", .optional(stat.p999)),
            ("failed", .optional(stat.failedCalls.map { Int($0) })), ("rejected", .optional(stat.rejectedCalls.map { Int($0) })),
        ])
    }

    private static func client(_ client: RedisClientInfo) -> JSONValue {
        .object([
            ("id", .integer(client.id)), ("name", .optional(client.name)), ("address", .string(client.address)),
            ("ageS", .integer(client.ageSeconds)), ("idleS", .integer(client.idleSeconds)), ("db", .integer(Int64(client.database))),
            ("command", .optional(client.command)), ("queryBufferBytes", .integer(client.queryBufferBytes)),
            ("outputMemoryBytes", .integer(client.outputMemoryBytes)), ("totalMemoryBytes", .optional(client.totalMemoryBytes.map { Int($0) })),
            ("flags", .string(client.flags)),
        ])
    }

    private static func memory(_ memory: MemoryHealth) -> JSONValue {
        .object([
            ("usedBytes", .integer(memory.usedBytes)), ("rssBytes", .optional(memory.rssBytes.map { Int($0) })),
            ("fragmentationRatio", .optional(memory.fragmentationRatio)),
            ("fragmentationBytes", .optional(memory.fragmentationBytes.map { Int($0) })),
            ("peakBytes", .optional(memory.peakBytes.map { Int($0) })), ("maxmemoryBytes", .optional(memory.maxmemoryBytes.map { Int($0) })),
            ("policy", .optional(memory.policy)), ("datasetBytes", .optional(memory.datasetBytes.map { Int($0) })),
            ("overheadBytes", .optional(memory.overheadBytes.map { Int($0) })), ("doctor", .optional(memory.doctor)),
        ])
    }

    private static func replication(_ replication: ReplicationHealth) -> JSONValue {
        .object([
            ("role", .string(replication.role)), ("masterAddress", .optional(replication.masterAddress)),
            ("linkUp", replication.linkUp.map { .bool($0) } ?? .null),
            (
                "replicas",
                .array(
                    replication.replicas.map {
                        .object([
                            ("address", .string($0.address)), ("offset", .integer($0.offset)), ("lagS", .optional($0.lagSeconds.map { Int($0) })),
                            ("state", .string($0.state)),
                        ])
                    })
            ),
        ])
    }

    private static func persistence(_ persistence: PersistenceHealth) -> JSONValue {
        .object([
            ("rdbLastSaveTime", .optional(persistence.rdbLastSaveTime.map { Int($0) })), ("rdbLastStatus", .optional(persistence.rdbLastStatus)),
            ("aofEnabled", .bool(persistence.aofEnabled)), ("aofLastStatus", .optional(persistence.aofLastStatus)),
            ("lastForkUs", .optional(persistence.lastForkMicroseconds.map { Int($0) })),
        ])
    }

    private static func latency(_ event: LatencyEvent) -> JSONValue {
        .object([
            ("event", .string(event.event)), ("time", .integer(event.time)), ("latestMs", .integer(event.latestMilliseconds)),
            ("maxMs", .integer(event.maxMilliseconds)),
        ])
    }

    private static func connection(_ connection: MemcachedConnectionInfo) -> JSONValue {
        .object([
            ("descriptor", .integer(Int64(connection.descriptor))), ("address", .string(connection.address)),
            ("listenAddress", .optional(connection.listenAddress)), ("state", .string(connection.state)),
            ("idleS", .integer(connection.idleSeconds)),
        ])
    }

    private static func slab(_ slab: SlabClass) -> JSONValue {
        .object([
            ("class", .integer(Int64(slab.id))), ("chunkSize", .integer(Int64(slab.chunkSize))), ("items", .integer(Int64(slab.items))),
            ("usedChunks", .integer(Int64(slab.usedChunks))), ("totalChunks", .integer(Int64(slab.totalChunks))),
            ("wasteBytes", .optional(slab.wasteBytes)),
            ("evicted", .integer(Int64(slab.evicted))), ("evictedUnfetched", .integer(Int64(slab.evictedUnfetched))),
            ("expiredUnfetched", .integer(Int64(slab.expiredUnfetched))), ("oldestItemAgeS", .integer(Int64(slab.oldestItemAgeSeconds))),
            ("outOfMemory", .integer(Int64(slab.outOfMemory))),
        ])
    }

    /// Text: per node its attention lines, then each view in a few lines or a table.
    static func table(backend: MonitoredBackend, nodes: [(ServerHealth, [Attention])], missing: [KeyspaceCensus.MissingNode]) -> String {
        var text = "\(backend.name) (\(backend.address)): \(nodes.count) \(nodes.count == 1 ? "server" : "servers")\n"
        for node in missing { text += "missing \(node.address): \(node.reason)\n" }
        for (health, attention) in nodes {
            text += "\n== \(health.address)\n"
            for line in attention { text += "⚠ \(line.rule.rawValue): \(line.message)\n" }
            if let memory = health.memory.value {
                text += "memory: \(HumanUnits.size(Int(memory.usedBytes))) used"
                if let rss = memory.rssBytes { text += ", RSS \(HumanUnits.size(Int(rss)))" }
                if let ratio = memory.fragmentationRatio { text += ", fragmentation \(HumanUnits.oneDecimal(ratio))×" }
                if let limit = memory.maxmemoryBytes { text += ", maxmemory \(HumanUnits.size(Int(limit)))" }
                if let policy = memory.policy { text += ", policy \(policy)" }
                text += "\n"
            }
            if let replication = health.replication.value {
                text += "replication: \(replication.role)"
                if let master = replication.masterAddress { text += " of \(master), link \(replication.linkUp == true ? "up" : "down")" }
                for replica in replication.replicas {
                    text += "; replica \(replica.address) \(replica.state), lag \(replica.lagSeconds.map { "\($0) s" } ?? "?")"
                }
                text += "\n"
            }
            if let persistence = health.persistence.value {
                text +=
                    "persistence: last RDB save \(persistence.rdbLastStatus ?? "?"), AOF \(persistence.aofEnabled ? (persistence.aofLastStatus ?? "?") : "off")\n"
            }
            if let commands = health.commands.value, !commands.isEmpty {
                var rows = [["COMMAND", "CALLS", "µs/CALL", "p50 µs", "p99 µs", "p99.9 µs", "FAILED", "REJECTED"]]
                for stat in commands.prefix(10) {
                    rows.append([
                        stat.command, HumanUnits.count(Int(stat.calls)), HumanUnits.oneDecimal(stat.microsecondsPerCall),
                        stat.p50.map(HumanUnits.oneDecimal) ?? "-", stat.p99.map(HumanUnits.oneDecimal) ?? "-",
                        stat.p999.map(HumanUnits.oneDecimal) ?? "-",
                        stat.failedCalls.map { HumanUnits.count(Int($0)) } ?? "-", stat.rejectedCalls.map { HumanUnits.count(Int($0)) } ?? "-",
                    ])
                }
                text += "\n" + AnalyzeReport.aligned(rows, rightFrom: 1)
            }
            if let slow = health.slowLog.value, !slow.isEmpty {
                var rows = [["SLOW", "WHEN", "DURATION", "CLIENT", "COMMAND"]]
                for entry in slow.prefix(10) {
                    rows.append([
                        String(entry.id), String(entry.time), DurationText.latency(.microseconds(entry.durationMicroseconds)),
                        entry.clientAddress ?? "-",
                        String(entry.commandText().prefix(60)),
                    ])
                }
                text += "\n" + AnalyzeReport.aligned(rows, rightFrom: 1)
            }
            for (title, view) in [("LARGE REQUEST", health.largeRequests), ("LARGE REPLY", health.largeReplies)] {
                guard let entries = view.value, !entries.isEmpty else { continue }
                var rows = [[title, "WHEN", "SIZE", "CLIENT", "COMMAND"]]
                for entry in entries.prefix(10) {
                    rows.append([
                        String(entry.id), String(entry.time), HumanUnits.size(Int(clamping: entry.bytes)), entry.clientAddress ?? "-",
                        String(entry.commandText().prefix(60)),
                    ])
                }
                text += "\n" + AnalyzeReport.aligned(rows, rightFrom: 1)
            }
            if let clients = health.clients.value, !clients.isEmpty {
                var rows = [["CLIENT", "NAME", "ADDRESS", "AGE", "IDLE", "DB", "COMMAND", "MEMORY", "FLAGS"]]
                for client in clients.sorted(by: { ($0.totalMemoryBytes ?? 0) > ($1.totalMemoryBytes ?? 0) }).prefix(10) {
                    rows.append([
                        String(client.id), client.name ?? "-", client.address, "\(client.ageSeconds)s", "\(client.idleSeconds)s",
                        String(client.database),
                        client.command ?? "-", HumanUnits.size(client.totalMemoryBytes.map { Int($0) }), client.flags,
                    ])
                }
                text += "\n" + AnalyzeReport.aligned(rows, rightFrom: 0)
            }
            if let slabs = health.slabs.value, !slabs.isEmpty {
                var rows = [["CLASS", "CHUNK", "ITEMS", "USED", "TOTAL", "WASTE", "EVICTED", "EVICTED UNREAD", "EXPIRED UNREAD", "OLDEST", "OOM"]]
                for slab in slabs {
                    rows.append([
                        String(slab.id), HumanUnits.size(slab.chunkSize), HumanUnits.count(slab.items), HumanUnits.count(slab.usedChunks),
                        HumanUnits.count(slab.totalChunks), HumanUnits.size(slab.wasteBytes), HumanUnits.count(slab.evicted),
                        HumanUnits.count(slab.evictedUnfetched), HumanUnits.count(slab.expiredUnfetched), "\(slab.oldestItemAgeSeconds)s",
                        HumanUnits.count(slab.outOfMemory),
                    ])
                }
                text += "\n" + AnalyzeReport.aligned(rows, rightFrom: 0)
            }
            for (name, reason) in refusals(health) { text += "\(name): \(reason)\n" }
        }
        return text
    }

    /// The views refused, and why.
    private static func refusals(_ health: ServerHealth) -> [(String, String)] {
        var out: [(String, String)] = []
        func note<Value>(_ name: String, _ view: HealthView<Value>) { if case .refused(let reason) = view { out.append((name, reason)) } }
        note("slow log", health.slowLog)
        note("large requests", health.largeRequests)
        note("large replies", health.largeReplies)
        note("hot slots", health.hotSlots)
        note("commands", health.commands)
        note("clients", health.clients)
        note("memory", health.memory)
        note("replication", health.replication)
        note("persistence", health.persistence)
        note("latency events", health.latencyEvents)
        note("slabs", health.slabs)
        note("settings", health.settings)
        note("connections", health.connections)
        return out
    }
}
