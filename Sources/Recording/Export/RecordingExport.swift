import CacheMonitor
import Foundation

/// What `cachescope export` writes: every reading of a stretch of a recording as CSV, NDJSON or OpenMetrics
/// text (with timestamps, for `promtool tsdb create-blocks-from openmetrics`). Read a few hours at a time,
/// so memory stays flat however long the recording.
package enum ExportFormat: String, Sendable, CaseIterable {
    case csv, ndjson, openmetrics
}

package struct RecordingExport {
    let reader: RecordingReader
    let range: ClosedRange<Int64>
    /// How much of one backend is read at a time.
    let chunk: Int64 = 6 * 3_600_000

    package init(reader: RecordingReader, range: ClosedRange<Int64>) {
        self.reader = reader
        self.range = range
    }

    /// Writes the export through `write`, a piece of text at a time.
    package func run(_ format: ExportFormat, write: (String) -> Void) async throws(RecordingError) {
        switch format {
        case .csv:
            write((["time", "time_ms", "backend", "node"] + Self.allFields).joined(separator: ",") + "\n")
            try await eachSeries { backend, series in
                for index in series.times.indices {
                    let values = Self.allFields.map { series.value($0, at: index).map(Self.number) ?? "" }
                    let row = [Self.iso(series.times[index]), String(series.times[index]), Self.csv(backend.name), Self.csv(series.node)] + values
                    write(row.joined(separator: ",") + "\n")
                }
            }
        case .ndjson:
            try await eachSeries { backend, series in
                for index in series.times.indices {
                    var fields = [
                        "\"time\":\"\(Self.iso(series.times[index]))\"", "\"timeMs\":\(series.times[index])",
                        "\"backend\":\(Recorder.encoded(backend.name))",
                    ]
                    if !series.node.isEmpty { fields.append("\"node\":\(Recorder.encoded(series.node))") }
                    for field in series.fields {
                        fields.append("\"\(field)\":\(series.value(field, at: index).map(Self.number) ?? "null")")
                    }
                    write("{" + fields.joined(separator: ",") + "}\n")
                }
            }
        case .openmetrics:
            // Every family's samples together, each series in time order: what OpenMetrics (and promtool) ask.
            for family in OpenMetricsFamily.all {
                write("# TYPE \(family.name) \(family.counter ? "counter" : "gauge")\n# HELP \(family.name) \(family.help)\n")
                try await eachSeries { backend, series in
                    guard series.node.isEmpty != family.perNode else { return }
                    var labels = "backend=\"\(ExpositionFormat.escapeLabel(backend.name))\""
                    if family.perNode { labels += ",node=\"\(ExpositionFormat.escapeLabel(series.node))\"" }
                    let sample = family.name + (family.counter ? "_total" : "") + "{" + labels + "} "
                    for index in series.times.indices {
                        guard let value = family.value(series, index) else { continue }
                        write(sample + ExpositionFormat.number(value) + " " + Self.seconds(series.times[index]) + "\n")
                    }
                }
            }
            write("# EOF\n")
        }
    }

    /// Each backend's series over the range: its own, then each server's, each a chunk of time at a time, so
    /// one series' readings come together and in time order (backends in recording order).
    private func eachSeries(_ body: (RecordedBackend, RecordedSeries) throws(RecordingError) -> Void) async throws(RecordingError) {
        for backend in await reader.recordedBackends {
            for node in try await reader.nodes(of: backend) {
                var start = range.lowerBound
                while start <= range.upperBound {
                    let end = min(range.upperBound, start + chunk - 1)
                    if let series = try await reader.series(of: backend, node: node, in: start...end), !series.times.isEmpty {
                        try body(backend, series)
                    }
                    if end == range.upperBound { break }
                    start = end + 1
                }
            }
        }
    }

    /// Every field a backend or a server may have, in a fixed order (the CSV's columns).
    static var allFields: [String] {
        var names = RecordedFields.backendNames
        for name in RecordedFields.serverNames where !names.contains(name) { names.append(name) }
        return names
    }

    static func number(_ value: Double) -> String { ExpositionFormat.number(value) }

    /// `2026-12-06T03:10:00.123Z`.
    /// Written by hand: a formatter made per row was most of an export's time.
    static func iso(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.floorDivided(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds - milliseconds.floorDivided(by: 1000) * 1000))
    }

    /// Seconds since 1970 with the milliseconds (`1796553000.125`), as OpenMetrics timestamps are.
    static func seconds(_ milliseconds: Int64) -> String {
        let remainder = milliseconds % 1000
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - String(remainder).count))\(remainder)"
    }

    /// A CSV field: quoted when it holds a comma, a quote or a line break.
    static func csv(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The metric families an OpenMetrics export has: the names `serve` uses where it has them (hits and misses
/// without the monitor's own reads), per backend, and `cachescope_node_…` per server of a pool or cluster.
struct OpenMetricsFamily: Sendable {
    let name: String
    let counter: Bool
    let help: String
    let perNode: Bool
    let value: @Sendable (RecordedSeries, Int) -> Double?

    static let all: [OpenMetricsFamily] = [
        .init(name: "cachescope_hits", counter: true, help: "Reads that found their key, without the monitor's own.", perNode: false) {
            own($0, $1, "hits", "own_read_hits")
        },
        .init(name: "cachescope_misses", counter: true, help: "Reads that did not find their key, without the monitor's own.", perNode: false) {
            own($0, $1, "misses", "own_read_misses")
        },
        field("cachescope_operations", counter: true, "Operations served, without the monitor's own.", "operations"),
        field("cachescope_evictions", counter: true, "Entries removed for room.", "evictions"),
        field("cachescope_expired", counter: true, "Entries removed because their lifetime ended.", "expired"),
        field("cachescope_keys", counter: false, "Keys held.", "keys"),
        field("cachescope_memory_bytes", counter: false, "Memory used.", "memory_bytes"),
        field("cachescope_max_memory_bytes", counter: false, "The memory limit.", "max_memory_bytes"),
        field("cachescope_uptime_seconds", counter: false, "Seconds since the server started.", "uptime_seconds"),
        .init(name: "cachescope_latency_seconds", counter: false, help: "The round trip of the stats request.", perNode: false) { series, index in
            series.value("latency_us", at: index).map { $0 / 1_000_000 }
        },
        field("cachescope_clients", counter: false, "Connected clients.", "clients"),
        field("cachescope_node_hits", counter: true, "A server's reads that found their key.", "hits", perNode: true),
        field("cachescope_node_misses", counter: true, "A server's reads that did not find their key.", "misses", perNode: true),
        field("cachescope_node_operations", counter: true, "Operations a server served.", "operations", perNode: true),
        field("cachescope_node_evictions", counter: true, "Entries a server removed for room.", "evictions", perNode: true),
        field("cachescope_node_keys", counter: false, "Keys a server holds.", "keys", perNode: true),
        field("cachescope_node_memory_bytes", counter: false, "Memory a server uses.", "memory_bytes", perNode: true),
        field("cachescope_node_slots", counter: false, "Hash slots a cluster master serves.", "slots", perNode: true),
    ]

    private static func field(_ name: String, counter: Bool, _ help: String, _ field: String, perNode: Bool = false) -> OpenMetricsFamily {
        OpenMetricsFamily(name: name, counter: counter, help: help, perNode: perNode) { $0.value(field, at: $1) }
    }

    /// A count without the monitor's own share.
    private static func own(_ series: RecordedSeries, _ index: Int, _ total: String, _ own: String) -> Double? {
        series.value(total, at: index).map { max(0, $0 - (series.value(own, at: index) ?? 0)) }
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (instants before 1970 stay in their second).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
