import Basics
import Dashboard
import DemoApp
import Foundation

/// `cachescope demo`'s line per second: rate, hit ratio and latencies over the last second.
enum DemoStatusLine {
    nonisolated(unsafe) private static let clockFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    static func text(_ report: TrafficReport, previous: TrafficReport, keys: Int?) -> String {
        let change = TrafficWindow.Change(from: previous, to: report)
        let sent = change.rate(of: nil)
        let ratio = change.hitRatio(of: nil)
        let hitP50 = median(report.routes.compactMap(\.hitLatency.p50))
        let missP50 = median(report.routes.compactMap(\.missLatency.p50))
        let clock = clockFormat.string(from: Date())
        var parts = [
            clock, report.paused ? "paused" : "\(HumanUnits.rate(sent)) req/s", "hit \(HumanUnits.ratio(ratio))",
            "p50 hit \(DurationText.latency(hitP50.map { .seconds($0) })) · miss \(DurationText.latency(missP50.map { .seconds($0) }))",
            "sent \(HumanUnits.count(report.requests))", "errors \(HumanUnits.count(report.errors))",
        ]
        if let keys { parts.append("keys \(HumanUnits.count(keys))") }
        return parts.joined(separator: "  ")
    }

    /// The middle of the routes' medians (a route-weighted summary, not a true percentile over requests).
    private static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
}

/// The per-route table a bounded `cachescope demo --requests N` prints.
enum DemoReportTable {
    static func lines(_ report: TrafficReport) -> [String] {
        let header = ["route", "requests", "hits", "misses", "errors", "hit%", "p50 hit", "p99 hit", "p50 miss", "p99 miss"]
        var rows = [header]
        for route in report.routes {
            rows.append([
                route.route.template, HumanUnits.count(route.requests), HumanUnits.count(route.hits), HumanUnits.count(route.misses),
                HumanUnits.count(route.errors), route.route.isCached ? HumanUnits.ratio(route.hitRatio) : "·",
                latency(route.hitLatency.p50), latency(route.hitLatency.p99), latency(route.missLatency.p50), latency(route.missLatency.p99),
            ])
        }
        rows.append([
            "total", HumanUnits.count(report.requests), HumanUnits.count(report.hits), HumanUnits.count(report.misses),
            HumanUnits.count(report.errors), "", "", "", "", "",
        ])
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + pad : pad + text
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    private static func latency(_ seconds: Double?) -> String {
        DurationText.latency(seconds.map { .seconds($0) })
    }
}
