import Basics

/// Under the overview, while the embedded demo runs (≥ 100×30): one row per route of the demo app —
/// requests per second, hit ratio, and the median latency of a hit against a miss: the payoff of caching,
/// in numbers.
enum RoutesPanel {
    static func columns() -> [TableColumn] {
        [
            TableColumn("route", minWidth: 22, maxWidth: 24, priority: 100),
            TableColumn("req/s", minWidth: 6, maxWidth: 6, alignment: .right, priority: 90),
            TableColumn("hit%", minWidth: 6, maxWidth: 6, alignment: .right, priority: 95),
            TableColumn("p50 hit", minWidth: 7, maxWidth: 8, alignment: .right, priority: 85),
            TableColumn("p50 miss", minWidth: 8, maxWidth: 8, alignment: .right, priority: 85),
            TableColumn("saved", minWidth: 6, maxWidth: 7, alignment: .right, priority: 60),
            TableColumn("errors", minWidth: 6, maxWidth: 6, alignment: .right, priority: 50),
            TableColumn("tutorial section", minWidth: 10, maxWidth: 60, weight: 1, priority: 10),
        ]
    }

    /// Rows the panel needs: its frame, the table header and one row per route.
    static func height(_ traffic: DemoTraffic) -> Int {
        traffic.routes.count + 3
    }

    static func draw(_ traffic: DemoTraffic, state: AppState, into canvas: inout Canvas, rect: Rect) {
        Box.draw(rect, title: "demo app \(traffic.url) · \(traffic.trafficText)", into: &canvas, role: .border)
        let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        let rows = traffic.routes.map { cells($0, state: state) }
        Table.draw(columns(), rows: rows, into: &canvas, rect: inner)
    }

    static func cells(_ route: DemoTraffic.Route, state: AppState) -> [TableCell] {
        let seconds = { (value: Double?) in value.map { Duration.seconds($0) } }
        var saved = "—"
        if let hit = route.hitP50, let miss = route.missP50, hit > 0 {
            saved = "×\(HumanUnits.rate(miss / hit))"
        }
        return [
            TableCell(route.path, role: .text),
            TableCell(HumanUnits.rate(route.requestsPerSecond)),
            TableCell(
                route.isCached ? HumanUnits.ratio(route.hitRatio) : "—",
                role: route.isCached ? state.thresholds.role(forHitRatio: route.hitRatio) : .dim),
            TableCell(DurationText.latency(seconds(route.hitP50)), role: .hit),
            TableCell(DurationText.latency(seconds(route.missP50)), role: route.missP50 == nil ? .dim : .miss),
            TableCell(saved, role: .accent),
            TableCell(route.errors == 0 ? "0" : HumanUnits.count(route.errors), role: route.errors == 0 ? .dim : .error),
            TableCell(route.section, role: .dim),
        ]
    }
}
