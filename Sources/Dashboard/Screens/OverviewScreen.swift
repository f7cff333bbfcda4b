import CacheMonitor

/// One row per backend (numbered for 1–9), its servers under it when expanded, and in the full layout a
/// panel about the selected backend.
enum OverviewScreen {
    enum Column: Int, CaseIterable {
        case number, name, type, address, status, attention, hitRatio, lifetime, trend, hits, misses, ops, keys, memory, evictions, latency
    }

    /// - Parameters:
    ///   - showsNodes: a cluster's nodes are listed: their type cell (role, slots) then matters more than the
    ///     lifetime ratio and the trend, which give way first, and a status may say `fail?`.
    ///   - sort: the sorted column's title is marked `▾` (largest or Z first) or `▴`, and it is never hidden.
    static func columns(
        width: Int, addressWidth: Int, nameWidth: Int, showsNodes: Bool = false, sort: OverviewOptions = OverviewOptions()
    ) -> [TableColumn] {
        // Addresses are fitted to their column by AddressText: the host gives way from the left, the port
        // stays. From 100 columns the column is wider, up to the longest address (at most 40).
        let address = width >= 100 ? min(22, max(12, addressWidth)) : 12
        var columns = [
            TableColumn("#", minWidth: 1, maxWidth: 1, priority: 96),
            TableColumn(
                "name", minWidth: min(14, max(showsNodes ? 12 : 6, nameWidth)), maxWidth: max(18, min(26, nameWidth)), weight: 1, priority: 100),
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
            TableColumn("keys", minWidth: 7, maxWidth: 9, alignment: .right, priority: 60),
            TableColumn("memory", minWidth: 9, maxWidth: 16, weight: 1, priority: 55),
            TableColumn("evict/s", minWidth: 7, maxWidth: 7, alignment: .right, priority: 35),
            TableColumn("latency", minWidth: 7, maxWidth: 7, alignment: .right, priority: 30),
        ]
        if let sorted = column(sortedBy: sort.sort) {
            let descending = sort.sort.descendsNaturally != sort.reversed
            var marked = columns[sorted.rawValue]
            marked.title += descending ? "▾" : "▴"
            let needed = CharacterWidth.of(marked.title)
            marked.minWidth = max(marked.minWidth, needed)
            marked.maxWidth = marked.maxWidth.map { max($0, needed) }
            marked.priority = 99
            columns[sorted.rawValue] = marked
        }
        return columns
    }

