import Basics
import CacheMonitor

/// A backend's insights: where its keys and memory are, per prefix group (keys, memory, its share, keys
/// without a TTL, a TTL mix, never-read items, mean elements) and, once its traffic was sampled, what is read
/// from each (reads/s, hit ratio, misses/s, writes/s); or its biggest keys, or its hottest keys — from the last
/// analysis and sample, with what they read and when.
enum InsightsScreen {
    /// The columns: the traffic ones only once a sample runs or ran — then first in priority after the
    /// prefix (they are what the operator asked for).
    static func groupColumns(sampled: Bool) -> [TableColumn] {
        let traffic = 95
        let stored = [
            TableColumn("prefix", minWidth: sampled ? 24 : 14, weight: 1, priority: 100),
            TableColumn("keys", minWidth: 7, maxWidth: 11, alignment: .right, priority: 95),
            TableColumn("memory", minWidth: 7, maxWidth: 8, alignment: .right, priority: 90),
            TableColumn("share", minWidth: 13, maxWidth: 13, priority: 80),
            TableColumn("no TTL", minWidth: 6, maxWidth: 6, alignment: .right, priority: 70),
            TableColumn("TTL mix", minWidth: 7, maxWidth: 7, priority: 60),
            TableColumn("unread", minWidth: 6, maxWidth: 6, alignment: .right, priority: 50),
            TableColumn("elements", minWidth: 8, maxWidth: 8, alignment: .right, priority: 40),
        ]
        guard sampled else { return stored }
        return stored + [
            TableColumn("reads/s", minWidth: 7, maxWidth: 8, alignment: .right, priority: traffic + 2),
            TableColumn("hit ratio", minWidth: 9, maxWidth: 9, alignment: .right, priority: traffic + 3),
            TableColumn("misses/s", minWidth: 8, maxWidth: 8, alignment: .right, priority: traffic + 1),
            TableColumn("writes/s", minWidth: 8, maxWidth: 8, alignment: .right, priority: traffic - 10),
        ]
    }

    /// Hot keys from the server's LFU counters (an LFU eviction policy), before any traffic sample.
    static let lfuColumns = [
        TableColumn("hot key (LFU counter, w samples the traffic)", minWidth: 14, weight: 1, priority: 100),
        TableColumn("LFU", minWidth: 5, maxWidth: 5, alignment: .right, priority: 95),
        TableColumn("type", minWidth: 6, maxWidth: 8, priority: 60),
        TableColumn("node", minWidth: 8, maxWidth: 22, priority: 30),
    ]

    /// Keys missed again and again in the sample (never cached, or expiring too soon).
    static let missStormColumns = [
        TableColumn("miss storm", minWidth: 14, weight: 1, priority: 100),
        TableColumn("misses", minWidth: 7, maxWidth: 10, alignment: .right, priority: 95),
        TableColumn("misses/s", minWidth: 8, maxWidth: 8, alignment: .right, priority: 90),
    ]

    static let hotKeyColumns = [
        TableColumn("hot key", minWidth: 14, weight: 1, priority: 100),
        TableColumn("reads", minWidth: 7, maxWidth: 10, alignment: .right, priority: 95),
        TableColumn("reads/s", minWidth: 7, maxWidth: 8, alignment: .right, priority: 90),
        TableColumn("share", minWidth: 13, maxWidth: 13, priority: 85),
        TableColumn("hit ratio", minWidth: 9, maxWidth: 9, alignment: .right, priority: 80),
        TableColumn("misses", minWidth: 7, maxWidth: 10, alignment: .right, priority: 70),
    ]

    static let bigKeyColumns = [
        TableColumn("key", minWidth: 14, weight: 1, priority: 100),
        TableColumn("type", minWidth: 6, maxWidth: 8, priority: 60),
        TableColumn("memory", minWidth: 7, maxWidth: 8, alignment: .right, priority: 95),
        TableColumn("elements", minWidth: 8, maxWidth: 10, alignment: .right, priority: 90),
        TableColumn("TTL", minWidth: 7, maxWidth: 8, alignment: .right, priority: 70),
        TableColumn("node", minWidth: 8, maxWidth: 22, priority: 30),
    ]

