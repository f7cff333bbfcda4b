import Basics
import ConnectionSupport
import Histogram
import Synchronization

/// One route's traffic as the generator saw it.
public struct RouteTraffic: Sendable, Hashable {
    public var route: DemoRoute
    public var requests = 0
    public var hits = 0
    public var misses = 0
    /// Requests that failed (connection trouble or a status other than 2xx).
    public var errors = 0
    /// Latency percentiles (seconds) of answers served from the cache, and of those that were not.
    public var hitLatency = LatencySummary()
    public var missLatency = LatencySummary()

    public init(route: DemoRoute) {
        self.route = route
    }

    /// hits / (hits + misses); `nil` before any cached answer.
    public var hitRatio: Double? {
        hits + misses == 0 ? nil : Double(hits) / Double(hits + misses)
    }
}

/// p50 and p99 of a set of latencies, in seconds; `nil` when nothing was measured.
public struct LatencySummary: Sendable, Hashable {
    public var p50: Double?
    public var p99: Double?

    public init(p50: Double? = nil, p99: Double? = nil) {
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
