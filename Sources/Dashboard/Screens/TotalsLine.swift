import Basics
import CacheMonitor

/// The line over the overview's table that sums the backends shown (htop's header meters for a fleet):
/// how many are up and down, ops/s, hits/s, misses/s, the hit ratio weighted by reads, memory used of the
/// limits, evictions/s and what needs attention.
enum TotalsLine {
    static func draw(_ totals: FleetTotals, state: AppState, into canvas: inout Canvas, x: Int, y: Int, width: Int) {
        var parts: [(String, StyleRole)] = [
            ("Σ \(totals.backends) backends", .accent),
            ("\(totals.up) up", totals.up == totals.backends ? .good : .text),
        ]
        if totals.down > 0 { parts.append(("\(totals.down) down", .error)) }
        if totals.connecting > 0 { parts.append(("\(totals.connecting) waiting", .dim)) }
        parts.append(("│", .dim))
        parts.append(("\(HumanUnits.rate(totals.operationsPerSecond)) ops/s", .text))
        parts.append(("\(HumanUnits.rate(totals.hitsPerSecond)) hits/s", .hit))
        parts.append(("\(HumanUnits.rate(totals.missesPerSecond)) miss/s", .miss))
        parts.append(("hit \(HumanUnits.ratio(totals.hitRatio))", state.thresholds.role(forHitRatio: totals.hitRatio)))
        parts.append(("│", .dim))
        let used = HumanUnits.size(Int(clamping: totals.memoryBytes))
        parts.append(("mem \(used)\(totals.maxMemoryBytes.map { " / \(HumanUnits.size(Int(clamping: $0)))" } ?? "")", .text))
        parts.append(("evict \(HumanUnits.rate(totals.evictionsPerSecond))/s", totals.evictionsPerSecond > 0 ? .warning : .dim))
        if totals.attention > 0 { parts.append(("⚠ \(totals.attention)", .warning)) }
        var column = x + 1
        for (text, role) in parts {
            let room = x + width - column
            guard room > 0 else { break }
            column += canvas.write(text, x: column, y: y, role: role, maxWidth: room) + 2
        }
    }
}
