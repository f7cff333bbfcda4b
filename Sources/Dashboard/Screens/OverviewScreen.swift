import CacheMonitor

/// One row per backend (numbered for 1–9), its servers under it when expanded, and in the full layout a
/// panel about the selected backend.
enum OverviewScreen {
    enum Column: Int, CaseIterable {
        case number, name, type, address, status, attention, hitRatio, lifetime, trend, hits, misses, ops, keys, memory, evictions, latency
    }

    /// - Parameter showsNodes: a cluster's nodes are listed: their type cell (role, slots) then matters more
    ///   than the lifetime ratio and the trend, which give way first, and a status may say `fail?`.
    static func columns(width: Int, addressWidth: Int, nameWidth: Int, showsNodes: Bool = false) -> [TableColumn] {
        // Addresses are fitted to their column by AddressText: the host gives way from the left, the port
        // stays. From 100 columns the column is wider, up to the longest address (at most 40).
        let address = width >= 100 ? min(22, max(12, addressWidth)) : 12
        return [
            TableColumn("#", minWidth: 1, maxWidth: 1, priority: 96),
            TableColumn("name", minWidth: min(14, max(showsNodes ? 12 : 6, nameWidth)), maxWidth: 18, weight: 1, priority: 100),
            TableColumn("type", minWidth: 11, maxWidth: 13, priority: showsNodes ? 48 : 20),
            TableColumn("address", minWidth: address, maxWidth: max(address, min(40, addressWidth)), weight: 2, priority: 85),
            TableColumn("status", minWidth: showsNodes ? 7 : 6, maxWidth: 11, priority: 97),
            // What needs attention on the backend's servers: `⚠ 2` (h shows why; the panel says it in words).
            TableColumn("⚠", minWidth: 3, maxWidth: 4, priority: 92),
            TableColumn("hit%", minWidth: 6, maxWidth: 6, alignment: .right, priority: 95),
            TableColumn("life%", minWidth: 6, maxWidth: 6, alignment: .right, priority: 45),
            TableColumn("trend", minWidth: 8, maxWidth: 60, weight: 3, priority: 40),
            TableColumn("hits/s", minWidth: 6, maxWidth: 7, alignment: .right, priority: 50),
            TableColumn("miss/s", minWidth: 6, maxWidth: 7, alignment: .right, priority: 49),
            TableColumn("ops/s", minWidth: 6, maxWidth: 7, alignment: .right, priority: 70),
            TableColumn("keys", minWidth: 6, maxWidth: 9, alignment: .right, priority: 60),
            TableColumn("memory", minWidth: 9, maxWidth: 16, weight: 1, priority: 55),
            TableColumn("evict/s", minWidth: 7, maxWidth: 7, alignment: .right, priority: 35),
            TableColumn("latency", minWidth: 7, maxWidth: 7, alignment: .right, priority: 30),
        ]
    }

