import Basics
import CacheMonitor

/// Each health tab as a table: columns, rows of cells, what to say when it is empty, and notes under it
/// (a refused view, the advice of `MEMORY DOCTOR`).
enum HealthTables {
    struct Content {
        var columns: [TableColumn]
        var rows: [[TableCell]]
        var empty: String?
        var notes: [(String, StyleRole)] = []
    }

    static func table(_ screen: HealthState, _ health: BackendHealth, merged: Bool, state: AppState) -> Content {
        var content: Content
        switch screen.tab {
        case .slowLog: content = slowLog(screen, health, merged: merged, state: state)
        case .largeRequests: content = largeCommands(.largeRequest, screen, health, merged: merged, state: state)
        case .largeReplies: content = largeCommands(.largeReply, screen, health, merged: merged, state: state)
        case .hotSlots: content = hotSlots(screen, health, merged: merged)
        case .commands: content = commands(screen, health, merged: merged)
        case .latency: content = latency(screen, health, merged: merged, state: state)
        case .clients: content = clients(screen, health, merged: merged)
        case .memory: content = memory(screen, health)
        case .replication: content = replication(screen, health, state: state)
        case .slabs: content = slabs(screen, health, merged: merged)
        case .settings: content = settings(screen, health, merged: merged)
        case .connections: content = connections(screen, health, merged: merged)
        }
        for server in HealthRows.servers(health, node: screen.node) {
            if let reason = refusal(screen.tab, server) { content.notes.append(("\(server.address): \(reason)", .warning)) }
        }
        for missing in health.missing where screen.node == nil || screen.node == missing.address {
            content.notes.append(("missing \(missing.address): \(missing.reason)", .error))
        }
        return content
    }

    /// Why a tab's view was refused on `server`, in its own words.
    private static func refusal(_ tab: HealthTab, _ server: ServerHealth) -> String? {
        func reason<Value>(_ view: HealthView<Value>) -> String? {
            if case .refused(let why) = view { return why }
            return nil
        }
        switch tab {
        case .slowLog: return reason(server.slowLog)
        case .largeRequests: return reason(server.largeRequests)
        case .largeReplies: return reason(server.largeReplies)
        case .hotSlots: return reason(server.hotSlots)
        case .commands: return reason(server.commands)
        case .latency: return reason(server.latencyEvents)
        case .clients: return reason(server.clients)
        case .memory: return reason(server.memory)
        case .replication: return reason(server.replication) ?? reason(server.persistence)
        case .slabs: return reason(server.slabs)
        case .settings: return reason(server.settings)
        case .connections: return reason(server.connections)
        }
    }

    private static func nodeColumn(_ merged: Bool) -> [TableColumn] {
        merged ? [TableColumn("node", minWidth: 21, maxWidth: 21, priority: 60)] : []
    }

    /// The command log's large requests or replies: when, how big, the command, the client.
    private static func largeCommands(
        _ kind: CommandLogKind, _ screen: HealthState, _ health: BackendHealth, merged: Bool, state: AppState
    ) -> Content {
        let entries = HealthRows.largeCommands(kind, health, node: screen.node)
        let setting = kind == .largeRequest ? "commandlog-request-larger-than" : "commandlog-reply-larger-than"
        return loggedCommands(
            entries.map { ($0, HumanUnits.size(Int(clamping: $0.bytes))) }, measure: "size", merged: merged, state: state,
            empty: "no \(kind == .largeRequest ? "large requests" : "large replies") logged (\(setting) decides what is large)")
    }

    private static func slowLog(_ screen: HealthState, _ health: BackendHealth, merged: Bool, state: AppState) -> Content {
        let entries = HealthRows.slowLog(health, node: screen.node)
        return loggedCommands(
            entries.map { ($0, DurationText.latency(.microseconds($0.durationMicroseconds))) }, measure: "duration", merged: merged,
            state: state, empty: "no slow commands logged (slowlog-log-slower-than decides what is slow)")
    }

