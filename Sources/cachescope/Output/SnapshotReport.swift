import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard

/// How `cachescope snapshot` prints a ``Snapshot``: one JSON object per backend, or a table.
enum SnapshotReport {
    /// The whole report: `{"takenAt"?, "backends": […], "totals": {…}}`.
    static func document(_ snapshot: Snapshot, withTime: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = withTime ? [("takenAt", .number(snapshot.takenAt))] : []
        fields.append(("backends", .array(snapshot.backends.map(json))))
        fields.append(("totals", totals(json: FleetTotals(snapshot.backends))))
        return .object(fields)
    }

    /// The backends summed (``FleetTotals``): the rates of those up, the hit ratio weighted by reads, the
    /// memory limits of those that have one (`null` when none has).
    static func totals(json totals: FleetTotals) -> JSONValue {
        .object([
            ("backends", .integer(Int64(totals.backends))), ("up", .integer(Int64(totals.up))), ("down", .integer(Int64(totals.down))),
            ("connecting", .integer(Int64(totals.connecting))),
            ("opsPerSec", .optional(totals.operationsPerSecond)), ("hitsPerSec", .number(totals.hitsPerSecond)),
            ("missesPerSec", .number(totals.missesPerSecond)), ("hitRatio", .optional(totals.hitRatio)),
            ("memoryBytes", .integer(Int64(clamping: totals.memoryBytes))), ("maxMemoryBytes", .optional(totals.maxMemoryBytes)),
            ("evictionsPerSec", .number(totals.evictionsPerSecond)), ("attention", .integer(Int64(totals.attention))),
        ])
    }

    static func json(_ backend: BackendSnapshot) -> JSONValue {
        let sample = backend.sample
        let rates = backend.rates
        let live = backend.status == .up
        var fields: [(String, JSONValue)] = [
            ("name", .string(backend.name)),
            ("type", .string(backend.kind.rawValue)),
            ("address", .string(backend.address)),
            ("tags", .array(backend.backend.tags.map { .string($0.name) })),
            ("tls", .optional(backend.backend.tls.summary)),
            ("status", .string(backend.status.rawValue)),
            ("error", .optional(backend.error)),
            ("hits", .optional(live ? rates?.hits : nil)),
            ("misses", .optional(live ? rates?.misses : nil)),
            ("hitRatio", .optional(live ? rates?.hitRatio : nil)),
            ("lifetimeHitRatio", .optional(live ? backend.lifetimeHitRatio : nil)),
            ("opsPerSec", .optional(live ? rates?.operationsPerSecond : nil)),
            ("hitsPerSec", .optional(live ? rates?.hitsPerSecond : nil)),
            ("missesPerSec", .optional(live ? rates?.missesPerSecond : nil)),
            ("totalHits", .optional(live ? sample?.totalHits : nil)),
            ("totalMisses", .optional(live ? sample?.totalMisses : nil)),
            ("keys", .optional(live ? sample?.keys : nil)),
            ("memoryBytes", .optional(live ? sample?.memoryBytes : nil)),
            ("maxMemoryBytes", .optional(live ? sample?.maxMemoryBytes : nil)),
            ("evictions", .optional(live ? rates?.evictions : nil)),
            ("evictionsPerSec", .optional(live ? rates?.evictionsPerSecond : nil)),
            ("expiredPerSec", .optional(live ? rates?.expiredPerSecond : nil)),
            ("latencyMs", .optional(live ? sample?.latency.map(milliseconds) : nil)),
            ("ownReads", live ? .object([("hits", .optional(sample?.ownReadHits)), ("misses", .optional(sample?.ownReadMisses))]) : .null),
            ("countersReset", .bool(rates?.countersReset ?? false)),
            ("uptimeSeconds", .optional(live ? sample?.uptimeSeconds : nil)),
            ("version", .optional(live ? sample?.version : nil)),
            ("flavor", .optional(live ? sample?.flavor?.rawValue : nil)),
            ("clients", .optional(live ? sample?.clients : nil)),
            ("attention", live ? backend.health.map { attention(json: $0.attention) } ?? .null : .null),
        ]
        if let servers = sample?.servers, !servers.isEmpty, live {
            // A cluster's nodes (with their role and slots) are `nodes`; a memcached pool's servers, `servers`.
            let isCluster = servers.contains { $0.role != nil }
            fields.append((isCluster ? "nodes" : "servers", .array(servers.map { server(json: $0, rates: rates?.servers[$0.address]) })))
        }
        return .object(fields)
    }

    /// What needs attention: `[{"rule","message","node"}]`.
    static func attention(json attention: [Attention]) -> JSONValue {
        .array(
            attention.map { item in
                var fields: [(String, JSONValue)] = [
                    ("rule", .string(item.rule.rawValue)), ("message", .string(item.message)), ("node", .optional(item.node)),
                ]
                if let eta = item.eta {
                    fields += [
                        ("etaSeconds", .number(eta.seconds.rounded())), ("etaLowSeconds", .number(eta.lowSeconds.rounded())),
                        ("etaHighSeconds", .optional(eta.highSeconds?.rounded())),
                    ]
                }
                return .object(fields)
            })
    }