    /// The column a sort orders by (none for the order given).
    static func column(sortedBy sort: OverviewSortColumn) -> Column? {
        switch sort {
        case .number: nil
        case .name: .name
        case .type: .type
        case .address: .address
        case .status: .status
        case .attention: .attention
        case .hitRatio: .hitRatio
        case .lifetime: .lifetime
        case .hits: .hits
        case .misses: .misses
        case .ops: .ops
        case .keys: .keys
        case .memory: .memory
        case .evictions: .evictions
        case .latency: .latency
        }
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

    /// Draws the totals line and the backends; returns how many rows it used.
    @discardableResult
    static func drawBackends(_ state: AppState, into canvas: inout Canvas, rect: Rect) -> Int {
        let backends = state.snapshot.backends
        guard !backends.isEmpty else {
            let text = state.emptyMessage ?? "No backends to watch. Give --redis URL or --memcached HOST:PORT, or a config file."
            canvas.write(text, x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 4)
            return 2
        }
        let rows = OverviewRows(state)
        let area = tableArea(state, in: rect)
        if area.y > rect.y { TotalsLine.draw(rows.totals, state: state, into: &canvas, x: rect.x, y: rect.y, width: rect.width) }
        guard !rows.lines.isEmpty else {
            let options = state.overview.options
            let text =
                options.filter.isEmpty
                ? "No problems among the \(backends.count) backends (! shows them all)."
                : "No backend matches '\(options.filter)'\(options.problemsOnly ? " among the problems" : "") (/ changes the filter, Esc clears it)."
            canvas.write(text, x: rect.x + 2, y: area.y + 1, role: .dim, maxWidth: rect.width - 4)
            return area.y - rect.y + 2
        }
        let addressWidth = rows.shownIndices.map { CharacterWidth.of(backends[$0].address) }.max() ?? 12
        let nameWidth = rows.lines.map { Self.nameWidth($0, backends) }.max() ?? 6
        let showsNodes = rows.lines.contains {
            if case .server(let server, _) = $0 { return server.role != nil }
            if case .topology = $0 { return true }
            return false
        }
        let columns = columns(
            width: area.width, addressWidth: addressWidth, nameWidth: nameWidth, showsNodes: showsNodes, sort: state.overview.options)
        let widths = Table.layout(columns, width: area.width - 1)
        let (panelHeight, tableHeight, first) = geometry(state, rect: area, rowCount: rows.lines.count, selectedRow: rows.selected)
        let visible = max(1, tableHeight - 1)
        let shown = Array(rows.lines[first..<min(rows.lines.count, first + visible)])
        let cells = shown.map { line -> [TableCell] in
            var cells: [TableCell]
            switch line {
            case .group(let group): cells = OverviewGroupRow.cells(group, state: state)
            case .backend(let index, let id, let group):
                cells = OverviewRow.cells(backends[index], number: id.position + 1, state: state, indented: group != nil)
            case .server(let server, let index):
                cells = OverviewRow.serverCells(server, rates: backends[index].rates?.servers[server.address], state: state)
            case .topology(let member, _): cells = OverviewRow.topologyCells(member)
            }
            fitAddress(&cells, widths)
            return cells
        }
        let tableRect = Rect(x: area.x + 1, y: area.y, width: area.width - 1, height: tableHeight)
        let selectedLine = rows.selected.map { $0 - first }
        Table.draw(columns, rows: cells, selected: selectedLine, into: &canvas, rect: tableRect)
        let origins = Table.origins(widths, x: tableRect.x)
        for (offset, line) in shown.enumerated() {
            let y = tableRect.y + 1 + offset
            switch line {
            case .server(let server, _): OverviewRow.drawServerReason(server, origins: origins, y: y, into: &canvas)
            case .backend(let index, _, _):
                OverviewRow.drawGraphics(
                    backends[index], state: state, widths: widths, origins: origins, y: y, selected: offset == selectedLine, into: &canvas)
            case .group(let group):
                OverviewGroupRow.drawGraphics(group, state: state, widths: widths, origins: origins, y: y, into: &canvas)
            case .topology: break
            }
        }
        if panelHeight > 4, let selected = state.selectedSnapshot {
            BackendPanel.draw(
                selected, state: state, into: &canvas, rect: Rect(x: rect.x, y: area.y + tableHeight, width: rect.width, height: panelHeight))
            return area.y - rect.y + tableHeight + panelHeight
        }
        return min(rect.height, area.y - rect.y + rows.lines.count + 1)
    }

    /// The name cell's width a line needs.
    private static func nameWidth(_ line: OverviewLine, _ backends: [BackendSnapshot]) -> Int {
        switch line {
        case .group(let group): CharacterWidth.of(OverviewGroupRow.title(group))
        case .backend(let index, _, let group): CharacterWidth.of(backends[index].name) + (group == nil ? 0 : 2)
        case .server, .topology: 6
        }
    }

    /// Whether the totals line is drawn over the table: with more than one backend.
    static func showsTotals(_ state: AppState) -> Bool {
        state.snapshot.backends.count > 1
    }

    /// Where the table (and the panel under it) go: the overview's body, or what the demo's routes leave
    /// of it, under the totals line.
    static func tableArea(_ state: AppState) -> Rect {
        var rect = Layout.body(width: state.width, height: state.height, replay: state.replay != nil)
        if let traffic = state.demoTraffic, Layout.showsRoutesPanel(width: state.width, height: state.height) {
            rect.height -= min(RoutesPanel.height(traffic), rect.height / 2)
        }
        return tableArea(state, in: rect)
    }

    static func tableArea(_ state: AppState, in rect: Rect) -> Rect {
        guard showsTotals(state), rect.height > 3 else { return rect }
        return Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
    }

    /// How the rows share `rect` with the panel: the panel's height (0: none), the table's (with its header),
    /// and the first row shown: where the operator scrolled to, moved just enough to keep the cursor in view.
    static func geometry(_ state: AppState, rect: Rect, rowCount: Int, selectedRow: Int?) -> (panel: Int, table: Int, first: Int) {
        let full = Layout.isFull(width: state.width, height: state.height)
        // The panel sits right under the table when there is room for it.
        let attentionLines = min(4, state.selectedSnapshot?.status == .up ? state.selectedSnapshot?.health?.attention.count ?? 0 : 0)
        let panelHeight = full ? min(7 + attentionLines, max(0, rect.height - rowCount - 2)) : 0
        let tableHeight = panelHeight > 4 ? min(rect.height - panelHeight, rowCount + 2) : rect.height
        let visible = max(1, tableHeight - 1)
        var first = max(0, min(state.overview.scroll, rowCount - visible))
        if let selectedRow {
            if selectedRow < first { first = selectedRow }
            if selectedRow >= first + visible { first = selectedRow - visible + 1 }
        }
        return (panelHeight, tableHeight, first)
    }

    /// Where the cursor goes for a click on line `y`: the group or backend drawn there (a server's line
    /// picks its backend).
    static func cursor(atLine y: Int, _ state: AppState) -> OverviewCursor? {
        let rect = tableArea(state)
        let rows = OverviewRows(state)
        let (_, tableHeight, first) = geometry(state, rect: rect, rowCount: rows.lines.count, selectedRow: rows.selected)
        let index = first + y - (rect.y + 1)
        guard y > rect.y, y < rect.y + tableHeight, rows.lines.indices.contains(index) else { return nil }
        if let cursor = rows.lines[index].cursor { return cursor }
        // A server's line: its backend's row, the nearest one above.
        return rows.lines[...index].last { $0.cursor != nil }?.cursor
    }

    /// The address cell, fitted so the port survives.
    private static func fitAddress(_ cells: inout [TableCell], _ widths: [Int?]) {
        guard let width = widths[Column.address.rawValue] else { return }
        cells[Column.address.rawValue].text = AddressText.fit(cells[Column.address.rawValue].text, width: width)
    }
}
