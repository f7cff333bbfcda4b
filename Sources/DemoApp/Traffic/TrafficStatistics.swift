import Basics
import ConnectionSupport
import Histogram
import Synchronization

/// One route's traffic as the generator saw it.
package struct RouteTraffic: Sendable, Hashable {
    package var route: DemoRoute
    package var requests = 0
    package var hits = 0
    package var misses = 0
    /// Requests that failed (connection trouble or a status other than 2xx).
    package var errors = 0
    /// Latency percentiles (seconds) of answers served from the cache, and of those that were not.
    package var hitLatency = LatencySummary()
    package var missLatency = LatencySummary()

    package init(route: DemoRoute) {
        self.route = route
    }

    /// hits / (hits + misses); `nil` before any cached answer.
    package var hitRatio: Double? {
        hits + misses == 0 ? nil : Double(hits) / Double(hits + misses)
    }
}

/// p50 and p99 of a set of latencies, in seconds; `nil` when nothing was measured.
package struct LatencySummary: Sendable, Hashable {
    package var p50: Double?
    package var p99: Double?

    package init(p50: Double? = nil, p99: Double? = nil) {
        self.p50 = p50
        self.p99 = p99
    }
}

/// The generator's per-route counters and latency histograms (HdrHistogram, microseconds, 1 µs … 60 s).
final class TrafficStatistics: Sendable {
    private struct Route {
        var counts: RouteTraffic
        var hitHistogram = Histogram<UInt32>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        var missHistogram = Histogram<UInt32>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
    }

    private let routes = Mutex<[DemoRoute: Route]>([:])

    func record(_ route: DemoRoute, outcome: CacheOutcome, succeeded: Bool, latency: Duration) {
        let micros = UInt64(max(1, min(60_000_000, latency.inMicroseconds)))
        routes.withLock { routes in
            var entry = routes[route] ?? Route(counts: RouteTraffic(route: route))
            entry.counts.requests += 1
            if !succeeded {
                entry.counts.errors += 1
            } else if outcome == .hit {
                entry.counts.hits += 1
                _ = entry.hitHistogram.record(micros)
            } else if outcome == .miss {
                entry.counts.misses += 1
                _ = entry.missHistogram.record(micros)
            }
            routes[route] = entry
        }
    }

    /// Every route sent so far, in the tutorial's order.
    func snapshot() -> [RouteTraffic] {
        routes.withLock { routes in
            routes.values.map { entry in
                var counts = entry.counts
                counts.hitLatency = Self.summary(entry.hitHistogram)
                counts.missLatency = Self.summary(entry.missHistogram)
                return counts
            }
        }
        .sorted { $0.route < $1.route }
    }

    private static func summary(_ histogram: Histogram<UInt32>) -> LatencySummary {
        guard histogram.totalCount > 0 else { return LatencySummary() }
        return LatencySummary(
            p50: Double(histogram.valueAtPercentile(50)) / 1_000_000, p99: Double(histogram.valueAtPercentile(99)) / 1_000_000
        )
    }
}