    static func draw(_ state: AppState, _ insights: InsightsState, into canvas: inout Canvas, rect: Rect) {
        drawTitle(state, insights, into: &canvas, y: rect.y, width: rect.width)
        drawSummary(state, insights, into: &canvas, y: rect.y + 1, width: rect.width)
        let tableRect = Rect(x: rect.x + 1, y: rect.y + 2, width: rect.width - 2, height: rect.height - 2)
        let visible = Layout.insightsRows(height: state.height)
        let first = min(insights.scroll, max(0, insights.rowCount - 1))
        let selected = insights.rowCount > 0 ? insights.selection - first : nil
        // The server's own key sizes (`INFO keysizes`, free) while the first reading of the keys runs.
        if insights.view == .prefixes, insights.outcome?.report == nil, let sizes = insights.progress?.keySizes {
            drawKeySizes(sizes, into: &canvas, rect: tableRect, state: state)
            return
        }
        switch insights.view {
        case .prefixes:
            let report = insights.trafficReport
            let sampled = report != nil || insights.isSampling
            let parent = insights.path.last ?? []
            let rows = insights.level.dropFirst(first).prefix(visible).map { row in
                let cells = cells(for: row, traffic: report, under: parent, state: state)
                return sampled ? cells : Array(cells.prefix(8))
            }
            Table.draw(groupColumns(sampled: sampled), rows: Array(rows), selected: selected, into: &canvas, rect: tableRect)
        case .bigKeys:
            let keys = insights.outcome?.report?.bigKeys ?? []
            let rows = keys.dropFirst(first).prefix(visible).map { cells(for: $0, state: state) }
            Table.draw(bigKeyColumns, rows: Array(rows), selected: selected, into: &canvas, rect: tableRect)
        case .hotKeys:
            let report = insights.trafficReport
            if report == nil, let frequent = insights.outcome?.report?.frequentKeys, !frequent.isEmpty {
                // No traffic sample yet, but the server's LFU counters tell which keys are read most.
                let rows = frequent.dropFirst(first).prefix(visible).map { key in
                    [
                        TableCell(state.keyText(key.key)), TableCell(key.frequency.map(String.init) ?? "—"), TableCell(key.type, role: .dim),
                        TableCell(key.node ?? "—", role: .dim),
                    ]
                }
                Table.draw(lfuColumns, rows: Array(rows), selected: selected, into: &canvas, rect: tableRect)
                break
            }
            let keys = report?.hotKeys ?? []
            let storms = report?.missStorms ?? []
            // Miss storms below the hot keys, when there are any: a header and up to a third of the rows.
            let stormRows = storms.isEmpty ? 0 : min(storms.count + 2, max(3, tableRect.height / 3))
            var hotRect = tableRect
            hotRect.height -= stormRows
            let rows = keys.dropFirst(first).prefix(max(0, visible - stormRows)).map { cells(for: $0, report: report, state: state) }
            Table.draw(hotKeyColumns, rows: Array(rows), selected: selected, into: &canvas, rect: hotRect)
            if stormRows > 0, let report {
                let stormRect = Rect(x: tableRect.x, y: tableRect.y + hotRect.height + 1, width: tableRect.width, height: stormRows - 1)
                let cells = storms.prefix(stormRows - 2).map {
                    [
                        TableCell(state.keyText($0.key)), TableCell(HumanUnits.count($0.misses), role: .warning),
                        TableCell(HumanUnits.rate(report.rate($0.misses))),
                    ]
                }
                Table.draw(missStormColumns, rows: cells, selected: nil, into: &canvas, rect: stormRect)
            }
        }
        if insights.rowCount == 0 {
            let text: String =
                switch insights.view {
                case .hotKeys:
                    insights.trafficReport == nil
                        ? (insights.isSampling ? "listening to the traffic…" : "no traffic sample yet: w listens for 10 s") : "no reads in the sample"
                default:
                    insights.outcome?.report == nil && insights.trafficReport == nil
                        ? (insights.isRunning ? "reading keys…" : "no analysis yet: r reads the keys") : "no keys here"
                }
            canvas.write(text, x: tableRect.x, y: tableRect.y + 2, role: .dim, maxWidth: tableRect.width)
        }
    }

