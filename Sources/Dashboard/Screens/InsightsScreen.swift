import Basics
import CacheMonitor

/// A backend's insights: where its keys and memory are, per prefix group (keys, memory, its share, keys
/// without a TTL, a TTL mix, never-read items, mean elements), or its biggest keys — from the last analysis,
/// with what it read and when.
enum InsightsScreen {
    static let groupColumns = [
        TableColumn("prefix", minWidth: 14, weight: 1, priority: 100),
        TableColumn("keys", minWidth: 7, maxWidth: 11, alignment: .right, priority: 95),
        TableColumn("memory", minWidth: 7, maxWidth: 8, alignment: .right, priority: 90),
        TableColumn("share", minWidth: 13, maxWidth: 13, priority: 80),
        TableColumn("no TTL", minWidth: 6, maxWidth: 6, alignment: .right, priority: 70),
        TableColumn("TTL mix", minWidth: 7, maxWidth: 7, priority: 60),
        TableColumn("unread", minWidth: 6, maxWidth: 6, alignment: .right, priority: 50),
        TableColumn("elements", minWidth: 8, maxWidth: 8, alignment: .right, priority: 40),
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
        switch insights.view {
        case .prefixes:
            let rows = insights.level.dropFirst(first).prefix(visible).map { cells(for: $0, state: state) }
            Table.draw(groupColumns, rows: Array(rows), selected: selected, into: &canvas, rect: tableRect)
        case .bigKeys:
            let keys = insights.outcome?.report?.bigKeys ?? []
            let rows = keys.dropFirst(first).prefix(visible).map { cells(for: $0, state: state) }
            Table.draw(bigKeyColumns, rows: Array(rows), selected: selected, into: &canvas, rect: tableRect)
        }
        if insights.rowCount == 0 {
            let text =
                insights.outcome?.report == nil
                ? (insights.isRunning ? "reading keys…" : "no analysis yet: r reads the keys") : "no keys here"
            canvas.write(text, x: tableRect.x, y: tableRect.y + 2, role: .dim, maxWidth: tableRect.width)
        }
    }

    private static func drawTitle(_ state: AppState, _ insights: InsightsState, into canvas: inout Canvas, y: Int, width: Int) {
        var path = "\(insights.backend.name) › insights"
        for prefix in insights.path { path += " › " + state.keyText(prefix) }
        if insights.view == .bigKeys { path += " › biggest keys" }
        canvas.write(path, x: 1, y: y, role: .accent, attributes: .bold, maxWidth: width * 2 / 3)
        let mode = insights.view == .prefixes ? "prefix groups · sort \(insights.sort.rawValue)" : "biggest keys"
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
            let seconds = insights.finishedAt.map { max(0, state.now - $0) } ?? 0
            let ago = seconds < 1 ? "just now" : "\(HumanUnits.ttl(milliseconds: Int64(seconds) * 1000)) ago"
            let stopped = outcome.ending == .stopped ? ", stopped early" : ""
            parts.append(("\(read)\(stopped) · read \(ago) in \(DurationText.latency(outcome.elapsed))", .dim))
            if insights.changedSinceRead { parts.append(("changed since: r reads again", .warning)) }
            let memory: String =
                switch report.memorySource {
                case .memoryUsage: "memory as the server counts it"
                case .length: "memory from value lengths"
                case nil: "memory unknown"
                }
            parts.append((memory, .dim))
            if let note = report.memoryNote { parts.append((note, .warning)) }
            if let note = report.elementsNote { parts.append((note, .warning)) }
            for missing in report.missingNodes { parts.append(("missing \(missing.address): \(missing.reason)", .error)) }
        }
        var x = 1
        for (index, part) in parts.enumerated() where x < width - 1 {
            if index > 0 { x += canvas.write(" · ", x: x, y: y, role: .dim, maxWidth: width - x - 1) }
            x += canvas.write(part.0, x: x, y: y, role: part.1, maxWidth: width - x - 1)
        }
    }

    static func cells(for group: KeyspaceReport.Group, state: AppState) -> [TableCell] {
        let mark = group.children.isEmpty ? "  " : "▸ "
        let share = group.share.map { shareText($0) } ?? "—"
        return [
            TableCell(mark + group.name(keyText: state.keyText), role: group.children.isEmpty ? .text : .accent),
            TableCell(HumanUnits.count(group.keys)),
            TableCell(HumanUnits.size(group.memoryBytes).replacingQuestionMark, role: .text),
            TableCell(share, role: .accent),
            TableCell(percent(group.noTTLKeys, of: group.keys), role: group.noTTLKeys > 0 ? .text : .dim),
            TableCell(String(Sparkline.characters(group.ttl.counts.map(Double.init), width: 5, minimum: 0)), role: .accent),
            TableCell(group.neverRead.map { percent($0, of: group.keys) } ?? "—", role: (group.neverRead ?? 0) > 0 ? .warning : .dim),
            TableCell(group.meanElements.map { HumanUnits.rate($0) } ?? "—", role: .dim),
        ]
    }

    static func cells(for key: SampledKey, state: AppState) -> [TableCell] {
        [
            TableCell(state.keyText(key.key)),
            TableCell(key.type, role: .dim),
            TableCell(HumanUnits.size(key.memoryBytes).replacingQuestionMark),
            TableCell(key.elements.map(HumanUnits.count) ?? "—"),
            TableCell(HumanUnits.countdown(milliseconds: key.ttlMilliseconds), role: key.ttlMilliseconds == nil ? .dim : .text),
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
