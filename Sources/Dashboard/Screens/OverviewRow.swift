import Basics
import CacheMonitor

/// One backend's row on the overview: its figures as table cells (the view model of a row), then the
/// sparkline, the memory gauge and — for a backend that is not up — the reason, drawn over its cells.
enum OverviewRow {
    typealias Column = OverviewScreen.Column

    /// - Parameter indented: the row is under a group's row (the group view).
    static func cells(_ backend: BackendSnapshot, number: Int, state: AppState, indented: Bool = false) -> [TableCell] {
        var cells = Array(repeating: TableCell(""), count: Column.allCases.count)
        func set(_ column: Column, _ text: String, _ role: StyleRole = .text) { cells[column.rawValue] = TableCell(text, role: role) }
        set(.number, number <= 9 ? String(number) : "", .dim)
        set(.name, indented ? "  " + backend.name : backend.name, .accent)
        set(.type, kindText(backend.kind), .dim)
        set(.address, backend.address)
        set(.status, statusText(backend.status), statusRole(backend.status))
        guard backend.status == .up else { return cells }
        // A pool or cluster with servers (masters) down is up, but not whole: say how much of it answers.
        let counted = backend.sample?.servers.filter(\.countsInTotals) ?? []
        if counted.contains(where: { !$0.up }) {
            set(.status, "▲ \(counted.filter(\.up).count)/\(counted.count)", .warning)
        }
        if let attention = backend.health?.attention, let role = AttentionText.role(of: attention) {
            set(.attention, "⚠ \(attention.count)", role)
        }
        let rates = backend.rates
        let ratio = rates?.hitRatio
        set(.hitRatio, HumanUnits.ratio(ratio), state.thresholds.role(forHitRatio: ratio))
        set(.lifetime, HumanUnits.ratio(backend.lifetimeHitRatio), .dim)
        set(.hits, HumanUnits.rate(rates?.hitsPerSecond), .hit)
        set(.misses, HumanUnits.rate(rates?.missesPerSecond), .miss)
        set(.ops, HumanUnits.rate(rates?.operationsPerSecond))
        set(.keys, backend.sample.map { HumanUnits.shortCount($0.keys) } ?? "—")
        let evictions = rates?.evictionsPerSecond
        set(.evictions, HumanUnits.rate(evictions), (evictions ?? 0) > 0 ? .warning : .dim)
        set(.latency, DurationText.latency(backend.sample?.latency), .dim)
        return cells
    }

    /// A pool's server or a cluster's node, under its backend's row: a cluster node says its role (and a
    /// master how many slots it serves); both show their own rates once there are two readings.
    static func serverCells(_ server: ServerReading, rates: ServerRates?, state: AppState) -> [TableCell] {
        var cells = Array(repeating: TableCell(""), count: Column.allCases.count)
        func set(_ column: Column, _ text: String, _ role: StyleRole = .text) { cells[column.rawValue] = TableCell(text, role: role) }
        let branch = "  └"
        if let role = server.role {
            set(.name, "\(branch) \(role)", .dim)
            set(.type, role == .master ? "\(server.slots ?? 0) slots" : "replica", .dim)
        } else {
            set(.name, branch, .dim)
            set(.type, "server", .dim)
        }
        set(.address, server.address)
        if !server.up {
            set(.status, statusText(.down), .error)
        } else if let health = server.health, health != .online {
            set(.status, "▲ \(health == .suspected ? "fail?" : health.text)", .warning)
        } else {
            set(.status, statusText(.up), .good)
        }
        guard server.up else { return cells }
        let ratio = rates?.hitRatio
        set(.hitRatio, HumanUnits.ratio(ratio), rates == nil ? .dim : state.thresholds.role(forHitRatio: ratio))
        set(.lifetime, HumanUnits.ratio(BackendRates.ratio(server.hits, server.misses)), .dim)
        set(.hits, HumanUnits.rate(rates?.hitsPerSecond), .hit)
        set(.misses, HumanUnits.rate(rates?.missesPerSecond), .miss)
        set(.ops, HumanUnits.rate(rates?.operationsPerSecond))
        set(.keys, HumanUnits.count(server.keys), server.countsInTotals ? .text : .dim)
        set(.memory, memoryText(server.memoryBytes, server.maxMemoryBytes), .dim)
        let evictions = rates.map { $0.seconds > 0 ? Double($0.evictions) / $0.seconds : 0 }
        set(.evictions, HumanUnits.rate(evictions), (evictions ?? 0) > 0 ? .warning : .dim)
        return cells
    }

