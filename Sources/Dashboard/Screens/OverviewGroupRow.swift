import Basics
import CacheMonitor

/// A group's row in the group view: `▾ prod (12)`, how many of its members are up, its worst status and
/// what needs attention, and its members' figures summed by the fleet's rules.
enum OverviewGroupRow {
    typealias Column = OverviewScreen.Column

    static func title(_ group: OverviewGroup) -> String {
        "\(group.collapsed ? "▸" : "▾") \(group.key.title) (\(group.members.count))"
    }

    static func cells(_ group: OverviewGroup, state: AppState) -> [TableCell] {
        var cells = Array(repeating: TableCell(""), count: Column.allCases.count)
        func set(_ column: Column, _ text: String, _ role: StyleRole = .text) { cells[column.rawValue] = TableCell(text, role: role) }
        let totals = group.totals
        set(.name, title(group), .header)
        set(.type, "group", .dim)
        set(.address, "\(totals.up) of \(totals.backends) up", totals.up == totals.backends ? .dim : .warning)
        set(.status, statusText(group.worst), statusRole(group.worst))
        if totals.attention > 0 { set(.attention, "⚠ \(totals.attention)", .warning) }
        set(.hitRatio, HumanUnits.ratio(totals.hitRatio), state.thresholds.role(forHitRatio: totals.hitRatio))
        set(.hits, HumanUnits.rate(totals.hitsPerSecond), .hit)
        set(.misses, HumanUnits.rate(totals.missesPerSecond), .miss)
        set(.ops, HumanUnits.rate(totals.operationsPerSecond))
        set(.keys, HumanUnits.shortCount(group.keys))
        set(.evictions, HumanUnits.rate(totals.evictionsPerSecond), totals.evictionsPerSecond > 0 ? .warning : .dim)
        return cells
    }

    /// The memory gauge over the members that have a limit, else the memory used.
    static func drawGraphics(_ group: OverviewGroup, state: AppState, widths: [Int?], origins: [Int?], y: Int, into canvas: inout Canvas) {
        guard let x = origins[Column.memory.rawValue], let width = widths[Column.memory.rawValue] else { return }
        let totals = group.totals
        if group.limitedMemory.limit > 0 {
            Gauge.draw(
                Double(group.limitedMemory.used) / Double(group.limitedMemory.limit), into: &canvas, x: x, y: y, width: width,
                warning: state.thresholds.memoryWarning,
                critical: state.thresholds.memoryCritical)
        } else {
            canvas.write(totals.up > 0 ? HumanUnits.size(Int(clamping: totals.memoryBytes)) : "—", x: x, y: y, role: .dim, maxWidth: width)
        }
    }

    /// The worst member's condition, as the status column says it.
    static func statusText(_ condition: BackendCondition) -> String {
        switch condition {
        case .up: "● up"
        case .connecting: "○ wait"
        case .needsAttention: "⚠ attn"
        case .partlyDown: "▲ part"
        case .down: "✖ down"
        }
    }

    static func statusRole(_ condition: BackendCondition) -> StyleRole {
        switch condition {
        case .up: .good
        case .connecting: .dim
        case .needsAttention, .partlyDown: .warning
        case .down: .error
        }
    }
}
