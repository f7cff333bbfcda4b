/// cachescope's own metrics, beside the exporters' ones: what the monitor computes and the servers do not
/// say — whether each backend answers, its hit ratio over the last interval without the monitor's own reads,
/// and what needs attention (one sample per rule that fires).
package enum CachescopeMetrics {
    package static func metrics(_ snapshot: Snapshot) -> MetricSet {
        var set = MetricSet()
        for backend in snapshot.backends {
            let labels: [MetricFamily.Label] = [.init("backend", backend.name)]
            let up = backend.status == .up
            set.add(
                "cachescope_backend_up", .gauge, help: "Whether the backend answered its last sample (1) or not (0).",
                labels: labels + [.init("type", backend.kind.rawValue)], up ? 1 : 0)
            guard up, let sample = backend.sample else { continue }
            set.add(
                "cachescope_hits_total", .counter, help: "Reads that found their key, without the monitor's own.", labels: labels,
                Double(sample.applicationHits))
            set.add(
                "cachescope_misses_total", .counter, help: "Reads that did not find their key, without the monitor's own.", labels: labels,
                Double(sample.applicationMisses))
            if let ratio = backend.rates?.hitRatio {
                set.add("cachescope_hit_ratio", .gauge, help: "Hits / (hits + misses) over the last refresh interval.", labels: labels, ratio)
            }
            if let operations = backend.rates?.operationsPerSecond {
                set.add(
                    "cachescope_operations_per_second", .gauge,
                    help: "Operations per second over the last refresh interval, without the monitor's own.",
                    labels: labels, operations)
            }
            set.add("cachescope_keys", .gauge, help: "Keys the backend holds.", labels: labels, Double(sample.keys))
            if let memory = sample.memoryBytes {
                set.add("cachescope_memory_bytes", .gauge, help: "Memory the backend uses.", labels: labels, Double(memory))
            }
            for line in backend.health?.attention ?? [] {
                set.add(
                    "cachescope_attention", .gauge, help: "A rule of cachescope health that fires (1), with its rule id and node.",
                    labels: labels + [.init("rule", line.rule.rawValue), .init("node", line.node ?? "")], 1)
            }
        }
        return set
    }
}
