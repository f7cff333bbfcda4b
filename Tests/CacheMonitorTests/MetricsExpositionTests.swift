import RESP
import Testing

@testable import CacheMonitor

/// The exporters' names, types, labels and values from recorded server output, and the two text formats.
@Suite struct MetricsExpositionTests {
    static let info = RedisInfo(
        parsing: """
            # Server\r
            redis_version:7.0.15\r
            redis_mode:standalone\r
            os:Linux 6.1 x86_64\r
            process_id:7029\r
            run_id:8ead5fed\r
            tcp_port:6379\r
            uptime_in_seconds:2867\r
            # Memory\r
            used_memory:1188784\r
            maxmemory:0\r
            maxmemory_policy:noeviction\r
            mem_fragmentation_ratio:6.26\r
            # Persistence\r
            rdb_last_bgsave_status:ok\r
            aof_last_write_status:err\r
            # Stats\r
            keyspace_hits:40\r
            keyspace_misses:2\r
            total_commands_processed:497\r
            latest_fork_usec:1500\r
            # CPU\r
            used_cpu_sys:2.567707\r
            # Commandstats\r
            cmdstat_get:calls=34,usec=372,usec_per_call=10.94,rejected_calls=0,failed_calls=1\r
            cmdstat_client|list:calls=2,usec=20,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
            # Errorstats\r
            errorstat_ERR:count=6\r
            # Keyspace\r
            db0:keys=12,expires=3,avg_ttl=4500\r
            db2:keys=1,expires=0,avg_ttl=0\r
            """)

    private func value(_ set: MetricSet, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        set.families.first { $0.name == name }?.samples.first { sample in
            labels.allSatisfy { label in sample.labels.contains { $0.name == label.key && $0.value == label.value } }
        }?.value
    }

    @Test func redisInfoBecomesRedisExporterMetrics() {
        let set = RedisMetrics.metrics(
            RedisMetrics.Reading(info: Self.info, slowLogLength: 4, config: ["databases": "16", "maxclients": "10000"], unixTime: 1_800_000_000),
            labels: [.init("backend", "sessions")])
        #expect(value(set, "redis_up") == 1)
        #expect(value(set, "redis_keyspace_hits_total") == 40)
        #expect(set.families.first { $0.name == "redis_keyspace_hits_total" }?.kind == .counter)
        #expect(value(set, "redis_memory_used_bytes") == 1_188_784)
        #expect(value(set, "redis_memory_max_bytes") == 0)
        #expect(value(set, "redis_mem_fragmentation_ratio") == 6.26)
        #expect(value(set, "redis_rdb_last_bgsave_status") == 1 && value(set, "redis_aof_last_write_status") == 0)
        #expect(value(set, "redis_latest_fork_seconds") == 0.0015)
        #expect(value(set, "redis_cpu_sys_seconds_total") == 2.567707)
        #expect(value(set, "redis_commands_total", ["cmd": "get"]) == 34)
        #expect(value(set, "redis_commands_duration_seconds_total", ["cmd": "client|list"]) == 0.00002)
        #expect(value(set, "redis_commands_failed_calls_total", ["cmd": "get"]) == 1)
        #expect(value(set, "redis_errors_total", ["err": "ERR"]) == 6)
        #expect(value(set, "redis_db_keys", ["db": "db0"]) == 12 && value(set, "redis_db_keys_expiring", ["db": "db0"]) == 3)
        #expect(value(set, "redis_db_keys", ["db": "db15"]) == 0, "every database, as redis_exporter lists them")
        #expect(value(set, "redis_db_avg_ttl_seconds", ["db": "db0"]) == 4.5)
        #expect(value(set, "redis_slowlog_length") == 4)
        #expect(value(set, "redis_config_maxclients") == 10_000)
        #expect(value(set, "redis_start_time_seconds").map { Int64($0) } == 1_799_997_133)
        #expect(value(set, "redis_instance_info", ["redis_version": "7.0.15", "role": "", "maxmemory_policy": "noeviction"]) == 1)
        #expect(set.families.allSatisfy { family in family.samples.allSatisfy { $0.labels.first == .init("backend", "sessions") } })
    }

