import Basics
import CacheMonitor

/// A backend's health: a tab bar (slow log, commands, latency, clients, memory, replication; memcached
/// slabs, settings, connections), what needs attention, and the tab's table — for one server, or every
/// server merged with a node column.
enum HealthScreen {
    static func draw(_ state: AppState, _ screen: HealthState, into canvas: inout Canvas, rect: Rect) {
        let snapshot = state.snapshot.backend(screen.backend.id)
        let tabs = HealthTab.tabs(for: screen.backend, health: snapshot?.health)
        drawTitle(state, screen, snapshot, into: &canvas, y: rect.y, width: rect.width)
        for (tab, x, width) in tabPositions(tabs, width: rect.width) {
            let selected = tab == screen.tab
            canvas.write(
                " \(tab.rawValue) ", x: x, y: rect.y + 1, role: selected ? .selection : .dim, attributes: selected ? [.bold, .reverse] : [],
                maxWidth: width)
        }
        let tableRect = Rect(x: rect.x + 1, y: rect.y + 3, width: rect.width - 2, height: rect.height - 3)
        guard let health = snapshot?.health else {
            drawAttention(
                nil, naming: false, error: snapshot?.status == .up ? nil : snapshot?.error, state: state, into: &canvas, y: rect.y + 2,
                width: rect.width)
            let text = snapshot?.status == .up ? "reading the server's health…" : "\(screen.backend.name) is not up: nothing to read"
            canvas.write(text, x: tableRect.x, y: tableRect.y + 1, role: .dim, maxWidth: tableRect.width)
            return
        }
        let shown = health.attention.filter { screen.node == nil || $0.node == screen.node }
        let merged = screen.node == nil && health.servers.count + health.missing.count > 1
        drawAttention(shown, naming: merged, error: health.error, state: state, into: &canvas, y: rect.y + 2, width: rect.width)
        let table = HealthTables.table(screen, health, merged: merged, state: state)
        let visible = Layout.healthRows(height: state.height)
        let first = min(screen.scroll, max(0, table.rows.count - 1))
        let selected = screen.tab.isList && !table.rows.isEmpty ? screen.selection - first : nil
        Table.draw(table.columns, rows: Array(table.rows.dropFirst(first).prefix(visible)), selected: selected, into: &canvas, rect: tableRect)
        var y = tableRect.y + 1 + min(visible, table.rows.count)
        if table.rows.isEmpty, let empty = table.empty {
            canvas.write(empty, x: tableRect.x, y: tableRect.y + 1, role: .dim, maxWidth: tableRect.width)
            y += 1
        }
        for (line, role) in table.notes where y < tableRect.y + tableRect.height {
            canvas.write(line, x: tableRect.x, y: y, role: role, maxWidth: tableRect.width)
            y += 1
        }
    }

    /// Where each tab sits on the tab bar: its x and width (what a click hits).
    static func tabPositions(_ tabs: [HealthTab], width: Int) -> [(tab: HealthTab, x: Int, width: Int)] {
        var x = 1
        var out: [(HealthTab, Int, Int)] = []
        for tab in tabs {
            let label = CharacterWidth.of(tab.rawValue) + 2
            guard x + label <= width else { break }
            out.append((tab, x, label))
            x += label + 1
        }
        return out
    }

    private static func drawTitle(
        _ state: AppState, _ screen: HealthState, _ snapshot: BackendSnapshot?, into canvas: inout Canvas, y: Int, width: Int
    ) {
        let server = screen.node ?? ((snapshot?.health?.servers.count ?? 1) + (snapshot?.health?.missing.count ?? 0) > 1 ? "all servers" : nil)
        var title = "\(screen.backend.name) › health › \(screen.tab.rawValue)"
        if let server { title += " · \(server)" }
        canvas.write(title, x: 1, y: y, role: .accent, attributes: .bold, maxWidth: width * 2 / 3)
        var right: String
        if let health = snapshot?.health, let readAt = health.readAt {
            let seconds = max(0, state.snapshot.takenAt - readAt)
            right = seconds < 1.5 ? "read just now" : "read \(HumanUnits.ttl(milliseconds: Int64(seconds) * 1000)) ago"
            if case .attention = health.scope { right = "reading every view…" }
        } else {
            right = ""
        }
        if let health = snapshot?.health, health.servers.count + health.missing.count > 1 { right += " · > next server" }
        let x = width - CharacterWidth.of(right) - 1
        if x > width * 2 / 3 { canvas.write(right, x: x, y: y, role: .dim) }
    }

    /// One line: what needs attention on the servers shown, the reading's failure, or that all is well.
    private static func drawAttention(
        _ attention: [Attention]?, naming nodes: Bool, error: String?, state: AppState, into canvas: inout Canvas, y: Int, width: Int
    ) {
        var x = 1
        if let error {
            x += canvas.write("reading failed: \(error)", x: x, y: y, role: .error, maxWidth: width - 2) + 2
        }
        guard let attention, x < width - 2 else { return }
        guard !attention.isEmpty else {
            if error == nil { canvas.write("✓ nothing needs attention", x: x, y: y, role: .good, maxWidth: width - x - 1) }
            return
        }
        for (index, line) in attention.enumerated() where x < width - 2 {
            if index > 0 { x += canvas.write(" · ", x: x, y: y, role: .dim, maxWidth: width - x - 1) }
            let node = nodes ? line.node.map { "\($0): " } ?? "" : ""
            x += canvas.write("⚠ \(node)\(line.message)", x: x, y: y, role: AttentionText.role(line.rule), maxWidth: width - x - 1)
        }
    }
}

/// How attention lines look wherever they are shown.
enum AttentionText {
    /// Red for what loses data or refuses writes, yellow for the rest.
    static func role(_ rule: Attention.Rule) -> StyleRole {
        switch rule {
        case .replicaLink, .persistence, .noevictionFull: .error
        default: .warning
        }
    }

    /// The worst role among `attention` (`nil` when empty).
    static func role(of attention: [Attention]) -> StyleRole? {
        guard !attention.isEmpty else { return nil }
        return attention.contains { role($0.rule) == .error } ? .error : .warning
    }
}
