import Basics
import CacheMonitor

/// Under the overview (full layout): the selected backend in more detail — hit ratio, ops/s and memory
/// over time, and what the server says about itself.
enum BackendPanel {
    /// The sparklines' width in a panel `width` columns wide.
    static func graphWidth(panelWidth width: Int) -> Int { max(0, min(width - 4 - 11 - 30, 120)) }

    static func draw(_ backend: BackendSnapshot, state: AppState, into canvas: inout Canvas, rect: Rect) {
        // Zoomed out: the recording's trends of this backend, once read.
        let zoomed = state.trendZoom == .live ? nil : state.zoomedTrends.flatMap { $0.backend == backend.id && $0.zoom == state.trendZoom ? $0 : nil }
        var title = "\(backend.name) · \(backend.kind.rawValue) · \(backend.address)" + (backend.backend.tls.summary.map { " · \($0)" } ?? "")
        if state.trendZoom != .live { title += " · trends: \(state.trendZoom.title)\(zoomed == nil ? " (reading…)" : "")" }
        Box.draw(rect, title: title, into: &canvas, role: .border)
        let x = rect.x + 2
        let width = rect.width - 4
        var y = rect.y + 1
        let labelWidth = 11
        let graphWidth = graphWidth(panelWidth: rect.width)
        func line(_ label: String, _ values: [Double?], minimum: Double?, maximum: Double?, _ value: String, role: StyleRole) {
            guard y < rect.y + rect.height - 1 else { return }
            canvas.write(label, x: x, y: y, role: .dim, maxWidth: labelWidth)
            Sparkline.draw(values, into: &canvas, x: x + labelWidth, y: y, width: graphWidth, role: role, minimum: minimum, maximum: maximum)
            canvas.write(value, x: x + labelWidth + graphWidth + 1, y: y, role: .text, maxWidth: width - labelWidth - graphWidth - 1)
            y += 1
        }
        let rates = backend.rates
        line(
            "hit ratio", zoomed?.hitRatio ?? Array(backend.hitRatioHistory.values), minimum: 0, maximum: 1,
            "now \(HumanUnits.ratio(rates?.hitRatio)) · life \(HumanUnits.ratio(backend.lifetimeHitRatio))",
            role: state.thresholds.role(forHitRatio: rates?.hitRatio))
        line(
            "ops/s", zoomed?.operationsPerSecond ?? Array(backend.operationsHistory.values), minimum: 0, maximum: nil,
            "\(HumanUnits.rate(rates?.operationsPerSecond))/s",
            role: .accent)
        let memory =
            backend.sample.map { sample in
                sample.memoryBytes.map { OverviewRow.memoryText($0, sample.maxMemoryBytes ?? 0) } ?? "—"
            } ?? "—"
        line(
            "memory", zoomed?.memoryBytes ?? Array(backend.memoryHistory.values), minimum: 0,
            maximum: backend.sample?.maxMemoryBytes.map { Double($0) }, memory,
            role: .accent)
        // What needs attention, one line each (as many as fit above the facts line).
        for line in backend.status == .up ? backend.health?.attention ?? [] : [] where y < rect.y + rect.height - 2 {
            let node = (backend.health?.servers.count ?? 1) > 1 ? line.node.map { " (\($0))" } ?? "" : ""
            canvas.write("⚠ \(line.rule.rawValue): \(line.message)\(node)", x: x, y: y, role: AttentionText.role(line.rule), maxWidth: width)
            y += 1
        }
        guard y < rect.y + rect.height - 1 else { return }
        var facts: [String] = []
        if backend.status != .up {
            facts.append("\(backend.status.rawValue): \(backend.error ?? "no answer")")
            if let retry = backend.retryIn { facts.append("retry in \(Int(retry.rounded(.up)))s") }
        }
        if let sample = backend.sample {
            if let note = sample.note { facts.append(note) }
            if let version = sample.version { facts.append(sample.flavor == .valkey ? "valkey \(version)" : "version \(version)") }
            if let uptime = sample.uptimeSeconds { facts.append("up \(HumanUnits.uptime(uptime))") }
            if let clients = sample.clients { facts.append("\(clients) clients") }
            facts.append("expired \(HumanUnits.rate(rates?.expiredPerSecond))/s")
            if sample.servers.contains(where: { $0.role != nil }) {
                let masters = sample.servers.filter { $0.role == .master }
                let replicas = sample.servers.count - masters.count
                facts.append(
                    "\(masters.filter(\.up).count)/\(masters.count) masters up" + (replicas > 0 ? ", \(replicas) replicas" : "") + " (e expands)")
            } else if sample.servers.count > 1 {
                facts.append("\(sample.servers.filter(\.up).count)/\(sample.servers.count) servers up (e expands)")
            }
        }
        canvas.write(facts.joined(separator: " · "), x: x, y: y, role: backend.status == .up ? .dim : .error, maxWidth: width)
    }
}