    /// The backends' table and panel, and under them (≥ 100×30, while the demo runs) the demo's routes.
    static func draw(_ state: AppState, into canvas: inout Canvas, rect: Rect) {
        guard let traffic = state.demoTraffic, Layout.showsRoutesPanel(width: state.width, height: state.height) else {
            drawBackends(state, into: &canvas, rect: rect)
            return
        }
        let routesHeight = min(RoutesPanel.height(traffic), rect.height / 2)
        let used = drawBackends(state, into: &canvas, rect: Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height - routesHeight))
        RoutesPanel.draw(traffic, state: state, into: &canvas, rect: Rect(x: rect.x, y: rect.y + used, width: rect.width, height: routesHeight))
    }

    /// Draws the backends; returns how many rows it used.
    @discardableResult
    static func drawBackends(_ state: AppState, into canvas: inout Canvas, rect: Rect) -> Int {
        let backends = state.snapshot.backends
        guard !backends.isEmpty else {
            let text = state.emptyMessage ?? "No backends to watch. Give --redis URL or --memcached HOST:PORT, or a config file."
            canvas.write(text, x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 4)
            return 2
        }
        let addressWidth = backends.map { CharacterWidth.of($0.address) }.max() ?? 12
        let nameWidth = backends.map { CharacterWidth.of($0.name) }.max() ?? 6
        let showsNodes = backends.contains { backend in
            state.expandedBackends.contains(backend.id)
                && (backend.sample?.servers.contains { $0.role != nil } == true || !(backend.sample?.topology.isEmpty ?? true))
        }
        let columns = columns(width: rect.width, addressWidth: addressWidth, nameWidth: nameWidth, showsNodes: showsNodes)
        let widths = Table.layout(columns, width: rect.width - 1)
        var rows: [(cells: [TableCell], backend: BackendSnapshot?, server: ServerReading?, id: BackendID)] = []
        for (index, backend) in backends.enumerated() {
            var cells = OverviewRow.cells(backend, number: index + 1, state: state)
            fitAddress(&cells, widths)
            rows.append((cells, backend, nil, backend.id))
            if state.expandedBackends.contains(backend.id), backend.hasServerRows, let servers = backend.sample?.servers {
                for server in servers {
                    var cells = OverviewRow.serverCells(server, rates: backend.rates?.servers[server.address], state: state)
                    fitAddress(&cells, widths)
                    rows.append((cells, nil, server, backend.id))
                }
            }
            // A Sentinel-managed master: its replicas and sentinels under it.
            if state.expandedBackends.contains(backend.id), let members = backend.sample?.topology {
                for member in members {
                    var cells = OverviewRow.topologyCells(member)
                    fitAddress(&cells, widths)
                    rows.append((cells, nil, nil, backend.id))
                }
            }
        }
        let selectedID = state.selectedSnapshot?.id
        let selectedRow = rows.firstIndex { $0.id == selectedID && $0.server == nil }
        let (panelHeight, tableHeight, first) = geometry(state, rect: rect, rowCount: rows.count, selectedRow: selectedRow)
        let visible = max(1, tableHeight - 1)
        let shown = Array(rows[first..<min(rows.count, first + visible)])
        let tableRect = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 1, height: tableHeight)
        Table.draw(columns, rows: shown.map(\.cells), selected: selectedRow.map { $0 - first }, into: &canvas, rect: tableRect)
        let origins = Table.origins(widths, x: tableRect.x)
        for (offset, row) in shown.enumerated() {
            if let server = row.server { OverviewRow.drawServerReason(server, origins: origins, y: tableRect.y + 1 + offset, into: &canvas) }
            guard let backend = row.backend else { continue }
            OverviewRow.drawGraphics(
                backend, state: state, widths: widths, origins: origins, y: tableRect.y + 1 + offset, selected: row.id == selectedID, into: &canvas)
        }
        if panelHeight > 4, let selected = state.selectedSnapshot {
            BackendPanel.draw(
                selected, state: state, into: &canvas, rect: Rect(x: rect.x, y: rect.y + tableHeight, width: rect.width, height: panelHeight))
            return tableHeight + panelHeight
        }
        return min(rect.height, rows.count + 1)
    }

    /// How the rows share `rect` with the panel: the panel's height (0: none), the table's (with its header),
    /// and the first row shown (the selected one stays in view).
    static func geometry(_ state: AppState, rect: Rect, rowCount: Int, selectedRow: Int?) -> (panel: Int, table: Int, first: Int) {
        let full = Layout.isFull(width: state.width, height: state.height)
        // The panel sits right under the table when there is room for it.
        let attentionLines = min(4, state.selectedSnapshot?.status == .up ? state.selectedSnapshot?.health?.attention.count ?? 0 : 0)
        let panelHeight = full ? min(7 + attentionLines, max(0, rect.height - rowCount - 2)) : 0
        let tableHeight = panelHeight > 4 ? min(rect.height - panelHeight, rowCount + 2) : rect.height
        let visible = max(1, tableHeight - 1)
        return (panelHeight, tableHeight, selectedRow.map { max(0, $0 - visible + 1) } ?? 0)
    }

    /// The rows of the table in order: each backend, then its servers when expanded — what a click picks.
    static func rowBackends(_ state: AppState) -> [(id: BackendID, isServer: Bool)] {
        state.snapshot.backends.flatMap { backend -> [(id: BackendID, isServer: Bool)] in
            let servers =
                state.expandedBackends.contains(backend.id) && backend.hasServerRows
                ? (backend.sample?.servers.count ?? 0) + (backend.sample?.topology.count ?? 0) : 0
            return [(backend.id, false)] + Array(repeating: (backend.id, true), count: servers)
        }
    }

    /// The backend whose row (or server row) is drawn on line `y`, if any.
    static func backend(atLine y: Int, _ state: AppState) -> BackendID? {
        let rect = Layout.body(width: state.width, height: state.height)
        let rows = rowBackends(state)
        let selectedRow = rows.firstIndex { $0.id == state.selectedSnapshot?.id && !$0.isServer }
        let (_, tableHeight, first) = geometry(state, rect: rect, rowCount: rows.count, selectedRow: selectedRow)
        let index = first + y - (rect.y + 1)
        guard y > rect.y, y < rect.y + tableHeight, rows.indices.contains(index) else { return nil }
        return rows[index].id
    }

    /// The address cell, fitted so the port survives.
    private static func fitAddress(_ cells: inout [TableCell], _ widths: [Int?]) {
        guard let width = widths[Column.address.rawValue] else { return }
        cells[Column.address.rawValue].text = AddressText.fit(cells[Column.address.rawValue].text, width: width)
    }
}
