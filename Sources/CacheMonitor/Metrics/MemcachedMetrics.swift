/// One memcached server's metrics under memcached_exporter's names, types and labels (from `stats` and
/// `stats settings`), so its Grafana dashboards and alerts work on `cachescope serve`.
package enum MemcachedMetrics {
    /// A server (or a backend) that did not answer: `memcached_up 0`.
    package static func down(labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        set.add("memcached_up", .gauge, help: "Could the memcached server be reached.", labels: labels, 0)
        return set
    }

    /// The metrics of one server from its `stats` (and `stats settings`, when read), each sample with
    /// `labels` first.
    package static func metrics(stats: [String: String], settings: [String: String], labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        set.add("memcached_up", .gauge, help: "Could the memcached server be reached.", labels: labels, 1)
        func number(_ field: String) -> Double? { stats[field].flatMap { Double($0) } }
        func add(_ name: String, _ kind: MetricFamily.Kind, _ help: String, _ field: String) {
            guard let value = number(field) else { return }
            set.add(name, kind, help: help, labels: labels, value)
        }
        add("memcached_uptime_seconds", .counter, "Number of seconds since the server started.", "uptime")
        if let version = stats["version"] {
            set.add("memcached_version", .gauge, help: "The version of this memcached server.", labels: labels + [.init("version", version)], 1)
        }
        let commands: [(command: String, status: String, field: String)] = [
            ("get", "hit", "get_hits"), ("get", "miss", "get_misses"), ("get", "expired", "get_expired"), ("get", "flushed", "get_flushed"),
            ("set", "hit", "cmd_set"), ("delete", "hit", "delete_hits"), ("delete", "miss", "delete_misses"), ("incr", "hit", "incr_hits"),
            ("incr", "miss", "incr_misses"), ("decr", "hit", "decr_hits"), ("decr", "miss", "decr_misses"), ("cas", "hit", "cas_hits"),
            ("cas", "miss", "cas_misses"), ("cas", "badval", "cas_badval"), ("touch", "hit", "touch_hits"), ("touch", "miss", "touch_misses"),
            ("flush", "hit", "cmd_flush"),
        ]
        for entry in commands {
            guard let value = number(entry.field) else { continue }
            set.add(
                "memcached_commands_total", .counter, help: "Total number of all requests broken down by command (get, set, etc.) and status.",
                labels: labels + [.init("command", entry.command), .init("status", entry.status)], value)
        }
        add("memcached_read_bytes_total", .counter, "Total number of bytes read by this server from network.", "bytes_read")
        add("memcached_written_bytes_total", .counter, "Total number of bytes sent by this server to network.", "bytes_written")
        add("memcached_current_bytes", .gauge, "Current number of bytes used to store items.", "bytes")
        add("memcached_limit_bytes", .gauge, "Number of bytes this server is allowed to use for storage.", "limit_maxbytes")
        add("memcached_current_items", .gauge, "Current number of items stored by this instance.", "curr_items")
        add("memcached_items_total", .counter, "Total number of items stored during the life of this instance.", "total_items")
        add("memcached_items_evicted_total", .counter, "Total number of valid items removed from cache to free memory for new items.", "evictions")
        add("memcached_items_reclaimed_total", .counter, "Total number of times an entry was stored using memory from an expired entry.", "reclaimed")
        add("memcached_current_connections", .gauge, "Current number of open connections.", "curr_connections")
        add("memcached_connections_total", .counter, "Total number of connections opened since the server started running.", "total_connections")
        add(
            "memcached_connections_rejected_total", .counter,
            "Total number of connections rejected due to hitting the memcached's -c limit in maxconns_fast mode.", "rejected_connections")
        add(
            "memcached_connections_yielded_total", .counter, "Total number of connections yielded running due to hitting the memcached's -R limit.",
            "conn_yields")
        add(
            "memcached_connections_listener_disabled_total", .counter,
            "Number of times that memcached has hit its connections limit and disabled its listener.", "listen_disabled_num")
        if let maxConnections = settings["maxconns"].flatMap({ Double($0) }) {
            set.add("memcached_max_connections", .gauge, help: "Maximum number of clients allowed.", labels: labels, maxConnections)
        }
        return set
    }
}
