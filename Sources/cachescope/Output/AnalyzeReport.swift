import Basics
import CacheMonitor

/// How `cachescope analyze` prints a keyspace report: one JSON object, or tables.
enum AnalyzeReport {
    /// - Parameters:
    ///   - depth: how many levels of groups to list.
    ///   - top: how many of each group's sub-groups to list (every top-level group is).
    static func json(_ report: KeyspaceReport, outcome: KeyspaceOutcome, depth: Int, top: Int) -> JSONValue {
        .object([
            ("backend", .string(outcome.backend.name)),
            ("type", .string(outcome.backend.source.kind.rawValue)),
            ("sampledKeys", .integer(Int64(report.sampledKeys))),
            ("totalKeys", .integer(Int64(report.totalKeys))),
            ("estimated", .bool(report.estimated)),
            ("elapsedMs", .integer(outcome.elapsed.inMilliseconds)),
            ("prefixes", .array(report.groups(toDepth: depth, perGroup: top).map(group))),
            ("bigKeys", .array(report.bigKeys.map(bigKey))),
            (
                "lfuHotKeys",
                .array(
                    report.frequentKeys.map {
                        .object([("key", .string(KeyEscaping.escape($0.key))), ("lfuCounter", .optional($0.frequency)), ("node", .optional($0.node))])
                    })
            ),
            ("keysizes", report.keySizes.map(keySizes) ?? .null),
            ("memorySource", .optional(report.memorySource?.rawValue)),
            ("memoryNote", .optional(report.memoryNote)),
            ("elementsNote", .optional(report.elementsNote)),
            ("missingNodes", .array(report.missingNodes.map { .object([("address", .string($0.address)), ("reason", .string($0.reason))]) })),
            ("stopped", .bool(outcome.ending == .stopped)),
        ])
    }

    /// `INFO keysizes`: `{"strings":{"unit":"bytes","buckets":[{"min":32,"keys":1}…]},"hashes":{"unit":"items",…}}`.
    private static func keySizes(_ distribution: KeySizeDistribution) -> JSONValue {
        .object(
            distribution.histograms.map { histogram in
                (
                    histogram.type,
                    .object([
                        ("unit", .string(histogram.unit.rawValue)),
                        (
                            "buckets",
                            .array(histogram.buckets.map { .object([("min", .integer($0.lowerBound)), ("keys", .integer(Int64($0.keys)))]) })
                        ),
                    ])
                )
            })
    }

    /// The key-size table: one row per type and bucket (`strings  512B–1K  14`).
    static func keySizeRows(_ distribution: KeySizeDistribution) -> [[String]] {
        var rows = [["KEY SIZES (INFO keysizes)", "SIZE", "KEYS"]]
        for histogram in distribution.histograms {
            for bucket in histogram.buckets {
                rows.append([histogram.type, KeySizeText.bucket(bucket.lowerBound, unit: histogram.unit), HumanUnits.count(bucket.keys)])
            }
        }
        return rows
    }

    private static func group(_ group: KeyspaceReport.Group) -> JSONValue {
        let ttl = group.ttl
        return .object([
            ("prefix", .string(KeyEscaping.escape(group.prefix))),
            ("depth", .integer(Int64(group.depth))),
            ("keys", .integer(Int64(group.keys))),
            ("memoryBytes", .optional(group.memoryBytes)),
            ("share", .optional(group.share)),
            // Where the server refused PTTL, the TTL figures are unknown: null.
            ("noTtlKeys", group.ttlKnown ? .integer(Int64(group.noTTLKeys)) : .null),
            (
                "ttl",
                group.ttlKnown
                    ? .object([
                        ("none", .integer(Int64(ttl.none))), ("lt1m", .integer(Int64(ttl.underMinute))), ("lt1h", .integer(Int64(ttl.underHour))),
                        ("lt1d", .integer(Int64(ttl.underDay))), ("ge1d", .integer(Int64(ttl.dayOrMore))),
                    ]) : .null
            ),
            ("neverRead", .optional(group.neverRead)),
            ("meanElements", .optional(group.meanElements)),
            ("flask", flask(group.flask)),
        ])
    }

    /// What a group is to Flask-Caching: `{"kind":"route","route":"/api/users"}`, `{"kind":"memoized",
    /// "function":"app.get_user"}` (`null` when unknown), `{"kind":"stale-memoized"}`; `null` for a plain prefix.
    static func flask(_ group: FlaskCachingGroup?) -> JSONValue {
        switch group {
        case .route(let path, _): .object([("kind", .string("route")), ("route", .string(path))])
        case .memoized(let function, _): .object([("kind", .string("memoized")), ("function", .optional(function))])
        case .staleMemoized: .object([("kind", .string("stale-memoized"))])
        case nil: .null
        }
    }

