import Basics
import CacheMonitor

/// What a backend's servers allow: per server and feature the status, the method used and why not the
/// rest — the same check as `cachescope check` —, and under the table the selected row's refusals in the
/// server's own words and the remedy.
enum CapabilitiesScreen {
    static func columns(severalServers: Bool) -> [TableColumn] {
        var columns = [
            TableColumn("feature", minWidth: 10, maxWidth: 11),
            TableColumn("status", minWidth: 11, maxWidth: 11),
            TableColumn("method", minWidth: 10, maxWidth: 34, weight: 1),
            TableColumn("why", minWidth: 16, weight: 3, priority: 50),
        ]
        if severalServers { columns.insert(TableColumn("server", minWidth: 10, maxWidth: 24, priority: 40), at: 0) }
        return columns
    }

    static func draw(_ state: AppState, _ screen: CapabilitiesState, into canvas: inout Canvas, rect: Rect) {
        canvas.write("\(screen.backend.name) › capabilities", x: 1, y: rect.y, role: .accent, attributes: .bold, maxWidth: rect.width * 2 / 3)
        let right = screen.isChecking ? "asking the servers…" : "r asks again"
        let x = rect.width - CharacterWidth.of(right) - 1
        if x > rect.width * 2 / 3 { canvas.write(right, x: x, y: rect.y, role: screen.isChecking ? .warning : .dim) }
        drawSummary(state, screen, into: &canvas, y: rect.y + 1, width: rect.width)
        let tableHeight = Layout.capabilityRows(height: state.height) + 1
        let tableRect = Rect(x: rect.x + 1, y: rect.y + 2, width: rect.width - 2, height: tableHeight)
        guard let report = screen.report else {
            let text = screen.error.map { "no answer: \($0)" } ?? "asking \(screen.backend.name)'s servers what they allow…"
            canvas.write(text, x: tableRect.x, y: tableRect.y + 1, role: screen.error == nil ? .dim : .error, maxWidth: tableRect.width)
            return
        }
        let several = report.servers.count + report.missing.count > 1
        let rows = screen.rows.dropFirst(screen.scroll).prefix(tableHeight - 1).map { cells($0.server, $0.check, several: several) }
        Table.draw(columns(severalServers: several), rows: Array(rows), selected: screen.selection - screen.scroll, into: &canvas, rect: tableRect)
        // The detail right under the rows shown (at most where the layout keeps room for it).
        drawDetail(screen, into: &canvas, y: tableRect.y + 2 + rows.count, width: rect.width, lines: Layout.capabilityDetailLines)
    }

    /// Each server's identity (`127.0.0.1:6379 valkey 9.1.2 master user default plain`), and the servers
    /// that did not answer.
    private static func drawSummary(_ state: AppState, _ screen: CapabilitiesState, into canvas: inout Canvas, y: Int, width: Int) {
        var parts: [(String, StyleRole)] = []
        for server in screen.report?.servers ?? [] { parts.append((server.identity(separator: " "), .dim)) }
        for missing in screen.report?.missing ?? [] { parts.append(("\(missing.address): no answer (\(missing.reason))", .error)) }
        if let error = screen.error, screen.report != nil { parts.append(("the last check failed: \(error)", .error)) }
        var x = 1
        for (index, part) in parts.enumerated() where x < width - 1 {
            if index > 0 { x += canvas.write(" · ", x: x, y: y, role: .dim, maxWidth: width - x - 1) }
            x += canvas.write(part.0, x: x, y: y, role: part.1, maxWidth: width - x - 1)
        }
    }

    static func cells(_ server: ServerCapabilities, _ check: FeatureCheck, several: Bool) -> [TableCell] {
        let role: StyleRole =
            switch check.status {
            case .ok: .good
            case .degraded: .warning
            case .unavailable: .error
            }
        let why = check.refused.first.map { "\($0.command) refused: \($0.message)" } ?? check.note ?? check.remedy ?? ""
        var cells = [
            TableCell(check.feature.rawValue), TableCell(check.status.rawValue, role: role), TableCell(check.method ?? "—", role: .dim),
            TableCell(why, role: .dim),
        ]
        if several { cells.insert(TableCell(server.address, role: .dim), at: 0) }
        return cells
    }

    /// The selected row in full: each refusal, the note, the remedy (as many lines as fit).
    private static func drawDetail(_ screen: CapabilitiesState, into canvas: inout Canvas, y: Int, width: Int, lines: Int) {
        guard let (server, check) = screen.selected else { return }
        var text: [(String, StyleRole)] = []
        let place = server.address.isEmpty ? "" : " on \(server.address)"
        text.append(("\(check.feature.title)\(place): \(check.status.rawValue)\(check.method.map { " by \($0)" } ?? "")", .accent))
        for refusal in check.refused { text.append(("refused \(refusal.command): \(refusal.message)", .warning)) }
        if let note = check.note { text.append((note, .dim)) }
        if let remedy = check.remedy { text.append(("remedy: \(remedy)", .text)) }
        for (offset, line) in text.prefix(lines).enumerated() {
            canvas.write(line.0, x: 2, y: y + offset, role: line.1, maxWidth: width - 3)
        }
    }
}
