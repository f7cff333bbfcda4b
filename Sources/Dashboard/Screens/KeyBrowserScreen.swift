import Basics
import CacheMonitor

/// The selected backend's keys: a title with the filter and counts, then the keys (list) or the prefix
/// groups of the current tree level (tree), with kind, type, a TTL counting down and size.
enum KeyBrowserScreen {
    /// The columns for `rows`: the type column widens to its longest cell (a hash's `2/3 exp` badge).
    static func columns(for rows: [[TableCell]]) -> [TableColumn] {
        let typeWidth = min(16, max(6, rows.map { CharacterWidth.of($0[2].text) }.max() ?? 0))
        var columns = Self.columns
        columns[2].minWidth = typeWidth
        columns[2].maxWidth = max(typeWidth, columns[2].maxWidth ?? typeWidth)
        return columns
    }

    static let columns = [
        TableColumn("key", minWidth: 12, weight: 1, priority: 100),
        TableColumn("kind", minWidth: 7, maxWidth: 7, priority: 50),
        TableColumn("type", minWidth: 6, maxWidth: 10, priority: 40),
        TableColumn("TTL", minWidth: 7, maxWidth: 8, alignment: .right, priority: 90),
        TableColumn("size", minWidth: 6, maxWidth: 8, alignment: .right, priority: 60),
    ]

    static func draw(_ state: AppState, _ browser: KeyBrowserState, into canvas: inout Canvas, rect: Rect) {
        drawTitle(state, browser, into: &canvas, y: rect.y, width: rect.width)
        let tableRect = Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 1)
        let visible = Layout.keyRows(height: state.height)
        let first = min(browser.scroll, max(0, browser.rowCount - 1))
        let rows: [[TableCell]]
        switch browser.viewMode {
        case .list:
            rows = browser.rows.dropFirst(first).prefix(visible).map { cells(for: $0, state: state) }
        case .tree:
            rows = browser.treeLevel.dropFirst(first).prefix(visible).map { node in
                if node.children.isEmpty, let key = browser.rows.first(where: { $0.key == node.prefix }) {
                    var row = cells(for: key, state: state)
                    row[0].text = "  " + state.keyText(node.segment)
                    return row
                }
                return [
                    TableCell("▸ \(state.keyText(node.segment))", role: .accent), TableCell("group", role: .dim), TableCell(""),
                    TableCell(""), TableCell(HumanUnits.count(node.count), role: .dim),
                ]
            }
        }
        Table.draw(
            columns(for: rows), rows: rows, selected: browser.rowCount > 0 ? browser.selection - first : nil, into: &canvas, rect: tableRect)
        if rows.isEmpty {
            let text = browser.loadError.map { "could not list keys: \($0)" } ?? (browser.isLoading ? "loading keys…" : "no keys match")
            canvas.write(text, x: tableRect.x, y: tableRect.y + 2, role: browser.loadError == nil ? .dim : .error, maxWidth: tableRect.width)
        }
    }

    static func cells(for key: BrowsedKey, state: AppState) -> [TableCell] {
        let remaining = key.remainingMilliseconds(at: state.now)
        let soon = remaining.map { Double($0) < state.thresholds.ttlWarningSeconds * 1000 } ?? false
        let kind = KeyKind.of(key.key, prefix: state.keyBrowser?.backend.keyPrefix)
        return [
            TableCell(state.keyText(key.key)),
            TableCell(kind.rawValue, role: kind == .plain ? .dim : .accent),
            // A hash whose fields expire: `hash 2/3 exp` (expiring fields of the fields).
            TableCell(
                key.fieldTTL.map { "\(key.type) \($0.volatile)/\($0.fields) exp" } ?? key.type,
                role: key.fieldTTL == nil ? .dim : .warning),
            key.ttlKnown
                ? TableCell(HumanUnits.countdown(milliseconds: remaining), role: soon ? .warning : (remaining == nil ? .dim : .text))
                : TableCell("—", role: .dim),
            TableCell(key.size.map { HumanUnits.size($0) } ?? "—", role: .dim),
        ]
    }

    private static func drawTitle(_ state: AppState, _ browser: KeyBrowserState, into canvas: inout Canvas, y: Int, width: Int) {
        var x = 1
        let separator = " › "
        var path = "\(browser.backend.name)\(separator)keys"
        if browser.viewMode == .tree {
            for prefix in browser.treePath { path += separator + state.keyText(prefix) }
        }
        x += canvas.write(path, x: x, y: y, role: .accent, attributes: .bold, maxWidth: width / 2) + 2
        if !browser.filterText.isEmpty {
            x += canvas.write("filter \(browser.filterText)", x: x, y: y, role: .warning, maxWidth: max(0, width - x - 30)) + 2
        }
        x += canvas.write(countText(browser), x: x, y: y, role: browser.loadError == nil ? .text : .error, maxWidth: max(0, width - x - 1)) + 2
        let mode = "\(browser.viewMode.rawValue) · sort \(browser.sort.rawValue)"
        if x + mode.count < width { canvas.write(mode, x: width - mode.count - 1, y: y, role: .dim) }
    }

    static func countText(_ browser: KeyBrowserState) -> String {
        if let error = browser.loadError { return "error: \(error)" }
        guard let window = browser.window else { return "loading…" }
        let loaded = window.keys.count
        let shown = browser.rows.count
        var text = shown == loaded ? "\(HumanUnits.count(loaded)) keys" : "\(HumanUnits.count(shown)) of \(HumanUnits.count(loaded)) keys"
        if !window.complete { text += " (loading…)" }
        if window.more { text += " — window full, more on the server (filter to narrow)" }
        return text
    }
}