    private static func bigKey(_ key: SampledKey) -> JSONValue {
        .object([
            ("key", .string(KeyEscaping.escape(key.key))),
            ("type", key.type == SampledKey.unknownType ? .null : .string(key.type)),
            ("memoryBytes", .optional(key.memoryBytes)),
            ("elements", .optional(key.elements)),
            ("ttlMs", key.ttlKnown ? .integer(key.ttlMilliseconds ?? -1) : .null),
            ("node", .optional(key.node)),
        ])
    }

    static func table(_ report: KeyspaceReport, outcome: KeyspaceOutcome, depth: Int, top: Int) -> String {
        var text = headline(report, outcome: outcome) + "\n"
        for note in notes(report) { text += note + "\n" }
        let groups = report.groups(toDepth: depth, perGroup: top)
        guard !groups.isEmpty || !report.bigKeys.isEmpty else { return text + "no keys\n" }
        var rows = [["PREFIX", "KEYS", "MEMORY", "SHARE", "NO TTL", "<1m", "<1h", "<1d", ">=1d", "NEVER READ"]]
        for group in groups {
            let ttl = group.ttl
            let ttlColumns =
                group.ttlKnown
                ? [
                    percent(of: group.noTTLKeys, group.keys), HumanUnits.count(ttl.underMinute), HumanUnits.count(ttl.underHour),
                    HumanUnits.count(ttl.underDay), HumanUnits.count(ttl.dayOrMore),
                ] : Array(repeating: "—", count: 5)
            rows.append(
                [
                    String(repeating: "  ", count: group.depth - 1) + group.name(keyText: { KeyEscaping.escape($0) }), HumanUnits.count(group.keys),
                    HumanUnits.size(group.memoryBytes), group.share.map { percent($0) } ?? "-",
                ] + ttlColumns + [group.neverRead.map { percent(of: $0, group.keys) } ?? "-"])
        }
        text += aligned(rows, rightFrom: 1)
        if !report.bigKeys.isEmpty {
            var big = [["BIG KEY", "TYPE", "MEMORY", "ELEMENTS", "TTL", "NODE"]]
            for key in report.bigKeys {
                big.append([
                    KeyEscaping.escape(key.key), key.type, HumanUnits.size(key.memoryBytes), key.elements.map(HumanUnits.count) ?? "-",
                    key.ttlKnown ? HumanUnits.ttl(milliseconds: key.ttlMilliseconds) : "—", key.node ?? "-",
                ])
            }
            text += "\n" + aligned(big, rightFrom: 2)
        }
        if let sizes = report.keySizes { text += "\n" + aligned(keySizeRows(sizes), rightFrom: 2) }
        if !report.frequentKeys.isEmpty {
            var hot = [["HOT KEY (LFU)", "LFU COUNTER", "TYPE", "NODE"]]
            for key in report.frequentKeys.prefix(top) {
                hot.append([KeyEscaping.escape(key.key), key.frequency.map(String.init) ?? "-", key.type, key.node ?? "-"])
            }
            text += "\n" + aligned(hot, rightFrom: 1)
        }
        return text
    }

    /// `redis: 100,003 keys, 20,017 sampled (estimates), memory from MEMORY USAGE, 1.2 s`.
    static func headline(_ report: KeyspaceReport, outcome: KeyspaceOutcome) -> String {
        let read =
            report.estimated
            ? "\(HumanUnits.count(report.totalKeys)) keys, \(HumanUnits.count(report.sampledKeys)) sampled (figures are estimates)"
            : "\(HumanUnits.count(report.totalKeys)) keys, every one read"
        let memory: String =
            switch report.memorySource {
            case .memoryUsage: "memory as the server counts it"
            case .length: "memory from value lengths"
            case nil: "memory unknown"
            }
        let stopped = outcome.ending == .stopped ? ", stopped early" : ""
        return "\(outcome.backend.name) (\(outcome.backend.address)): \(read), \(memory)\(stopped), \(DurationText.took(outcome.elapsed))"
    }

    static func notes(_ report: KeyspaceReport) -> [String] {
        [report.memoryNote, report.elementsNote].compactMap { $0 } + report.missingNodes.map { "missing \($0.address): \($0.reason)" }
    }

    static func percent(_ fraction: Double) -> String { "\(HumanUnits.oneDecimal(fraction * 100))%" }

    private static func percent(of part: Int, _ whole: Int) -> String { whole > 0 ? percent(Double(part) / Double(whole)) : "-" }

    /// Columns padded to their widest cell; columns from `rightFrom` on are right-aligned.
    static func aligned(_ rows: [[String]], rightFrom: Int) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { column in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column >= rightFrom ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}