    /// One server of a pool or node of a cluster: its counters, its own rates, and for a node its role,
    /// slots and health.
    static func server(json server: ServerReading, rates: ServerRates?) -> JSONValue {
        let up = server.up
        var fields: [(String, JSONValue)] = [("address", .string(server.address))]
        if let role = server.role {
            fields += [
                ("role", .string(role.rawValue)), ("slots", .optional(server.slots)), ("replicaOf", .optional(server.replicaOf)),
                ("health", .optional(server.health?.text)),
            ]
        }
        fields += [
            ("status", .string(up ? "up" : "down")), ("error", .optional(server.error)),
            ("totalHits", .optional(up ? server.hits : nil)), ("totalMisses", .optional(up ? server.misses : nil)),
            ("keys", .optional(up ? server.keys : nil)), ("memoryBytes", .optional(up ? server.memoryBytes : nil)),
            ("hitRatio", .optional(up ? rates?.hitRatio : nil)), ("opsPerSec", .optional(up ? rates?.operationsPerSecond : nil)),
            ("hitsPerSec", .optional(up ? rates?.hitsPerSecond : nil)), ("missesPerSec", .optional(up ? rates?.missesPerSecond : nil)),
            ("countsInTotals", .bool(server.countsInTotals)), ("version", .optional(server.version)),
            ("flavor", .optional(server.flavor?.rawValue)),
        ]
        return .object(fields)
    }

    static func table(_ snapshot: Snapshot) -> String {
        let header = ["BACKEND", "TYPE", "ADDRESS", "STATUS", "HIT%", "LIFE%", "OPS/S", "HITS/S", "MISS/S", "KEYS", "MEMORY", "EVICT/S", "LATENCY"]
        var rows = [header]
        var problems: [String] = []
        for backend in snapshot.backends {
            let live = backend.status == .up
            let rates = live ? backend.rates : nil
            let sample = live ? backend.sample : nil
            rows.append([
                backend.name, backend.kind.rawValue, backend.address, backend.status.rawValue,
                percent(rates?.hitRatio), percent(live ? backend.lifetimeHitRatio : nil),
                number(rates?.operationsPerSecond), number(rates?.hitsPerSecond), number(rates?.missesPerSecond),
                sample.map { String($0.keys) } ?? "—", memory(sample), number(rates?.evictionsPerSecond),
                sample?.latency.map { String(format: "%.1fms", milliseconds($0)) } ?? "—",
            ])
            // A cluster's nodes, each under its row: role and slots in the type column, its own rates.
            for server in sample?.servers ?? [] where server.role != nil {
                let own = server.up ? rates?.servers[server.address] : nil
                rows.append([
                    "  └", server.role == .master ? "\(server.slots ?? 0) slots" : "replica", server.address, server.up ? "up" : "down",
                    percent(own?.hitRatio), percent(server.up ? BackendRates.ratio(server.hits, server.misses) : nil),
                    number(own?.operationsPerSecond), number(own?.hitsPerSecond), number(own?.missesPerSecond),
                    server.up ? String(server.keys) : "—", server.up ? HumanUnits.size(Int(clamping: server.memoryBytes)) : "—", "—", "—",
                ])
            }
            if let error = backend.error { problems.append("\(backend.name): \(error)") }
            for server in backend.sample?.servers ?? [] where !server.up {
                problems.append("\(backend.name) \(server.address): \(server.error ?? "down")")
            }
            for line in live ? backend.health?.attention ?? [] : [] {
                problems.append("\(backend.name)\(line.node.map { " \($0)" } ?? ""): ⚠ \(line.rule.rawValue): \(line.message)")
            }
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            text += zip(row, widths).map { $0.0.rightPadded(to: $0.1) }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        if snapshot.backends.count > 1 { text += totalsLine(FleetTotals(snapshot.backends)) + "\n" }
        for problem in problems { text += problem + "\n" }
        return text
    }

    /// `total: 7 backends, 6 up, 1 down · 7400 ops/s · …`: the table's backends summed.
    static func totalsLine(_ totals: FleetTotals) -> String {
        var parts = [
            "\(totals.backends) backends, \(totals.up) up, \(totals.down) down" + (totals.connecting > 0 ? ", \(totals.connecting) connecting" : "")
        ]
        parts.append("\(number(totals.operationsPerSecond)) ops/s")
        parts.append("\(number(totals.hitsPerSecond)) hits/s")
        parts.append("\(number(totals.missesPerSecond)) miss/s")
        parts.append("hit \(percent(totals.hitRatio))")
        let used = HumanUnits.size(Int(clamping: totals.memoryBytes))
        parts.append("memory \(used)" + (totals.maxMemoryBytes.map { "/\(HumanUnits.size(Int(clamping: $0)))" } ?? ""))
        parts.append("\(number(totals.evictionsPerSecond)) evict/s")
        return "total: " + parts.joined(separator: " · ")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        duration.inSeconds * 1000
    }

    private static func percent(_ ratio: Double?) -> String {
        ratio.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    private static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    private static func memory(_ sample: SourceSample?) -> String {
        guard let bytes = sample?.memoryBytes else { return "—" }
        let used = HumanUnits.size(Int(clamping: bytes))
        return sample?.maxMemoryBytes.map { "\(used)/\(HumanUnits.size(Int(clamping: $0)))" } ?? used
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
