import Basics
import RESP

/// One Redis server's metrics under redis_exporter's names, types and units — so Grafana dashboards and
/// alerts written for redis_exporter work on `cachescope serve` unchanged. Read from one pipeline: `INFO ALL`,
/// `SLOWLOG LEN`, `SLOWLOG GET 1`, `CONFIG GET databases`.
package enum RedisMetrics {
    /// What one server answered.
    package struct Reading: Sendable {
        package var info: RedisInfo
        package var slowLogLength: Int64?
        package var slowLogLast: SlowLogEntry?
        /// `CONFIG GET databases maxclients maxmemory io-threads` (empty when refused, or on a server before 7.0
        /// that takes one name at a time): every database gets a `redis_db_keys` sample.
        package var config: [String: String]
        /// The wall clock at the reading (for `redis_start_time_seconds`).
        package var unixTime: Int64

        package init(
            info: RedisInfo, slowLogLength: Int64? = nil, slowLogLast: SlowLogEntry? = nil, config: [String: String] = [:], unixTime: Int64 = 0
        ) {
            self.info = info
            self.slowLogLength = slowLogLength
            self.slowLogLast = slowLogLast
            self.config = config
            self.unixTime = unixTime
        }

        var databases: Int? { config["databases"].flatMap { Int($0) } }
    }

    /// How an `INFO` field becomes a metric: its name, type, and how its value is read.
    struct Field: Sendable {
        var info: String
        var metric: String
        var kind: MetricFamily.Kind
        var scale: Double = 1
        /// `ok` → 1, anything else → 0 (`rdb_last_bgsave_status`).
        var isStatus = false
    }

    /// The commands the reading sends.
    package static let commands: [RESPCommand] = [
        RESPCommand("INFO", ["ALL"]), RESPCommand("SLOWLOG", ["LEN"]), RESPCommand("SLOWLOG", ["GET", 1]),
        RESPCommand("CONFIG", ["GET", "databases", "maxclients", "maxmemory", "io-threads"]),
    ]

    /// The reading from the replies to ``commands`` (a refused `SLOWLOG` or `CONFIG` leaves its part out).
    package static func reading(_ replies: [RESPValue]) throws -> Reading {
        guard replies.count == commands.count else { throw RedisError(.protocolViolation, "the server sent \(replies.count) replies for 4 commands") }
        if let message = replies[0].errorMessage { throw RedisError.reply(message) }
        var reading = Reading(info: RedisInfo(parsing: replies[0].string ?? ""))
        reading.slowLogLength = replies[1].integer
        reading.slowLogLast = SlowLogEntry.parse(replies[2]).first
        let pairs = replies[3].array ?? []
        for index in stride(from: 0, to: pairs.count - 1, by: 2) {
            if let name = pairs[index].string, let value = pairs[index + 1].string { reading.config[name] = value }
        }
        reading.unixTime = UnixTime.now
        return reading
    }

    /// A server (or a backend) that did not answer: `redis_up 0`.
    package static func down(labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        set.add("redis_up", .gauge, help: "Information about the Redis instance", labels: labels, 0)
        return set
    }

    /// The metrics of one server, each sample with `labels` first (`backend`, and `node` where the backend has
    /// several servers).
    package static func metrics(_ reading: Reading, labels: [MetricFamily.Label]) -> MetricSet {
        var set = MetricSet()
        let info = reading.info
        set.add("redis_up", .gauge, help: "Information about the Redis instance", labels: labels, 1)
        var instance = labels
        for (label, field) in [
            ("maxmemory_policy", "maxmemory_policy"), ("os", "os"), ("process_id", "process_id"), ("redis_build_id", "redis_build_id"),
            ("redis_mode", "redis_mode"), ("redis_version", "redis_version"), ("role", "role"), ("run_id", "run_id"), ("tcp_port", "tcp_port"),
        ] {
            instance.append(MetricFamily.Label(label, info.fields[field] ?? ""))
        }
        set.add("redis_instance_info", .gauge, help: "Information about the Redis instance", labels: instance, 1)
        for field in fields {
            guard let text = info.fields[field.info] else { continue }
            let value: Double
            if field.isStatus {
                value = text == "ok" ? 1 : 0
            } else {
                guard let number = Double(text) else { continue }
                value = number * field.scale
            }
            set.add(field.metric, field.kind, help: "\(field.metric.dropFirst("redis_".count)) metric", labels: labels, value)
        }
        for (name, metric) in [
            ("io-threads", "redis_config_io_threads"), ("maxclients", "redis_config_maxclients"), ("maxmemory", "redis_config_maxmemory"),
        ] {
            guard let value = reading.config[name].flatMap({ Double($0) }) else { continue }
            set.add(metric, .gauge, help: "\(metric.dropFirst("redis_".count)) metric", labels: labels, value)
        }
        if reading.unixTime > 0, let uptime = info.integer("uptime_in_seconds") {
            set.add(
                "redis_start_time_seconds", .gauge, help: "Start time of the Redis instance since unix epoch in seconds.", labels: labels,
                Double(reading.unixTime - uptime))
        }
        // Every database, empty ones too (as redis_exporter lists them).
        let count = max(reading.databases ?? 0, (info.keyspace.keys.max() ?? -1) + 1)
        for database in 0..<count {
            let entry = info.keyspace[database]
            let db = labels + [MetricFamily.Label("db", "db\(database)")]
            set.add("redis_db_keys", .gauge, help: "Total number of keys by DB", labels: db, Double(entry?.keys ?? 0))
            set.add("redis_db_keys_expiring", .gauge, help: "Total number of expiring keys by DB", labels: db, Double(entry?.expires ?? 0))
        }
        for database in info.keyspace.keys.sorted() {
            guard let entry = info.keyspace[database] else { continue }
            set.add(
                "redis_db_avg_ttl_seconds", .gauge, help: "Avg TTL in seconds", labels: labels + [MetricFamily.Label("db", "db\(database)")],
                Double(entry.averageTTLMilliseconds) / 1000)
        }
        for stat in CommandStat.parse(info).sorted(by: { $0.command < $1.command }) {
            let command = labels + [MetricFamily.Label("cmd", stat.command)]
            set.add("redis_commands_total", .counter, help: "Total number of calls per command", labels: command, Double(stat.calls))
            set.add(
                "redis_commands_duration_seconds_total", .counter, help: "Total amount of time in seconds spent per command", labels: command,
                Double(stat.microseconds) / 1e6)
            if let rejected = stat.rejectedCalls {
                set.add(
                    "redis_commands_rejected_calls_total", .counter, help: "Total number of errors within command execution per command",
                    labels: command, Double(rejected))
            }
            if let failed = stat.failedCalls {
                set.add(
                    "redis_commands_failed_calls_total", .counter, help: "Total number of errors prior command execution per command",
                    labels: command, Double(failed))
            }
        }
        for stat in CommandStat.parse(info).sorted(by: { $0.command < $1.command }) where stat.p50 != nil {
            let command = labels + [MetricFamily.Label("cmd", stat.command)]
            let help = "A summary of latency percentile distribution per command"
            for (quantile, value) in [("50", stat.p50), ("99", stat.p99), ("99.9", stat.p999)] {
                guard let value else { continue }
                set.add("redis_latency_percentiles_usec", .summary, help: help, labels: command + [.init("quantile", quantile)], value)
            }
            set.add("redis_latency_percentiles_usec", .summary, help: help, labels: command, Double(stat.microseconds), suffix: "_sum")
            set.add("redis_latency_percentiles_usec", .summary, help: help, labels: command, Double(stat.calls), suffix: "_count")
        }
        for (field, value) in info.fields.sorted(by: { $0.key < $1.key }) where field.hasPrefix("errorstat_") {
            // `errorstat_ERR:count=3`.
            guard let count = value.split(separator: "=").last.flatMap({ Double($0) }) else { continue }
            set.add(
                "redis_errors_total", .counter, help: "Total number of errors per error type",
                labels: labels + [MetricFamily.Label("err", String(field.dropFirst("errorstat_".count)))], count)
        }
        if let length = reading.slowLogLength {
            set.add("redis_slowlog_length", .gauge, help: "Total slowlog", labels: labels, Double(length))
        }
        if let last = reading.slowLogLast {
            set.add("redis_slowlog_last_id", .gauge, help: "Last id of slowlog", labels: labels, Double(last.id))
            set.add(
                "redis_last_slow_execution_duration_seconds", .gauge, help: "The amount of time needed for last slow execution, in seconds",
                labels: labels, Double(last.durationMicroseconds) / 1e6)
        } else if reading.slowLogLength != nil {
            set.add("redis_slowlog_last_id", .gauge, help: "Last id of slowlog", labels: labels, 0)
            set.add(
                "redis_last_slow_execution_duration_seconds", .gauge, help: "The amount of time needed for last slow execution, in seconds",
                labels: labels, 0)
        }
        return set
    }

    /// `INFO` fields and the redis_exporter metrics they become (`redis_` + the field where the names agree).
    static let fields: [Field] = {
        var fields: [Field] = []
        func gauge(_ info: String, _ metric: String? = nil, scale: Double = 1) {
            fields.append(Field(info: info, metric: "redis_" + (metric ?? info), kind: .gauge, scale: scale))
        }
        func counter(_ info: String, _ metric: String) { fields.append(Field(info: info, metric: "redis_" + metric, kind: .counter)) }
        func status(_ info: String) { fields.append(Field(info: info, metric: "redis_" + info, kind: .gauge, isStatus: true)) }
        // Server and clients.
        gauge("uptime_in_seconds")
        gauge("process_id")
        gauge("io_threads_active")
        gauge("connected_clients")
        gauge("blocked_clients")
        gauge("tracking_clients")
        gauge("clients_in_timeout_table")
        gauge("client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes")
        gauge("client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes")
        gauge("cluster_connections")
        gauge("cluster_enabled")
        // Memory.
        gauge("used_memory", "memory_used_bytes")
        gauge("used_memory_rss", "memory_used_rss_bytes")
        gauge("used_memory_peak", "memory_used_peak_bytes")
        gauge("used_memory_overhead", "memory_used_overhead_bytes")
        gauge("used_memory_startup", "memory_used_startup_bytes")
        gauge("used_memory_dataset", "memory_used_dataset_bytes")
        gauge("used_memory_lua", "memory_used_lua_bytes")
        gauge("used_memory_scripts", "memory_used_scripts_bytes")
        gauge("maxmemory", "memory_max_bytes")
        gauge("mem_fragmentation_ratio")
        gauge("mem_fragmentation_bytes")
        gauge("mem_clients_slaves")
        gauge("mem_clients_normal")
        gauge("mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes")
        gauge("allocator_allocated", "allocator_allocated_bytes")
        gauge("allocator_active", "allocator_active_bytes")
        gauge("allocator_resident", "allocator_resident_bytes")
        gauge("allocator_frag_ratio")
        gauge("allocator_frag_bytes")
        gauge("allocator_rss_ratio")
        gauge("allocator_rss_bytes")
        gauge("lazyfree_pending_objects")
        gauge("active_defrag_running")
        gauge("number_of_cached_scripts")
        // Persistence.
        gauge("loading", "loading_dump_file")
        gauge("rdb_changes_since_last_save")
        gauge("rdb_bgsave_in_progress")
        gauge("rdb_last_save_time", "rdb_last_save_timestamp_seconds")
        status("rdb_last_bgsave_status")
        gauge("rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec")
        gauge("rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec")
        gauge("rdb_last_cow_size", "rdb_last_cow_size_bytes")
        gauge("aof_enabled")
        gauge("aof_rewrite_in_progress")
        gauge("aof_rewrite_scheduled")
        gauge("aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec")
        gauge("aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec")
        gauge("aof_last_cow_size", "aof_last_cow_size_bytes")
        status("aof_last_bgrewrite_status")
        status("aof_last_write_status")
        gauge("module_fork_in_progress")
        gauge("module_fork_last_cow_size")
        // Stats.
        counter("total_connections_received", "connections_received_total")
        counter("total_commands_processed", "commands_processed_total")
        counter("total_net_input_bytes", "net_input_bytes_total")
        counter("total_net_output_bytes", "net_output_bytes_total")
        counter("rejected_connections", "rejected_connections_total")
        counter("expired_keys", "expired_keys_total")
        counter("evicted_keys", "evicted_keys_total")
        counter("keyspace_hits", "keyspace_hits_total")
        counter("keyspace_misses", "keyspace_misses_total")
        counter("total_error_replies", "total_error_replies")
        counter("unexpected_error_replies", "unexpected_error_replies")
        counter("dump_payload_sanitizations", "dump_payload_sanitizations")
        counter("total_reads_processed", "total_reads_processed")
        counter("total_writes_processed", "total_writes_processed")
        gauge("expired_stale_perc", "expired_stale_percentage")
        gauge("expired_time_cap_reached_count", "expired_time_cap_reached_total")
        gauge("latest_fork_usec", "latest_fork_seconds", scale: 1e-6)
        gauge("migrate_cached_sockets", "migrate_cached_sockets_total")
        gauge("pubsub_channels")
        gauge("pubsub_patterns")
        gauge("slave_expires_tracked_keys")
        gauge("active_defrag_hits", "defrag_hits")
        gauge("active_defrag_misses", "defrag_misses")
        gauge("active_defrag_key_hits", "defrag_key_hits")
        gauge("active_defrag_key_misses", "defrag_key_misses")
        gauge("tracking_total_keys")
        gauge("tracking_total_items")
        gauge("tracking_total_prefixes")
        counter("io_threaded_reads_processed", "io_threaded_reads_processed")
        counter("io_threaded_writes_processed", "io_threaded_writes_processed")
        // Replication.
        gauge("connected_slaves")
        gauge("master_repl_offset")
        gauge("second_repl_offset")
        gauge("repl_backlog_active", "repl_backlog_is_active")
        gauge("repl_backlog_size", "replication_backlog_bytes")
        gauge("repl_backlog_first_byte_offset")
        gauge("repl_backlog_histlen", "repl_backlog_history_bytes")
        gauge("sync_full", "replica_resyncs_full")
        gauge("sync_partial_ok", "replica_partial_resync_accepted")
        gauge("sync_partial_err", "replica_partial_resync_denied")
        // CPU.
        counter("used_cpu_sys", "cpu_sys_seconds_total")
        counter("used_cpu_user", "cpu_user_seconds_total")
        counter("used_cpu_sys_children", "cpu_sys_children_seconds_total")
        counter("used_cpu_user_children", "cpu_user_children_seconds_total")
        counter("used_cpu_sys_main_thread", "cpu_sys_main_thread_seconds_total")
        counter("used_cpu_user_main_thread", "cpu_user_main_thread_seconds_total")
        return fields
    }()
}
