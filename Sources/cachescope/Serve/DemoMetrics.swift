import CacheMonitor
import DemoApp

/// The embedded demo's routes as metrics (`serve --demo`): requests per route by outcome, and the p50 and p99
/// latency of hits and misses from the traffic generator's histograms.
enum DemoMetrics {
    static func metrics(_ routes: [RouteTraffic]) -> MetricSet {
        var set = MetricSet()
        for route in routes {
            let labels: [MetricFamily.Label] = [.init("route", route.route.template)]
            let help = "Requests the demo's traffic generator made, by route and outcome (hit, miss, uncached, error)."
            if route.route.isCached {
                set.add("cachescope_demo_requests_total", .counter, help: help, labels: labels + [.init("result", "hit")], Double(route.hits))
                set.add("cachescope_demo_requests_total", .counter, help: help, labels: labels + [.init("result", "miss")], Double(route.misses))
            } else {
                set.add(
                    "cachescope_demo_requests_total", .counter, help: help, labels: labels + [.init("result", "uncached")],
                    Double(max(0, route.requests - route.errors)))
            }
            set.add("cachescope_demo_requests_total", .counter, help: help, labels: labels + [.init("result", "error")], Double(route.errors))
            for (result, buckets) in [("hit", route.hitBuckets), ("miss", route.missBuckets)] where buckets.count > 0 {
                let help = "Latency of the demo's requests by route and outcome."
                let series = labels + [.init("result", result)]
                for (bound, count) in buckets.cumulative {
                    set.add(
                        "cachescope_demo_request_duration_seconds", .histogram, help: help,
                        labels: series + [.init("le", bound.isInfinite ? "+Inf" : ExpositionFormat.number(bound))], Double(count), suffix: "_bucket")
                }
                set.add("cachescope_demo_request_duration_seconds", .histogram, help: help, labels: series, buckets.sum, suffix: "_sum")
                set.add("cachescope_demo_request_duration_seconds", .histogram, help: help, labels: series, Double(buckets.count), suffix: "_count")
            }
            for (result, latency) in [("hit", route.hitLatency), ("miss", route.missLatency)] {
                for (quantile, value) in [("0.5", latency.p50), ("0.99", latency.p99)] {
                    guard let value else { continue }
                    set.add(
                        "cachescope_demo_latency_seconds", .gauge, help: "Latency of the demo's requests by route and outcome, at a quantile.",
                        labels: labels + [.init("result", result), .init("quantile", quantile)], value)
                }
            }
        }
        return set
    }
}