    static let keySizeColumns = [
        TableColumn("key sizes (INFO keysizes)", minWidth: 26, maxWidth: 26, priority: 100),
        TableColumn("size", minWidth: 10, maxWidth: 14, alignment: .right, priority: 90),
        TableColumn("keys", minWidth: 6, maxWidth: 10, alignment: .right, priority: 95),
        TableColumn("", minWidth: 10, maxWidth: 40, weight: 1, priority: 50),
    ]

    /// The key-size histogram, one row per type and bucket, with a bar of its share of that type's keys.
    private static func drawKeySizes(_ sizes: KeySizeDistribution, into canvas: inout Canvas, rect: Rect, state: AppState) {
        let widths = Table.layout(keySizeColumns, width: rect.width)
        let barWidth = widths[3] ?? 10
        var rows: [[TableCell]] = []
        for histogram in sizes.histograms {
            let most = max(1, histogram.buckets.map(\.keys).max() ?? 1)
            for (index, bucket) in histogram.buckets.enumerated() {
                let filled = max(bucket.keys > 0 ? 1 : 0, bucket.keys * barWidth / most)
                rows.append([
                    TableCell(index == 0 ? histogram.type : "", role: .accent),
                    TableCell(KeySizeText.bucket(bucket.lowerBound, unit: histogram.unit)),
                    TableCell(HumanUnits.count(bucket.keys)),
                    TableCell(String(repeating: state.asciiOnly ? "#" : "█", count: filled), role: .accent),
                ])
            }
        }
        Table.draw(keySizeColumns, rows: Array(rows.prefix(Layout.insightsRows(height: state.height))), selected: nil, into: &canvas, rect: rect)
    }

    private static func drawTitle(_ state: AppState, _ insights: InsightsState, into canvas: inout Canvas, y: Int, width: Int) {
        var path = "\(insights.backend.name) › insights"
        for prefix in insights.path { path += " › " + state.keyText(prefix) }
        if insights.view == .bigKeys { path += " › biggest keys" }
        if insights.view == .hotKeys { path += " › hot keys" }
        canvas.write(path, x: 1, y: y, role: .accent, attributes: .bold, maxWidth: width * 2 / 3)
        let mode =
            switch insights.view {
            case .prefixes: "prefix groups · sort \(insights.sort.rawValue)"
            case .bigKeys: "biggest keys"
            case .hotKeys: "hot keys"
            }
        if CharacterWidth.of(mode) + 2 < width / 3 { canvas.write(mode, x: width - CharacterWidth.of(mode) - 1, y: y, role: .dim) }
    }

    /// What was read and when, what the figures are, and why some are missing; or how far a run got.
    private static func drawSummary(_ state: AppState, _ insights: InsightsState, into canvas: inout Canvas, y: Int, width: Int) {
        var parts: [(String, StyleRole)] = []
        if let progress = insights.progress {
            let target = progress.target.map { " of about \(HumanUnits.count($0))" } ?? ""
            parts.append(("reading keys… \(HumanUnits.count(progress.sampled))\(target) (Esc stops)", .warning))
        }
        if let outcome = insights.outcome, let report = outcome.report {
            let read =
                report.estimated
                ? "\(HumanUnits.count(report.totalKeys)) keys, sampled \(HumanUnits.count(report.sampledKeys)) (estimates)"
                : "\(HumanUnits.count(report.totalKeys)) keys, every one read"
            let seconds = insights.replayedAt?.secondsBeforeCursor ?? insights.finishedAt.map { max(0, state.now - $0) } ?? 0
            let ago = seconds < 1 ? "just now" : "\(HumanUnits.ttl(milliseconds: Int64(seconds) * 1000)) ago"
            let when = insights.replayedAt.map { "recorded \($0.text)" + (seconds < 1 ? "" : ", \(ago)") } ?? "read \(ago)"
            let stopped = outcome.ending == .stopped ? ", stopped early" : ""
            parts.append(("\(read)\(stopped) · \(when) in \(DurationText.latency(outcome.elapsed))", .dim))
            if insights.changedSinceRead { parts.append(("changed since: r reads again", .warning)) }
            for missing in report.missingNodes { parts.append(("missing \(missing.address): \(missing.reason)", .error)) }
        }
        // The traffic sample's method and hit ratio before the memory's source and the long notes (a refusal in
        // the server's words), so a narrow terminal never cuts them off.
        parts += trafficParts(state, insights)
        if let report = insights.outcome?.report {
            let memory: String =
                switch report.memorySource {
                case .memoryUsage: "memory as the server counts it"
                case .length: "memory from value lengths"
                case nil: "memory unknown"
                }
            parts.append((memory, .dim))
            if let note = report.memoryNote { parts.append((note, .warning)) }
            if let note = report.elementsNote { parts.append((note, .warning)) }
        }
        var x = 1
        for (index, part) in parts.enumerated() where x < width - 1 {
            if index > 0 { x += canvas.write(" · ", x: x, y: y, role: .dim, maxWidth: width - x - 1) }
            x += canvas.write(part.0, x: x, y: y, role: part.1, maxWidth: width - x - 1)
        }
    }

