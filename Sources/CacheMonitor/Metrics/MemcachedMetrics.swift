/// One memcached server's metrics under memcached_exporter's names, types and labels (from `stats`, `stats
/// settings`, `stats items` and `stats slabs`, as its `pkg/exporter/exporter.go` reads them; the extstore and
/// proxy ones are left out), so its Grafana dashboards and alerts work on `cachescope serve`.
package enum MemcachedMetrics {
    /// What one server answered.
    package struct Reading: Sendable {
        package var stats: [String: String]
        package var settings: [String: String] = [:]
        /// `stats items`: `items:<slab>:<field>`.
        package var items: [String: String] = [:]
        /// `stats slabs`: `<slab>:<field>` (and `active_slabs`, `total_malloced`).
        package var slabs: [String: String] = [:]

        package init(stats: [String: String], settings: [String: String] = [:], items: [String: String] = [:], slabs: [String: String] = [:]) {
            self.stats = stats
            self.settings = settings
            self.items = items
            self.slabs = slabs
        }
    }

    /// A server (or a backend) that did not answer: `memcached_up 0`.
    package static func down(labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        set.add("memcached_up", .gauge, help: "Could the memcached server be reached.", labels: labels, 0)
        return set
    }

    /// The metrics of one server, each sample with `labels` first.
    package static func metrics(_ reading: Reading, labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        set.add("memcached_up", .gauge, help: "Could the memcached server be reached.", labels: labels, 1)
        // `total_malloced` is a general figure of `stats slabs` (as the exporter's client reads it).
        var stats = reading.stats
        for field in ["total_malloced"] where stats[field] == nil { stats[field] = reading.slabs[field] }
        core(stats, labels: labels, into: &set)
        settings(reading.settings, labels: labels, into: &set)
        for (slab, fields) in perSlab(reading.items, prefix: "items:") { items(fields, labels: labels + [.init("slab", slab)], into: &set) }
        for (slab, fields) in perSlab(reading.slabs, prefix: "") { slabs(fields, labels: labels + [.init("slab", slab)], into: &set) }
        return set
    }

    /// The `stats` figures.
    private static func core(_ stats: [String: String], labels: [MetricFamily.Label], into set: inout MetricSet) {
        func add(_ name: String, _ kind: MetricFamily.Kind, _ help: String, _ field: String) {
            guard let value = stats[field].flatMap(Double.init) else { return }
            set.add(name, kind, help: help, labels: labels, value)
        }
        add("memcached_uptime_seconds", .counter, "Number of seconds since the server started.", "uptime")
        add("memcached_time_seconds", .gauge, "current UNIX time according to the server.", "time")
        if let version = stats["version"] {
            set.add("memcached_version", .gauge, help: "The version of this memcached server.", labels: labels + [.init("version", version)], 1)
        }
        add("memcached_process_user_cpu_seconds_total", .counter, "Accumulated user time for this process.", "rusage_user")
        add("memcached_process_system_cpu_seconds_total", .counter, "Accumulated system time for this process.", "rusage_system")
        commands(stats, casMisses: true, name: "memcached_commands_total", labels: labels, into: &set)
        add("memcached_read_bytes_total", .counter, "Total number of bytes read by this server from network.", "bytes_read")
        add("memcached_written_bytes_total", .counter, "Total number of bytes sent by this server to network.", "bytes_written")
        add("memcached_current_bytes", .gauge, "Current number of bytes used to store items.", "bytes")
        add("memcached_limit_bytes", .gauge, "Number of bytes this server is allowed to use for storage.", "limit_maxbytes")
        add("memcached_current_items", .gauge, "Current number of items stored by this instance.", "curr_items")
        add("memcached_items_total", .counter, "Total number of items stored during the life of this instance.", "total_items")
        add("memcached_items_evicted_total", .counter, "Total number of valid items removed from cache to free memory for new items.", "evictions")
        add("memcached_items_reclaimed_total", .counter, "Total number of times an entry was stored using memory from an expired entry.", "reclaimed")
        add(
            "memcached_item_too_large_total", .counter, "The number of times an item exceeded the max-item-size when being stored.", "store_too_large"
        )
        add("memcached_item_no_memory_total", .counter, "The number of times an item could not be stored due to no more memory.", "store_no_memory")
        add("memcached_direct_reclaims_total", .counter, "Times worker threads had to directly reclaim or evict items.", "direct_reclaims")
        add("memcached_malloced_bytes", .gauge, "Number of bytes of memory allocated to slab pages.", "total_malloced")
        add("memcached_accepting_connections", .gauge, "The Memcached server is currently accepting new connections.", "accepting_conns")
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
        add("memcached_lru_crawler_starts_total", .counter, "Times an LRU crawler was started.", "lru_crawler_starts")
        add("memcached_lru_crawler_reclaimed_total", .counter, "Total items freed by LRU Crawler.", "crawler_reclaimed")
        add("memcached_lru_crawler_items_checked_total", .counter, "Total items examined by LRU Crawler.", "crawler_items_checked")
        add("memcached_lru_crawler_moves_to_cold_total", .counter, "Total number of items moved from HOT/WARM to COLD LRU's.", "moves_to_cold")
        add("memcached_lru_crawler_moves_to_warm_total", .counter, "Total number of items moved from COLD to WARM LRU.", "moves_to_warm")
        add(
            "memcached_lru_crawler_moves_within_lru_total", .counter, "Total number of items reshuffled within HOT or WARM LRU's.",
            "moves_within_lru")
    }

    /// `memcached_commands_total{command,status}` (or the per-slab `memcached_slab_commands_total`): hits and
    /// misses of each command, `cas badval`, `flush`, and `set` without the CAS commands memcached counts in
    /// `cmd_set` too.
    private static func commands(
        _ stats: [String: String], casMisses: Bool, name: String, labels: [MetricFamily.Label], into set: inout MetricSet
    ) {
        let help =
            casMisses
            ? "Total number of all requests broken down by command (get, set, etc.) and status."
            : "Total number of all requests broken down by command (get, set, etc.) and status per slab."
        func add(_ command: String, _ status: String, _ value: Double?) {
            guard let value else { return }
            set.add(name, .counter, help: help, labels: labels + [.init("command", command), .init("status", status)], value)
        }
        func number(_ field: String) -> Double? { stats[field].flatMap(Double.init) }
        for command in ["get", "delete", "incr", "decr", "cas", "touch"] {
            add(command, "hit", number("\(command)_hits"))
            if casMisses { add(command, "miss", number("\(command)_misses")) }
        }
        add("cas", "badval", number("cas_badval"))
        if casMisses { add("flush", "hit", number("cmd_flush")) }
        let cas = (casMisses ? ["cas_misses", "cas_hits", "cas_badval"] : ["cas_hits", "cas_badval"]).map(number)
        if let set = number("cmd_set"), !cas.contains(where: { $0 == nil }) {
            add("set", "hit", set - cas.reduce(0) { $0 + ($1 ?? 0) })
        }
    }

    /// `stats settings`: the connection limit, and the LRU crawler's settings when it runs.
    private static func settings(_ settings: [String: String], labels: [MetricFamily.Label], into set: inout MetricSet) {
        if let value = settings["maxconns"].flatMap(Double.init) {
            set.add("memcached_max_connections", .gauge, help: "Maximum number of clients allowed.", labels: labels, value)
        }
        guard settings["lru_crawler"] == "yes" else { return }
        let gauges: [(name: String, help: String, field: String)] = [
            ("enabled", "Whether the LRU crawler is enabled.", "lru_crawler"),
            ("sleep", "Microseconds to sleep between LRU crawls.", "lru_crawler_sleep"),
            ("to_crawl", "Max items to crawl per slab per run.", "lru_crawler_tocrawl"),
            ("maintainer_thread", "Split LRU mode and background threads.", "lru_maintainer_thread"),
            ("hot_percent", "Percent of slab memory reserved for HOT LRU.", "hot_lru_pct"),
            ("warm_percent", "Percent of slab memory reserved for WARM LRU.", "warm_lru_pct"),
            ("hot_max_factor", "Set idle age of HOT LRU to COLD age * this", "hot_max_factor"),
            ("warm_max_factor", "Set idle age of WARM LRU to COLD age * this", "warm_max_factor"),
        ]
        for gauge in gauges {
            guard let text = settings[gauge.field] else { continue }
            let value = text == "yes" ? 1 : text == "no" ? 0 : Double(text)
            guard let value else { continue }
            set.add("memcached_lru_crawler_\(gauge.name)", .gauge, help: gauge.help, labels: labels, value)
        }
    }

    /// One slab class of `stats items`.
    private static func items(_ fields: [String: String], labels: [MetricFamily.Label], into set: inout MetricSet) {
        func add(_ name: String, _ kind: MetricFamily.Kind, _ help: String, _ field: String, extra: [MetricFamily.Label] = []) {
            guard let value = fields[field].flatMap(Double.init) else { return }
            set.add("memcached_slab_\(name)", kind, help: help, labels: labels + extra, value)
        }
        add("current_items", .gauge, "Number of items currently stored in this slab class.", "number")
        add("items_age_seconds", .gauge, "Number of seconds the oldest item has been in the slab class.", "age")
        for (lru, field) in [("hot", "hits_to_hot"), ("warm", "hits_to_warm"), ("cold", "hits_to_cold"), ("temporary", "hits_to_temp")] {
            add("lru_hits_total", .counter, "Number of get_hits to the LRU.", field, extra: [.init("lru", lru)])
        }
        let counters: [(name: String, help: String, field: String)] = [
            ("items_crawler_reclaimed_total", "Number of items freed by the LRU Crawler.", "crawler_reclaimed"),
            ("items_evicted_total", "Total number of times an item had to be evicted from the LRU before it expired.", "evicted"),
            (
                "items_evicted_nonzero_total",
                "Total number of times an item which had an explicit expire time set had to be evicted from the LRU before it expired.",
                "evicted_nonzero"
            ),
            ("items_evicted_time_seconds", "Seconds since the last access for the most recent item evicted from this class.", "evicted_time"),
            ("items_evicted_unfetched_total", "Total nmber of items evicted and never fetched.", "evicted_unfetched"),
            (
                "items_expired_unfetched_total", "Total number of valid items evicted from the LRU which were never touched after being set.",
                "expired_unfetched"
            ),
            ("items_outofmemory_total", "Total number of items for this slab class that have triggered an out of memory error.", "outofmemory"),
            ("items_reclaimed_total", "Total number of items reclaimed.", "reclaimed"),
            ("items_tailrepairs_total", "Total number of times the entries for a particular ID need repairing.", "tailrepairs"),
            ("mem_requested_bytes", "Number of bytes of memory actual items take up within a slab.", "mem_requested"),
            ("items_moves_to_cold", "Number of items moved from HOT or WARM into COLD.", "moves_to_cold"),
            ("items_moves_to_warm", "Number of items moves from COLD into WARM.", "moves_to_warm"),
            ("items_moves_within_lru", "Number of times active items were bumped within HOT or WARM.", "moves_within_lru"),
        ]
        for counter in counters { add(counter.name, .counter, counter.help, counter.field) }
        let gauges: [(name: String, help: String, field: String)] = [
            ("hot_items", "Number of items presently stored in the HOT LRU.", "number_hot"),
            ("warm_items", "Number of items presently stored in the WARM LRU.", "number_warm"),
            ("cold_items", "Number of items presently stored in the COLD LRU.", "number_cold"),
            ("temporary_items", "Number of items presently stored in the TEMPORARY LRU.", "number_temp"),
            ("hot_age_seconds", "Age of the oldest item in HOT LRU.", "age_hot"),
            ("warm_age_seconds", "Age of the oldest item in HOT LRU.", "age_warm"),
        ]
        for gauge in gauges { add(gauge.name, .gauge, gauge.help, gauge.field) }
    }

    /// One slab class of `stats slabs`.
    private static func slabs(_ fields: [String: String], labels: [MetricFamily.Label], into set: inout MetricSet) {
        commands(fields, casMisses: false, name: "memcached_slab_commands_total", labels: labels, into: &set)
        let gauges: [(name: String, help: String, field: String)] = [
            ("chunk_size_bytes", "Number of bytes allocated to each chunk within this slab class.", "chunk_size"),
            ("chunks_per_page", "Number of chunks within a single page for this slab class.", "chunks_per_page"),
            ("current_pages", "Number of pages allocated to this slab class.", "total_pages"),
            ("current_chunks", "Number of chunks allocated to this slab class.", "total_chunks"),
            ("chunks_used", "Number of chunks allocated to an item.", "used_chunks"),
            ("chunks_free", "Number of chunks not yet allocated items.", "free_chunks"),
            ("chunks_free_end", "Number of free chunks at the end of the last allocated page.", "free_chunks_end"),
        ]
        for gauge in gauges {
            guard let value = fields[gauge.field].flatMap(Double.init) else { continue }
            set.add("memcached_slab_\(gauge.name)", .gauge, help: gauge.help, labels: labels, value)
        }
    }

    /// `prefix<slab>:<field>` lines by slab class (in number order), each with its fields.
    private static func perSlab(_ lines: [String: String], prefix: String) -> [(slab: String, fields: [String: String])] {
        var slabs: [Int: [String: String]] = [:]
        for (key, value) in lines where key.hasPrefix(prefix) {
            let parts = key.dropFirst(prefix.count).split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let slab = Int(parts[0]) else { continue }
            slabs[slab, default: [:]][String(parts[1])] = value
        }
        return slabs.keys.sorted().map { (String($0), slabs[$0] ?? [:]) }
    }
}
