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
    /// Hit and miss latencies in a histogram's buckets.
    package var hitBuckets = LatencyBuckets()
    package var missBuckets = LatencyBuckets()

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

/// Latencies counted into fixed buckets, as a Prometheus histogram wants them (seconds).
package struct LatencyBuckets: Sendable, Hashable {
    /// The upper bounds, in seconds; a last bucket counts what is above the highest.
    package static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// How many fell in each bucket (not cumulative), the last one above every bound.
    package var counts = [UInt64](repeating: 0, count: LatencyBuckets.bounds.count + 1)
    package var sum: Double = 0
    package var count: UInt64 = 0

    package init() {}

    mutating func record(_ seconds: Double) {
        let index = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        counts[index] += 1
        sum += seconds
        count += 1
    }

    /// Each bound with how many were at most it (the `le` series of a histogram), then `+Inf`.
    package var cumulative: [(bound: Double, count: UInt64)] {
        var running: UInt64 = 0
        var out: [(Double, UInt64)] = []
        for (index, bound) in Self.bounds.enumerated() {
            running += counts[index]
            out.append((bound, running))
        }
        out.append((.infinity, count))
        return out
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
                entry.counts.hitBuckets.record(latency.inSeconds)
            } else if outcome == .miss {
                entry.counts.misses += 1
                _ = entry.missHistogram.record(micros)
                entry.counts.missBuckets.record(latency.inSeconds)
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