    /// The traffic sample: running (a countdown), or what the last one measured and what it could not.
    private static func trafficParts(_ state: AppState, _ insights: InsightsState) -> [(String, StyleRole)] {
        var parts: [(String, StyleRole)] = []
        if let progress = insights.trafficProgress {
            let left = max(Duration.zero, progress.duration - progress.elapsed)
            let seconds = Int((Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18).rounded(.up))
            parts.append(("listening… \(seconds) s left, \(HumanUnits.count(progress.events)) events (Esc stops)", .warning))
        }
        guard let report = insights.trafficReport else {
            // A replay has no traffic to listen to.
            if insights.trafficProgress == nil, state.replay == nil { parts.append(("w samples the traffic", .dim)) }
            return parts
        }
        let seconds = insights.trafficReplayedAt?.secondsBeforeCursor ?? insights.trafficFinishedAt.map { max(0, state.now - $0) } ?? 0
        var ago = seconds < 1 ? "just now" : "\(HumanUnits.ttl(milliseconds: Int64(seconds) * 1000)) ago"
        if let replayed = insights.trafficReplayedAt { ago = "recorded \(replayed.text)" + (seconds < 1 ? "" : ", \(ago)") }
        let ratio = report.root.hitRatio.map { "hit ratio \(percent(fraction: $0))" } ?? "hit ratio unknown"
        parts.append(("traffic \(DurationText.took(report.duration)) by \(report.method.rawValue) \(ago): \(ratio)", .dim))
        if report.eventsSeen > report.eventsCounted { parts.append(("sampled \(percent(fraction: report.sampledFraction)) of the events", .warning)) }
        if let partial = report.partial { parts.append((partial, .warning)) }
        for line in report.settingsNotRestored { parts.append((line, .error)) }
        for note in report.notes { parts.append((note, .dim)) }
        return parts
    }