    /// A server around a Sentinel-managed master (`e`): its role, address, whether it is up, and what the
    /// sentinels say of it.
    static func topologyCells(_ member: TopologyMember) -> [TableCell] {
        var cells = Array(repeating: TableCell(""), count: Column.allCases.count)
        cells[Column.name.rawValue] = TableCell("  └ \(member.role.rawValue)", role: .dim)
        // The type column says what the sentinels say: a down member's flags, the quorum of the one that answered.
        let said = member.up && member.role == .replica ? nil : member.detail
        cells[Column.type.rawValue] = TableCell(said ?? member.role.rawValue, role: member.up ? .dim : .error)
        cells[Column.address.rawValue] = TableCell(member.address)
        cells[Column.status.rawValue] = member.up ? TableCell(statusText(.up), role: .good) : TableCell(statusText(.down), role: .error)
        if let detail = member.detail { cells[Column.trend.rawValue] = TableCell(detail, role: member.up ? .dim : .error) }
        return cells
    }

    static func drawGraphics(
        _ backend: BackendSnapshot, state: AppState, widths: [Int?], origins: [Int?], y: Int, selected: Bool, into canvas: inout Canvas
    ) {
        if backend.status != .up {
            guard let start = origins[Column.hitRatio.rawValue] ?? origins[Column.ops.rawValue] else { return }
            var reason = backend.status == .connecting ? "connecting…" : (backend.error ?? "no answer")
            // The countdown first, so a long reason never hides it.
            if let retry = backend.retryIn, backend.status != .connecting { reason = "retry in \(Int(retry.rounded(.up)))s · " + reason }
            let role: StyleRole = selected ? .selection : (backend.status == .connecting ? .dim : .error)
            canvas.fill(Rect(x: start, y: y, width: canvas.width - start, height: 1), role: selected ? .selection : .text)
            canvas.write(reason, x: start, y: y, role: role, maxWidth: canvas.width - start - 1)
            return
        }
        if let x = origins[Column.trend.rawValue], let width = widths[Column.trend.rawValue] {
            Sparkline.draw(
                Array(backend.hitRatioHistory.values), into: &canvas, x: x, y: y, width: width, role: selected ? .selection : .accent, minimum: 0,
                maximum: 1)
        }
        if let x = origins[Column.memory.rawValue], let width = widths[Column.memory.rawValue] {
            let sample = backend.sample
            if let used = sample?.memoryBytes, let max = sample?.maxMemoryBytes, max > 0 {
                Gauge.draw(
                    Double(used) / Double(max), into: &canvas, x: x, y: y, width: width, warning: state.thresholds.memoryWarning,
                    critical: state.thresholds.memoryCritical)
            } else {
                canvas.write(
                    sample?.memoryBytes.map { HumanUnits.size(Int(clamping: $0)) } ?? "—", x: x, y: y, role: selected ? .selection : .dim,
                    maxWidth: width)
            }
        }
    }

    /// A server that is down: its reason over the figures' columns.
    static func drawServerReason(_ server: ServerReading, origins: [Int?], y: Int, into canvas: inout Canvas) {
        guard !server.up, let start = origins[Column.hitRatio.rawValue] ?? origins[Column.ops.rawValue] else { return }
        canvas.write(server.error ?? "down", x: start, y: y, role: .error, maxWidth: canvas.width - start - 1)
    }

    /// The type column: `redis-cluster` would not fit, so a cluster is `cluster` (the panel's title says it all).
    static func kindText(_ kind: BackendKind) -> String {
        kind == .redisCluster ? "cluster" : kind.rawValue
    }

    static func statusText(_ status: BackendStatus) -> String {
        let mark: String =
            switch status {
            case .up: "●"
            case .down, .authFailed: "✖"
            case .connecting: "○"
            }
        let word =
            switch status {
            case .up: "up"
            case .down: "down"
            case .authFailed: "auth"
            case .connecting: "wait"
            }
        return "\(mark) \(word)"
    }

    static func statusRole(_ status: BackendStatus) -> StyleRole {
        switch status {
        case .up: .good
        case .down, .authFailed: .error
        case .connecting: .dim
        }
    }

    static func memoryText(_ used: UInt64, _ max: UInt64) -> String {
        let usedText = HumanUnits.size(Int(clamping: used))
        return max > 0 ? "\(usedText)/\(HumanUnits.size(Int(clamping: max)))" : usedText
    }
}
