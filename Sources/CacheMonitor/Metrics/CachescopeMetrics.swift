/// cachescope's own metrics, beside the exporters' ones: what the monitor computes and the servers do not
/// say — whether each backend answers, its hit ratio over the last interval without the monitor's own reads,
/// and what needs attention (one sample per rule that fires).
package enum CachescopeMetrics {
    package static func metrics(_ snapshot: Snapshot) -> MetricSet {
        var set = MetricSet()
        for backend in snapshot.backends {
            let labels: [MetricFamily.Label] = [.init("backend", backend.name)] + backend.backend.tagLabels
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
                guard let eta = line.eta else { continue }
                for (bound, seconds) in [("expected", eta.seconds), ("low", eta.lowSeconds), ("high", eta.highSeconds)] {
                    guard let seconds else { continue }
                    set.add(
                        "cachescope_forecast_eta_seconds", .gauge,
                        help: "Seconds until a forecast limit is reached (memory full, evictions start): expected, and the 95% band's low and high.",
                        labels: labels + [.init("rule", line.rule.rawValue), .init("bound", bound)], seconds)
                }
            }
        }
        return set
    }
}

extension CachescopeMetrics {
    /// Per prefix group (the top two levels of the traffic report's tree, so the groups under an application's
    /// key prefix show): reads, hits, misses and writes per second over the report's window, and the hit ratio —
    /// from a traffic sample or an in-process cache's own log.
    package static func prefixes(_ report: TrafficReport, backend: String) -> MetricSet {
        var set = MetricSet()
        for group in report.root.children.flatMap({ [$0] + $0.children }) {
            let name = group.name { KeyEscaping.escape($0) }  // the key escape form: any byte is a valid label value
            let labels: [MetricFamily.Label] = [.init("backend", backend), .init("prefix", name)]
            set.add(
                "cachescope_prefix_reads_per_second", .gauge, help: "Reads per second of the keys under a prefix, over the sampled window.",
                labels: labels, report.rate(group.reads))
            if let misses = group.misses {
                set.add(
                    "cachescope_prefix_hits_per_second", .gauge, help: "Reads that found their key, per second, under a prefix.", labels: labels,
                    report.rate(group.reads - misses))
                set.add(
                    "cachescope_prefix_misses_per_second", .gauge, help: "Reads that missed, per second, under a prefix.", labels: labels,
                    report.rate(misses))
            }
            if let ratio = group.hitRatio {
                set.add("cachescope_prefix_hit_ratio", .gauge, help: "Hits / reads under a prefix, over the sampled window.", labels: labels, ratio)
            }
            set.add(
                "cachescope_prefix_writes_per_second", .gauge, help: "Writes per second of the keys under a prefix, over the sampled window.",
                labels: labels, report.rate(group.writes))
        }
        return set
    }
}
