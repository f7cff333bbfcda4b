import Basics
import CacheMonitor

/// How `cachescope traffic` prints a traffic report: one JSON object, or tables.
enum TrafficReportText {
    /// The JSON contract (see `cachescope traffic --help`): every top-level group, and below them the groups
    /// down to `depth`.
    static func json(_ report: TrafficReport, outcome: TrafficOutcome, depth: Int) -> JSONValue {
        .object([
            ("backend", .string(outcome.backend.name)),
            ("type", .string(outcome.backend.source.kind.rawValue)),
            ("method", .string(report.method.rawValue)),
            ("durationMs", .integer(report.duration.inMilliseconds)),
            ("reads", reads(report.root, report)),
            ("writes", .integer(Int64(report.root.writes))),
            ("hits", .optional(report.root.hits)),
            ("misses", .optional(report.root.misses)),
            ("hitRatio", .optional(report.root.hitRatio)),
            ("prefixes", .array(report.groups(toDepth: depth).map { group($0, report) })),
            (
                "hotKeys",
                .array(
                    report.hotKeys.map {
                        .object([
                            ("key", .string(KeyEscaping.escape($0.key))), ("reads", .integer(Int64($0.reads))), ("share", .number($0.share)),
                            ("misses", .optional($0.misses)),
                        ])
                    })
            ),
            (
                "missStorms",
                .array(report.missStorms.map { .object([("key", .string(KeyEscaping.escape($0.key))), ("misses", .integer(Int64($0.misses)))]) })
            ),
            ("sampledFraction", .number(report.sampledFraction)),
            ("unreadableLines", .integer(Int64(report.unreadableLines))),
            ("notes", .array(report.notes.map { .string($0) })),
            ("partial", .optional(report.partial)),
            ("missingNodes", .array(report.missingNodes.map { .object([("address", .string($0.address)), ("reason", .string($0.reason))]) })),
            ("settingsNotRestored", .array(report.settingsNotRestored.map { .string($0) })),
            ("stopped", .bool(outcome.ending == .stopped)),
        ])
    }

    /// A group's reads; `null` when the method does not see reads (key tracking).
    private static func reads(_ group: TrafficReport.Group, _ report: TrafficReport) -> JSONValue {
        report.method.knowsReads ? .integer(Int64(group.reads)) : .null
    }

    private static func group(_ group: TrafficReport.Group, _ report: TrafficReport) -> JSONValue {
        .object([
            ("prefix", .string(KeyEscaping.escape(group.prefix))),
            ("depth", .integer(Int64(group.depth))),
            ("reads", reads(group, report)),
            ("hits", .optional(group.hits)),
            ("misses", .optional(group.misses)),
            ("hitRatio", .optional(group.hitRatio)),
            ("writes", .integer(Int64(group.writes))),
            ("flask", AnalyzeReport.flask(group.flask)),
        ])
    }

    static func table(_ report: TrafficReport, outcome: TrafficOutcome, depth: Int, top: Int) -> String {
        var text = headline(report, outcome: outcome) + "\n"
        for note in notes(report) { text += note + "\n" }
        let groups = report.groups(toDepth: depth, perGroup: top)
        guard !groups.isEmpty else { return text + "no traffic\n" }
        var rows = [["PREFIX", "READS/S", "HIT RATIO", "HITS", "MISSES", "MISSES/S", "WRITES/S"]]
        for group in groups {
            rows.append([
                String(repeating: "  ", count: group.depth - 1) + group.name(keyText: { KeyEscaping.escape($0) }),
                report.method.knowsReads ? HumanUnits.rate(report.rate(group.reads)) : "-", group.hitRatio.map(AnalyzeReport.percent) ?? "-",
                group.hits.map(HumanUnits.count) ?? "-",
                group.misses.map(HumanUnits.count) ?? "-", group.misses.map { HumanUnits.rate(report.rate($0)) } ?? "-",
                HumanUnits.rate(report.rate(group.writes)),
            ])
        }
        text += AnalyzeReport.aligned(rows, rightFrom: 1)
        if !report.hotKeys.isEmpty {
            var hot = [["HOT KEY", "READS", "SHARE", "HIT RATIO"]]
            for key in report.hotKeys {
                hot.append([
                    KeyEscaping.escape(key.key), HumanUnits.count(key.reads), AnalyzeReport.percent(key.share),
                    key.hitRatio.map(AnalyzeReport.percent) ?? "-",
                ])
            }
            text += "\n" + AnalyzeReport.aligned(hot, rightFrom: 1)
        }
        if !report.missStorms.isEmpty {
            var storms = [["MISS STORM", "MISSES", "MISSES/S"]]
            for storm in report.missStorms {
                storms.append([KeyEscaping.escape(storm.key), HumanUnits.count(storm.misses), HumanUnits.rate(report.rate(storm.misses))])
            }
            text += "\n" + AnalyzeReport.aligned(storms, rightFrom: 1)
        }
        return text
    }

    /// `memcached (127.0.0.1:11211): 10.0 s of traffic by watch, 12,345 reads (1,234/s), hit ratio 87.5%`.
    static func headline(_ report: TrafficReport, outcome: TrafficOutcome) -> String {
        let root = report.root
        let ratio = root.hitRatio.map { "hit ratio \(AnalyzeReport.percent($0))" } ?? "hit ratio unknown"
        let stopped = outcome.ending == .stopped ? ", stopped early" : ""
        let reads =
            report.method.knowsReads
            ? "\(HumanUnits.count(root.reads)) reads (\(HumanUnits.rate(report.rate(root.reads)))/s)" : "reads unknown"
        return "\(outcome.backend.name) (\(outcome.backend.address)): \(DurationText.took(report.duration)) of traffic by \(report.method.rawValue), "
            + "\(reads), \(ratio), \(HumanUnits.count(root.writes)) writes\(stopped)"
    }

    static func notes(_ report: TrafficReport) -> [String] {
        var lines = report.notes
        if let partial = report.partial { lines.append("partial: \(partial)") }
        lines += report.missingNodes.map { "missing \($0.address): \($0.reason)" }
        lines += report.settingsNotRestored
        return lines
    }
}
