import RESP

/// One command's figures from `INFO commandstats` and `INFO latencystats` (Redis 7): calls, time, failures
/// and latency percentiles — cumulative since the server started (or `CONFIG RESETSTAT`).
package struct CommandStat: Sendable, Hashable {
    /// `get`, `client|list` (subcommands with a `|`).
    package var command: String
    package var calls: Int64
    package var microseconds: Int64
    package var microsecondsPerCall: Double
    package var rejectedCalls: Int64?
    package var failedCalls: Int64?
    /// Percentiles in microseconds (`latency-tracking yes`, Redis 7+); `nil` where the server has none.
    package var p50: Double?
    package var p99: Double?
    package var p999: Double?

    package init(
        command: String, calls: Int64, microseconds: Int64, microsecondsPerCall: Double, rejectedCalls: Int64? = nil, failedCalls: Int64? = nil,
        p50: Double? = nil, p99: Double? = nil, p999: Double? = nil
    ) {
        self.command = command
        self.calls = calls
        self.microseconds = microseconds
        self.microsecondsPerCall = microsecondsPerCall
        self.rejectedCalls = rejectedCalls
        self.failedCalls = failedCalls
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
    }

    /// The commands of an `INFO commandstats latencystats` reply, most called first.
    package static func parse(_ info: RedisInfo) -> [CommandStat] {
        var stats: [String: CommandStat] = [:]
        for (field, value) in info.fields where field.hasPrefix("cmdstat_") {
            let values = pairs(value)
            guard let calls = values["calls"].flatMap({ Int64($0) }) else { continue }
            let command = String(field.dropFirst("cmdstat_".count))
            stats[command] = CommandStat(
                command: command, calls: calls, microseconds: values["usec"].flatMap { Int64($0) } ?? 0,
                microsecondsPerCall: values["usec_per_call"].flatMap { Double($0) } ?? 0,
                rejectedCalls: values["rejected_calls"].flatMap { Int64($0) }, failedCalls: values["failed_calls"].flatMap { Int64($0) })
        }
        for (field, value) in info.fields where field.hasPrefix("latency_percentiles_usec_") {
            let command = String(field.dropFirst("latency_percentiles_usec_".count))
            guard var stat = stats[command] else { continue }
            let values = pairs(value)
            stat.p50 = values["p50"].flatMap { Double($0) }
            stat.p99 = values["p99"].flatMap { Double($0) }
            stat.p999 = values["p99.9"].flatMap { Double($0) }
            stats[command] = stat
        }
        return stats.values.sorted { $0.calls != $1.calls ? $0.calls > $1.calls : $0.command < $1.command }
    }

    /// `calls=1,usec=2` → `["calls": "1", "usec": "2"]`.
    private static func pairs(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in text.split(separator: ",") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            out[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        return out
    }
}