    @Test func memcachedStatsBecomeMemcachedExporterMetrics() {
        let stats = [
            "uptime": "100", "time": "1800000000", "version": "1.6.18", "get_hits": "7", "get_misses": "3", "get_expired": "1", "cmd_set": "12",
            "cas_hits": "1", "cas_misses": "1", "cas_badval": "1", "curr_items": "9", "bytes": "900", "limit_maxbytes": "67108864",
            "evictions": "2", "curr_connections": "4", "total_connections": "20", "rusage_user": "1.250000", "rusage_system": "0.000500",
            "total_malloced": "2097152", "accepting_conns": "1", "lru_crawler_starts": "5", "crawler_reclaimed": "0", "moves_to_cold": "8",
        ]
        let settings = [
            "maxconns": "1024", "lru_crawler": "yes", "lru_crawler_sleep": "100", "lru_crawler_tocrawl": "0", "lru_maintainer_thread": "yes",
            "hot_lru_pct": "20", "warm_lru_pct": "40", "hot_max_factor": "0.20", "warm_max_factor": "2.00",
        ]
        let items = [
            "items:1:number": "5", "items:1:age": "30", "items:1:evicted": "1", "items:1:mem_requested": "400", "items:1:hits_to_hot": "2",
            "items:1:number_hot": "1", "items:12:number": "4",
        ]
        let slabs = [
            "1:chunk_size": "96", "1:total_pages": "1", "1:used_chunks": "5", "1:get_hits": "6", "1:cmd_set": "8", "1:cas_hits": "1",
            "1:cas_badval": "1", "active_slabs": "2", "total_malloced": "2097152",
        ]
        let set = MemcachedMetrics.metrics(
            MemcachedMetrics.Reading(stats: stats, settings: settings, items: items, slabs: slabs),
            labels: [.init("backend", "pages"), .init("node", "10.0.0.6:11211")])
        #expect(value(set, "memcached_up") == 1)
        #expect(value(set, "memcached_commands_total", ["command": "get", "status": "hit"]) == 7)
        #expect(value(set, "memcached_commands_total", ["command": "get", "status": "miss"]) == 3)
        #expect(value(set, "memcached_commands_total", ["command": "set", "status": "hit"]) == 9, "cmd_set without the CAS commands")
        #expect(value(set, "memcached_commands_total", ["command": "get", "status": "expired"]) == nil, "as the exporter: a miss already")
        #expect(value(set, "memcached_current_items") == 9 && value(set, "memcached_current_bytes") == 900)
        #expect(value(set, "memcached_limit_bytes") == 67_108_864)
        #expect(value(set, "memcached_items_evicted_total") == 2)
        #expect(value(set, "memcached_current_connections") == 4)
        #expect(value(set, "memcached_version", ["version": "1.6.18"]) == 1)
        #expect(value(set, "memcached_max_connections") == 1024)
        #expect(value(set, "memcached_time_seconds") == 1_800_000_000)
        #expect(value(set, "memcached_process_user_cpu_seconds_total") == 1.25)
        #expect(value(set, "memcached_process_system_cpu_seconds_total") == 0.0005)
        #expect(value(set, "memcached_malloced_bytes") == 2_097_152 && value(set, "memcached_accepting_connections") == 1)
        #expect(value(set, "memcached_lru_crawler_enabled") == 1 && value(set, "memcached_lru_crawler_maintainer_thread") == 1)
        #expect(value(set, "memcached_lru_crawler_warm_max_factor") == 2 && value(set, "memcached_lru_crawler_starts_total") == 5)
        #expect(value(set, "memcached_lru_crawler_moves_to_cold_total") == 8)
        #expect(value(set, "memcached_slab_current_items", ["slab": "1"]) == 5)
        #expect(value(set, "memcached_slab_current_items", ["slab": "12"]) == 4)
        #expect(value(set, "memcached_slab_items_evicted_total", ["slab": "1"]) == 1)
        #expect(value(set, "memcached_slab_mem_requested_bytes", ["slab": "1"]) == 400)
        #expect(value(set, "memcached_slab_lru_hits_total", ["slab": "1", "lru": "hot"]) == 2)
        #expect(value(set, "memcached_slab_hot_items", ["slab": "1"]) == 1)
        #expect(value(set, "memcached_slab_chunk_size_bytes", ["slab": "1"]) == 96)
        #expect(value(set, "memcached_slab_current_pages", ["slab": "1"]) == 1)
        #expect(value(set, "memcached_slab_commands_total", ["slab": "1", "command": "get", "status": "hit"]) == 6)
        #expect(value(set, "memcached_slab_commands_total", ["slab": "1", "command": "set", "status": "hit"]) == 6)
        #expect(!set.families.contains { $0.samples.contains { $0.labels.contains(.init("slab", "active_slabs")) } })
        // Without the crawler, none of its settings.
        let off = MemcachedMetrics.metrics(MemcachedMetrics.Reading(stats: stats, settings: ["lru_crawler": "no"]), labels: [])
        #expect(value(off, "memcached_lru_crawler_enabled") == nil)
    }

    @Test func bothTextFormats() {
        var set = MetricSet()
        set.add("redis_commands_total", .counter, help: "Total number of calls per command", labels: [.init("cmd", "ge\"t\\\n")], 3)
        set.add("redis_memory_used_bytes", .gauge, help: "memory\nused", labels: [], 1.5e9)
        set.add("cachescope_hit_ratio", .gauge, help: "ratio", labels: [.init("backend", "a")], 0.25)
        let classic = ExpositionFormat.prometheus.render(set.families)
        #expect(classic.contains("# TYPE redis_commands_total counter\n"))
        #expect(classic.contains("redis_commands_total{cmd=\"ge\\\"t\\\\\\n\"} 3\n"), "label values escaped")
        #expect(classic.contains("# HELP redis_memory_used_bytes memory\\nused\n"))
        #expect(classic.contains("redis_memory_used_bytes 1500000000\n"))
        #expect(classic.contains("cachescope_hit_ratio{backend=\"a\"} 0.25\n"))
        #expect(!classic.contains("# EOF"))
        let open = ExpositionFormat.openMetrics.render(set.families)
        #expect(open.contains("# TYPE redis_commands counter\n"), "OpenMetrics counter families drop _total")
        #expect(open.contains("redis_commands_total{cmd="))
        #expect(open.hasSuffix("# EOF\n"))
        #expect(ExpositionFormat.negotiated(accept: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5") == .openMetrics)
        #expect(ExpositionFormat.negotiated(accept: "text/plain;version=0.0.4") == .prometheus)
        #expect(ExpositionFormat.negotiated(accept: nil) == .prometheus)
        #expect(ExpositionFormat.number(.nan) == "NaN" && ExpositionFormat.number(.infinity) == "+Inf")
    }
}