    /// The hottest slots: keys, and CPU and network where the servers count them (`cluster-slot-stats-enabled`).
    private static func hotSlots(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("slot", minWidth: 5, maxWidth: 6, alignment: .right, priority: 100),
                TableColumn("keys", minWidth: 8, maxWidth: 10, alignment: .right, priority: 95),
                TableColumn("cpu", minWidth: 8, maxWidth: 10, alignment: .right, priority: 90),
                TableColumn("net in", minWidth: 8, maxWidth: 10, alignment: .right, priority: 80),
                TableColumn("net out", minWidth: 8, maxWidth: 10, alignment: .right, priority: 80),
            ]
        let slots = HealthRows.hotSlots(health, node: screen.node)
        let rows = slots.map { slot -> [TableCell] in
            let cells = [
                TableCell(String(slot.slot)), TableCell(HumanUnits.count(Int(clamping: slot.keys))),
                TableCell(slot.cpuMicroseconds.map { DurationText.latency(.microseconds($0)) } ?? "—", role: .dim),
                TableCell(slot.networkBytesIn.map { HumanUnits.size(Int(clamping: $0)) } ?? "—", role: .dim),
                TableCell(slot.networkBytesOut.map { HumanUnits.size(Int(clamping: $0)) } ?? "—", role: .dim),
            ]
            return (merged ? [TableCell(slot.node ?? "—", role: .dim)] : []) + cells
        }
        var content = Content(columns: columns, rows: rows, empty: "no slot holds keys")
        if !slots.isEmpty, !slots.contains(where: { $0.cpuMicroseconds != nil }) {
            content.notes.append(("CPU and network per slot need cluster-slot-stats-enabled yes (a server setting)", .dim))
        }
        return content
    }

    /// A log of commands (the slow log, the command log): id, when, the measure, the command, the client;
    /// entries of the last minute — what the slowlog rule counts — stand out.
    private static func loggedCommands<Entry: LoggedCommandRow>(
        _ entries: [(entry: Entry, measure: String)], measure: String, merged: Bool, state: AppState, empty: String
    ) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("id", minWidth: 4, maxWidth: 8, alignment: .right, priority: 40),
                TableColumn("when", minWidth: 10, maxWidth: 10, alignment: .right, priority: 90),
                TableColumn(measure, minWidth: 8, maxWidth: 9, alignment: .right, priority: 95),
                TableColumn("command", minWidth: 16, weight: 3, priority: 100),
                TableColumn("client", minWidth: 12, maxWidth: 36, weight: 1, priority: 50),
            ]
        let rows = entries.map { entry, measure -> [TableCell] in
            let fresh = state.unixTime > 0 && entry.time >= state.unixTime - Int64(HealthTracker.window)
            let ago = state.unixTime > 0 ? Self.ago(state.unixTime - entry.time) : String(entry.time)
            let cells = [
                TableCell(String(entry.id), role: .dim), TableCell(ago, role: fresh ? .warning : .dim),
                TableCell(measure, role: fresh ? .warning : .text),
                TableCell(entry.commandText(asciiOnly: state.asciiOnly), role: fresh ? .warning : .text),
                TableCell(entry.clientText ?? "—", role: .dim),
            ]
            return (merged ? [TableCell(entry.node ?? "—", role: .dim)] : []) + cells
        }
        return Content(columns: columns, rows: rows, empty: empty)
    }

    private static func commands(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let sorted = screen.commandSort
        func title(_ text: String, _ sort: HealthState.CommandSort) -> String { sorted == sort ? text + "▼" : text }
        let columns = [
            TableColumn("command", minWidth: 12, weight: 1, priority: 100),
            TableColumn(title("calls/s", .callsPerSecond), minWidth: 8, maxWidth: 9, alignment: .right, priority: 95),
            TableColumn(title("calls", .calls), minWidth: 8, maxWidth: 13, alignment: .right, priority: 80),
            TableColumn(title("µs/call", .usecPerCall), minWidth: 8, maxWidth: 9, alignment: .right, priority: 90),
            TableColumn("p50 µs", minWidth: 8, maxWidth: 9, alignment: .right, priority: 60),
            TableColumn(title("p99 µs", .p99), minWidth: 8, maxWidth: 9, alignment: .right, priority: 85),
            TableColumn("p99.9 µs", minWidth: 8, maxWidth: 9, alignment: .right, priority: 50),
            TableColumn(title("failed", .failed), minWidth: 7, maxWidth: 9, alignment: .right, priority: 70),
            TableColumn("rejected", minWidth: 8, maxWidth: 9, alignment: .right, priority: 65),
        ]
        let rows = HealthRows.commands(health, node: screen.node, sort: sorted).map { row -> [TableCell] in
            let stat = row.stat
            let failed = stat.failedCalls ?? 0
            let rejected = stat.rejectedCalls ?? 0
            return [
                TableCell(stat.command), TableCell(row.perSecond.map { HumanUnits.rate($0) } ?? "—", role: row.perSecond == nil ? .dim : .accent),
                TableCell(HumanUnits.count(Int(stat.calls)), role: .dim), TableCell(HumanUnits.oneDecimal(stat.microsecondsPerCall)),
                TableCell(stat.p50.map(HumanUnits.oneDecimal) ?? "—", role: .dim), TableCell(stat.p99.map(HumanUnits.oneDecimal) ?? "—"),
                TableCell(stat.p999.map(HumanUnits.oneDecimal) ?? "—", role: .dim),
                TableCell(stat.failedCalls.map { HumanUnits.count(Int($0)) } ?? "—", role: failed > 0 ? .warning : .dim),
                TableCell(stat.rejectedCalls.map { HumanUnits.count(Int($0)) } ?? "—", role: rejected > 0 ? .warning : .dim),
            ]
        }
        var content = Content(columns: columns, rows: rows, empty: "no commands counted yet")
        content.notes.append(
            ("calls/s leave out cachescope's own commands; calls are the server's totals" + (merged ? "; percentiles the worst server's" : ""), .dim))
        return content
    }

    private static func latency(_ screen: HealthState, _ health: BackendHealth, merged: Bool, state: AppState) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("event", minWidth: 14, weight: 1, priority: 100),
                TableColumn("latest", minWidth: 8, maxWidth: 9, alignment: .right, priority: 95),
                TableColumn("max", minWidth: 8, maxWidth: 9, alignment: .right, priority: 90),
                TableColumn("when", minWidth: 8, maxWidth: 10, alignment: .right, priority: 80),
            ]
        let rows = HealthRows.latency(health, node: screen.node).map { row -> [TableCell] in
            let ago = state.unixTime > 0 ? Self.ago(state.unixTime - row.event.time) : String(row.event.time)
            return (merged ? [TableCell(row.node, role: .dim)] : []) + [
                TableCell(row.event.event), TableCell("\(row.event.latestMilliseconds)ms", role: .warning),
                TableCell("\(row.event.maxMilliseconds)ms"), TableCell(ago, role: .dim),
            ]
        }
        return Content(columns: columns, rows: rows, empty: "no latency spikes recorded above latency-monitor-threshold")
    }

    private static func clients(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let sorted = screen.clientSort
        func title(_ text: String, _ sort: HealthState.ClientSort) -> String { sorted == sort ? text + "▼" : text }
        let columns =
            nodeColumn(merged) + [
                TableColumn("id", minWidth: 5, maxWidth: 8, alignment: .right, priority: 90),
                TableColumn("name", minWidth: 8, maxWidth: 20, weight: 1, priority: 95),
                TableColumn("library", minWidth: 8, maxWidth: 16, priority: 30),
                TableColumn("address", minWidth: 15, maxWidth: 22, priority: 85),
                TableColumn(title("age", .age), minWidth: 6, maxWidth: 7, alignment: .right, priority: 70),
                TableColumn(title("idle", .idle), minWidth: 6, maxWidth: 7, alignment: .right, priority: 80),
                TableColumn("db", minWidth: 2, maxWidth: 3, alignment: .right, priority: 20),
                TableColumn("command", minWidth: 8, maxWidth: 18, priority: 75),
                TableColumn("qbuf", minWidth: 6, maxWidth: 7, alignment: .right, priority: 40),
                TableColumn("omem", minWidth: 6, maxWidth: 7, alignment: .right, priority: 45),
                TableColumn(title("memory", .memory), minWidth: 7, maxWidth: 8, alignment: .right, priority: 88),
                TableColumn("flags", minWidth: 5, maxWidth: 6, priority: 50),
            ]
        let rows = HealthRows.clients(health, node: screen.node, sort: sorted).map { row -> [TableCell] in
            let client = row.client
            let own = client.isCachescope
            return (merged ? [TableCell(row.node, role: .dim)] : []) + [
                TableCell(String(client.id), role: .dim), TableCell(client.name ?? "—", role: own ? .dim : .accent),
                TableCell(client.library ?? "—", role: .dim), TableCell(client.address),
                TableCell(seconds(client.ageSeconds), role: .dim), TableCell(seconds(client.idleSeconds)),
                TableCell(String(client.database), role: .dim),
                TableCell(client.command ?? "—", role: .dim), TableCell(HumanUnits.size(Int(client.queryBufferBytes)), role: .dim),
                TableCell(HumanUnits.size(Int(client.outputMemoryBytes)), role: client.outputMemoryBytes > 1 << 20 ? .warning : .dim),
                TableCell(HumanUnits.size(Int(HealthRows.memory(client)))), TableCell(client.flags, role: .dim),
            ]
        }
        var content = Content(columns: columns, rows: rows, empty: "no clients listed")
        content.notes.append(("names starting with cachescope are this monitor's own connections (never closed from here)", .dim))
        return content
    }

    private static func memory(_ screen: HealthState, _ health: BackendHealth) -> Content {
        let columns = [
            TableColumn("server", minWidth: 12, maxWidth: 22, weight: 1, priority: 100),
            TableColumn("used", minWidth: 7, maxWidth: 8, alignment: .right, priority: 95),
            TableColumn("RSS", minWidth: 7, maxWidth: 8, alignment: .right, priority: 80),
            TableColumn("frag", minWidth: 5, maxWidth: 6, alignment: .right, priority: 90),
            TableColumn("frag bytes", minWidth: 10, maxWidth: 10, alignment: .right, priority: 70),
            TableColumn("peak", minWidth: 7, maxWidth: 8, alignment: .right, priority: 50),
            TableColumn("dataset", minWidth: 7, maxWidth: 8, alignment: .right, priority: 60),
            TableColumn("overhead", minWidth: 8, maxWidth: 8, alignment: .right, priority: 40),
            TableColumn("maxmemory", minWidth: 9, maxWidth: 9, alignment: .right, priority: 85),
            TableColumn("policy", minWidth: 15, maxWidth: 16, priority: 75),
        ]
        func size(_ bytes: Int64?) -> String { bytes.map { HumanUnits.size(Int($0)) } ?? "—" }
        var notes: [(String, StyleRole)] = []
        let servers = HealthRows.servers(health, node: screen.node)
        let rows = servers.compactMap { server -> [TableCell]? in
            guard let memory = server.memory.value else { return nil }
            if let doctor = memory.doctor, servers.count == 1 || screen.node != nil {
                notes.append(("MEMORY DOCTOR:", .accent))
                for line in doctor.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: " ").isEmpty {
                    notes.append(("  " + line.trimmingCharacters(in: " "), .dim))
                }
            }
            let ratio = memory.fragmentationRatio
            return [
                TableCell(server.address), TableCell(size(memory.usedBytes)), TableCell(size(memory.rssBytes), role: .dim),
                TableCell(ratio.map(HumanUnits.oneDecimal) ?? "—", role: (ratio ?? 1) > 1.5 ? .warning : .text),
                TableCell(size(memory.fragmentationBytes), role: .dim), TableCell(size(memory.peakBytes), role: .dim),
                TableCell(size(memory.datasetBytes), role: .dim), TableCell(size(memory.overheadBytes), role: .dim),
                TableCell(memory.maxmemoryBytes.map { $0 > 0 ? HumanUnits.size(Int($0)) : "none" } ?? "none", role: .dim),
                TableCell(memory.policy ?? "—"),
            ]
        }
        return Content(columns: columns, rows: rows, empty: "no memory figures", notes: notes)
    }

    private static func replication(_ screen: HealthState, _ health: BackendHealth, state: AppState) -> Content {
        let columns = [
            TableColumn("server", minWidth: 12, maxWidth: 22, weight: 1, priority: 100),
            TableColumn("role", minWidth: 6, maxWidth: 7, priority: 95),
            TableColumn("master / replicas", minWidth: 16, weight: 2, priority: 90),
            TableColumn("link", minWidth: 4, maxWidth: 5, priority: 85),
            TableColumn("offset", minWidth: 8, maxWidth: 14, alignment: .right, priority: 50),
            TableColumn("last save", minWidth: 9, maxWidth: 10, alignment: .right, priority: 70),
            TableColumn("RDB", minWidth: 3, maxWidth: 4, priority: 80),
            TableColumn("AOF", minWidth: 3, maxWidth: 4, priority: 75),
            TableColumn("last fork", minWidth: 9, maxWidth: 9, alignment: .right, priority: 60),
        ]
        var rows: [[TableCell]] = []
        for server in HealthRows.servers(health, node: screen.node) {
            let replication = server.replication.value
            let persistence = server.persistence.value
            var partner = "—"
            var link = TableCell("—", role: .dim)
            if let replication {
                if let master = replication.masterAddress {
                    partner = "of \(master)" + (replication.masterLastIOSeconds.map { ", last I/O \($0) s ago" } ?? "")
                    link = replication.linkUp == true ? TableCell("up", role: .good) : TableCell("down", role: .error)
                } else {
                    partner = replication.replicas.isEmpty ? "no replicas" : "\(replication.replicas.count) replicas"
                }
            }
            let saved = persistence?.rdbLastSaveTime.map { time in
                state.unixTime > 0 && time > 0 ? ago(state.unixTime - time) : "—"
            }
            rows.append([
                TableCell(server.address), TableCell(replication?.role ?? "—", role: .accent), TableCell(partner), link,
                TableCell(replication?.masterOffset.map { HumanUnits.count(Int($0)) } ?? "—", role: .dim), TableCell(saved ?? "—", role: .dim),
                TableCell(persistence?.rdbLastStatus ?? "—", role: persistence?.rdbLastStatus == "err" ? .error : .dim),
                TableCell(
                    persistence.map { $0.aofEnabled ? ($0.aofLastStatus ?? "?") : "off" } ?? "—",
                    role: persistence?.aofLastStatus == "err" ? .error : .dim),
                TableCell(persistence?.lastForkMicroseconds.flatMap { $0 > 0 ? DurationText.latency(.microseconds($0)) : nil } ?? "—", role: .dim),
            ])
            // Each replica of a master on a row of its own, under it.
            for replica in replication?.replicas ?? [] {
                let lag = replica.lagSeconds.map { "\($0) s behind" } ?? "lag ?"
                let behind = (replica.lagSeconds ?? 0) > state.thresholds.replicaLagSeconds
                rows.append([
                    TableCell("  └ " + replica.address, role: .dim), TableCell("replica", role: .dim), TableCell(lag, role: behind ? .warning : .dim),
                    replica.state == "online" ? TableCell(replica.state, role: .good) : TableCell(replica.state, role: .error),
                    TableCell(HumanUnits.count(Int(replica.offset)), role: .dim), TableCell(""), TableCell(""), TableCell(""), TableCell(""),
                ])
            }
        }
        return Content(columns: columns, rows: rows, empty: "no replication figures")
    }

    private static func ago(_ seconds: Int64) -> String {
        Self.seconds(seconds) + " ago"
    }

    /// `0s`, `42s`, `4m59s`, `3h12m`.
    static func seconds(_ seconds: Int64) -> String {
        seconds <= 0 ? "0s" : HumanUnits.ttl(milliseconds: seconds * 1000)
    }

    private static func slabs(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("class", minWidth: 5, maxWidth: 5, alignment: .right, priority: 100),
                TableColumn("chunk", minWidth: 6, maxWidth: 7, alignment: .right, priority: 95),
                TableColumn("items", minWidth: 7, maxWidth: 10, alignment: .right, priority: 90),
                TableColumn("used", minWidth: 7, maxWidth: 10, alignment: .right, priority: 70),
                TableColumn("total", minWidth: 7, maxWidth: 10, alignment: .right, priority: 65),
                TableColumn("waste", minWidth: 6, maxWidth: 7, alignment: .right, priority: 80),
                TableColumn("evicted", minWidth: 7, maxWidth: 10, alignment: .right, priority: 85),
                TableColumn("evicted unread", minWidth: 14, maxWidth: 14, alignment: .right, priority: 88),
                TableColumn("expired unread", minWidth: 14, maxWidth: 14, alignment: .right, priority: 60),
                TableColumn("oldest", minWidth: 7, maxWidth: 8, alignment: .right, priority: 55),
                TableColumn("OOM", minWidth: 4, maxWidth: 6, alignment: .right, priority: 75),
            ]
        let rows = HealthRows.slabs(health, node: screen.node).map { row -> [TableCell] in
            let slab = row.slab
            return (merged ? [TableCell(row.node, role: .dim)] : []) + [
                TableCell(String(slab.id), role: .dim), TableCell(HumanUnits.size(slab.chunkSize)), TableCell(HumanUnits.count(slab.items)),
                TableCell(HumanUnits.count(slab.usedChunks), role: .dim), TableCell(HumanUnits.count(slab.totalChunks), role: .dim),
                TableCell(slab.wasteBytes.map { HumanUnits.size($0) } ?? "—"),
                TableCell(HumanUnits.count(slab.evicted), role: slab.evicted > 0 ? .warning : .dim),
                TableCell(HumanUnits.count(slab.evictedUnfetched), role: slab.evictedUnfetched > 0 ? .warning : .dim),
                TableCell(HumanUnits.count(slab.expiredUnfetched), role: .dim),
                TableCell(seconds(Int64(slab.oldestItemAgeSeconds)), role: .dim),
                TableCell(HumanUnits.count(slab.outOfMemory), role: slab.outOfMemory > 0 ? .error : .dim),
            ]
        }
        return Content(columns: columns, rows: rows, empty: "no slab classes yet (nothing stored)")
    }

    private static func settings(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("setting", minWidth: 14, maxWidth: 28, weight: 1, priority: 100),
                TableColumn("value", minWidth: 10, weight: 2, priority: 95),
            ]
        let rows = HealthRows.settings(health, node: screen.node).map { row in
            (merged ? [TableCell(row.node, role: .dim)] : []) + [TableCell(row.setting.name, role: .accent), TableCell(row.setting.value)]
        }
        return Content(columns: columns, rows: rows, empty: "no settings read")
    }

    private static func connections(_ screen: HealthState, _ health: BackendHealth, merged: Bool) -> Content {
        let columns =
            nodeColumn(merged) + [
                TableColumn("fd", minWidth: 4, maxWidth: 6, alignment: .right, priority: 60),
                TableColumn("address", minWidth: 16, maxWidth: 40, weight: 1, priority: 100),
                TableColumn("state", minWidth: 14, maxWidth: 18, priority: 90),
                TableColumn("idle", minWidth: 6, maxWidth: 8, alignment: .right, priority: 95),
                TableColumn("listener", minWidth: 20, maxWidth: 30, priority: 40),
            ]
        let rows = HealthRows.connections(health, node: screen.node).map { row -> [TableCell] in
            let connection = row.connection
            return (merged ? [TableCell(row.node, role: .dim)] : []) + [
                TableCell(String(connection.descriptor), role: .dim), TableCell(connection.address), TableCell(connection.state, role: .dim),
                TableCell(seconds(connection.idleSeconds)), TableCell(connection.listenAddress ?? "—", role: .dim),
            ]
        }
        return Content(columns: columns, rows: rows, empty: "no client connections listed")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}

/// A logged command as a row: its id, time and node besides what every logged command has.
protocol LoggedCommandRow: LoggedCommand {
    var id: Int64 { get }
    var time: Int64 { get }
    var node: String? { get }
}

extension SlowLogEntry: LoggedCommandRow {}
extension LargeCommandEntry: LoggedCommandRow {}
