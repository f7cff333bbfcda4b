import DemoApp
import Synchronization

/// The traffic generator's last few reports, so the routes panel shows what is happening now (requests
/// per second, hit ratio over the last five seconds) rather than since the start.
final class TrafficWindow: Sendable {
    static let span = 5.0
    private let reports = Mutex<[TrafficReport]>([])

    /// Adds a report; returns the change from the oldest report in the window to it.
    func add(_ report: TrafficReport) -> Change {
        reports.withLock { reports in
            reports.append(report)
            while let first = reports.first, report.elapsed - first.elapsed > Self.span, reports.count > 2 { reports.removeFirst() }
            return Change(from: reports.first ?? report, to: report)
        }
    }

    /// What happened between two reports.
    struct Change {
        let from: TrafficReport
        let to: TrafficReport

        /// One route's counts in `report`; with `nil`, every route's together.
        private func counts(_ route: DemoRoute?, _ report: TrafficReport) -> (requests: Int, hits: Int, misses: Int) {
            guard let route else { return (report.requests, report.hits, report.misses) }
            let found = report.routes.first { $0.route == route } ?? RouteTraffic(route: route)
            return (found.requests, found.hits, found.misses)
        }

        /// Requests per second (`nil` route: all of them); `nil` until two reports a little apart exist.
        func rate(of route: DemoRoute?) -> Double? {
            let seconds = to.elapsed - from.elapsed
            guard seconds >= 0.5 else { return nil }
            return Double(counts(route, to).requests - counts(route, from).requests) / seconds
        }

        /// Hits / (hits + misses) in the window; over the whole run until the window has two reports.
        func hitRatio(of route: DemoRoute?) -> Double? {
            let now = counts(route, to)
            let before = to.elapsed - from.elapsed >= 0.5 ? counts(route, from) : (requests: 0, hits: 0, misses: 0)
            let hits = now.hits - before.hits
            let misses = now.misses - before.misses
            return hits + misses == 0 ? nil : Double(hits) / Double(hits + misses)
        }
    }
}
