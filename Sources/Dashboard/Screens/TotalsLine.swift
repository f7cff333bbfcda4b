import Basics
import CacheMonitor

/// The line over the overview's table that sums the backends shown (htop's header meters for a fleet):
/// how many are up and down, ops/s, the hit ratio weighted by reads, hits/s and misses/s, memory used of
/// the limits, evictions/s and what needs attention. What does not fit gives way, least important first.
enum TotalsLine {
    private struct Part {
        var text: String
        var role: StyleRole
        /// Higher stays longer.
        var priority: Int
    }

    static func draw(_ totals: FleetTotals, state: AppState, into canvas: inout Canvas, x: Int, y: Int, width: Int) {
        var parts = [
            Part(text: "Σ \(totals.backends) backends", role: .accent, priority: 100),
            Part(text: "\(totals.up) up", role: totals.up == totals.backends ? .good : .text, priority: 99),
        ]
        if totals.down > 0 { parts.append(Part(text: "\(totals.down) down", role: .error, priority: 98)) }
        if totals.connecting > 0 { parts.append(Part(text: "\(totals.connecting) waiting", role: .dim, priority: 40)) }
        parts += [
            Part(text: "\(HumanUnits.rate(totals.operationsPerSecond)) ops/s", role: .text, priority: 90),
            Part(text: "hit \(HumanUnits.ratio(totals.hitRatio))", role: state.thresholds.role(forHitRatio: totals.hitRatio), priority: 95),
            Part(text: "\(HumanUnits.rate(totals.hitsPerSecond)) hits/s", role: .hit, priority: 60),
            Part(text: "\(HumanUnits.rate(totals.missesPerSecond)) miss/s", role: .miss, priority: 59),
        ]
        let used = HumanUnits.size(Int(clamping: totals.memoryBytes))
        parts.append(
            Part(text: "mem \(used)\(totals.maxMemoryBytes.map { "/\(HumanUnits.size(Int(clamping: $0)))" } ?? "")", role: .text, priority: 80))
        parts.append(
            Part(
                text: "evict \(HumanUnits.rate(totals.evictionsPerSecond))/s", role: totals.evictionsPerSecond > 0 ? .warning : .dim,
                priority: totals.evictionsPerSecond > 0 ? 89 : 70))
        if totals.attention > 0 { parts.append(Part(text: "⚠ \(totals.attention)", role: .warning, priority: 88)) }
        func needed(_ parts: [Part]) -> Int { parts.reduce(0) { $0 + CharacterWidth.of($1.text) + 2 } }
        while needed(parts) > width - 1, let drop = parts.indices.min(by: { parts[$0].priority < parts[$1].priority }) {
            parts.remove(at: drop)
        }
        var column = x + 1
        for part in parts {
            column += canvas.write(part.text, x: column, y: y, role: part.role, maxWidth: max(0, x + width - column)) + 2
        }
    }
}