    /// A row's cells; inside a group (`parent`), names start with `…` where they repeat the group's prefix, so
    /// what tells the rows apart stays in view.
    static func cells(for row: InsightsRow, traffic report: TrafficReport?, under parent: [UInt8] = [], state: AppState) -> [TableCell] {
        let mark = row.hasChildren ? "▸ " : "  "
        let shown = row.name { prefix in
            guard !parent.isEmpty, prefix.count > parent.count, prefix.hasBytePrefix(parent) else { return state.keyText(prefix) }
            return "…" + state.keyText(Array(prefix[parent.count...]))
        }
        let name = TableCell(mark + shown, role: row.hasChildren ? .accent : .text)
        var cells: [TableCell]
        if let group = row.keyspace {
            cells = [
                name,
                TableCell(HumanUnits.count(group.keys)),
                TableCell(HumanUnits.size(group.memoryBytes).replacingQuestionMark, role: .text),
                TableCell(group.share.map { shareText($0) } ?? "—", role: .accent),
                group.ttlKnown
                    ? TableCell(percent(group.noTTLKeys, of: group.keys), role: group.noTTLKeys > 0 ? .text : .dim) : TableCell("—", role: .dim),
                group.ttlKnown
                    ? TableCell(String(Sparkline.characters(group.ttl.counts.map(Double.init), width: 5, minimum: 0)), role: .accent)
                    : TableCell("—", role: .dim),
                TableCell(group.neverRead.map { percent($0, of: group.keys) } ?? "—", role: (group.neverRead ?? 0) > 0 ? .warning : .dim),
                TableCell(group.meanElements.map { HumanUnits.rate($0) } ?? "—", role: .dim),
            ]
        } else {
            // Read but not stored (only missed), or not in the keyspace analysis.
            cells = [name, TableCell("0", role: .dim)] + Array(repeating: TableCell("—", role: .dim), count: 6)
        }
        guard let report else { return cells + Array(repeating: TableCell("—", role: .dim), count: 4) }
        guard let traffic = row.traffic else {
            return cells + [TableCell(report.method.knowsReads ? "0" : "—", role: .dim)] + Array(repeating: TableCell("—", role: .dim), count: 3)
        }
        let ratio = traffic.hitRatio
        let ratioRole: StyleRole = ratio.map { $0 < 0.5 ? .error : $0 < 0.8 ? .warning : .good } ?? .dim
        return cells + [
            report.method.knowsReads ? TableCell(HumanUnits.rate(report.rate(traffic.reads))) : TableCell("—", role: .dim),
            TableCell(ratio.map { percent(fraction: $0) } ?? "—", role: ratioRole),
            TableCell(traffic.misses.map { HumanUnits.rate(report.rate($0)) } ?? "—", role: (traffic.misses ?? 0) > 0 ? .warning : .dim),
            TableCell(HumanUnits.rate(report.rate(traffic.writes)), role: .dim),
        ]
    }

    static func cells(for key: TrafficReport.HotKey, report: TrafficReport?, state: AppState) -> [TableCell] {
        let ratio = key.hitRatio
        return [
            TableCell(state.keyText(key.key)),
            TableCell(HumanUnits.count(key.reads)),
            TableCell(report.map { HumanUnits.rate($0.rate(key.reads)) } ?? "—"),
            TableCell(shareText(key.share), role: .accent),
            TableCell(ratio.map { percent(fraction: $0) } ?? "—", role: ratio.map { $0 < 0.5 ? .error : $0 < 0.8 ? .warning : .good } ?? .dim),
            TableCell(key.misses.map(HumanUnits.count) ?? "—", role: (key.misses ?? 0) > 0 ? .warning : .dim),
        ]
    }

    /// `87.5%`.
    private static func percent(fraction: Double) -> String { "\(HumanUnits.oneDecimal(fraction * 100))%" }

    static func cells(for key: SampledKey, state: AppState) -> [TableCell] {
        [
            TableCell(state.keyText(key.key)),
            TableCell(key.type, role: .dim),
            TableCell(HumanUnits.size(key.memoryBytes).replacingQuestionMark),
            TableCell(key.elements.map(HumanUnits.count) ?? "—"),
            key.ttlKnown
                ? TableCell(HumanUnits.countdown(milliseconds: key.ttlMilliseconds), role: key.ttlMilliseconds == nil ? .dim : .text)
                : TableCell("—", role: .dim),
            TableCell(key.node ?? "—", role: .dim),
        ]
    }

    /// `████░░░░ 62%`: a share as a bar and a percentage.
    static func shareText(_ fraction: Double) -> String {
        let clamped = min(max(fraction, 0), 1)
        let filled = Int((clamped * 8).rounded())
        let percent = Int((clamped * 100).rounded())
        return String(repeating: "█", count: filled) + String(repeating: "░", count: 8 - filled) + " " + "\(percent)%"
    }

    private static func percent(_ part: Int, of whole: Int) -> String {
        whole > 0 ? "\(Int((Double(part) / Double(whole) * 100).rounded()))%" : "—"
    }
}

extension String {
    /// `—` for HumanUnits' `?` (unknown), the dashboard's mark for a figure it does not have.
    fileprivate var replacingQuestionMark: String { self == "?" ? "—" : self }
}
