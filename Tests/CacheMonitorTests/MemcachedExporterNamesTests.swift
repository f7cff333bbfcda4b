import Foundation
import Memcache
import TestSupport
import Testing

@testable import CacheMonitor

/// `serve` for a real memcached 1.6 gives every name memcached_exporter emits for it (its
/// `pkg/exporter/exporter.go`, extstore and proxy left out), with the exporter's type and labels.
@Suite(.serialized) struct MemcachedExporterNamesTests {
    /// memcached_exporter's names for a memcached 1.6 without extstore or proxy, and their types.
    static let exporterNames: [String: MetricFamily.Kind] = [
        "memcached_up": .gauge, "memcached_uptime_seconds": .counter, "memcached_time_seconds": .gauge, "memcached_version": .gauge,
        "memcached_process_user_cpu_seconds_total": .counter, "memcached_process_system_cpu_seconds_total": .counter,
        "memcached_read_bytes_total": .counter, "memcached_written_bytes_total": .counter, "memcached_current_connections": .gauge,
        "memcached_max_connections": .gauge, "memcached_connections_total": .counter, "memcached_connections_rejected_total": .counter,
        "memcached_connections_yielded_total": .counter, "memcached_connections_listener_disabled_total": .counter,
        "memcached_current_bytes": .gauge, "memcached_limit_bytes": .gauge, "memcached_commands_total": .counter,
        "memcached_current_items": .gauge, "memcached_items_total": .counter, "memcached_items_evicted_total": .counter,
        "memcached_items_reclaimed_total": .counter, "memcached_item_too_large_total": .counter, "memcached_item_no_memory_total": .counter,
        "memcached_direct_reclaims_total": .counter, "memcached_malloced_bytes": .gauge, "memcached_accepting_connections": .gauge,
        "memcached_lru_crawler_enabled": .gauge, "memcached_lru_crawler_sleep": .gauge, "memcached_lru_crawler_to_crawl": .gauge,
        "memcached_lru_crawler_maintainer_thread": .gauge, "memcached_lru_crawler_hot_percent": .gauge,
        "memcached_lru_crawler_warm_percent": .gauge, "memcached_lru_crawler_hot_max_factor": .gauge,
        "memcached_lru_crawler_warm_max_factor": .gauge, "memcached_lru_crawler_starts_total": .counter,
        "memcached_lru_crawler_reclaimed_total": .counter, "memcached_lru_crawler_items_checked_total": .counter,
        "memcached_lru_crawler_moves_to_cold_total": .counter, "memcached_lru_crawler_moves_to_warm_total": .counter,
        "memcached_lru_crawler_moves_within_lru_total": .counter, "memcached_slab_current_items": .gauge,
        "memcached_slab_items_age_seconds": .gauge, "memcached_slab_items_crawler_reclaimed_total": .counter,
        "memcached_slab_items_evicted_total": .counter, "memcached_slab_items_evicted_nonzero_total": .counter,
        "memcached_slab_items_evicted_time_seconds": .counter, "memcached_slab_items_evicted_unfetched_total": .counter,
        "memcached_slab_items_expired_unfetched_total": .counter, "memcached_slab_items_outofmemory_total": .counter,
        "memcached_slab_items_reclaimed_total": .counter, "memcached_slab_items_tailrepairs_total": .counter,
        "memcached_slab_items_moves_to_cold": .counter, "memcached_slab_items_moves_to_warm": .counter,
        "memcached_slab_items_moves_within_lru": .counter, "memcached_slab_hot_items": .gauge, "memcached_slab_warm_items": .gauge,
        "memcached_slab_cold_items": .gauge, "memcached_slab_temporary_items": .gauge, "memcached_slab_hot_age_seconds": .gauge,
        "memcached_slab_warm_age_seconds": .gauge, "memcached_slab_lru_hits_total": .counter, "memcached_slab_chunk_size_bytes": .gauge,
        "memcached_slab_chunks_per_page": .gauge, "memcached_slab_current_pages": .gauge, "memcached_slab_current_chunks": .gauge,
        "memcached_slab_chunks_used": .gauge, "memcached_slab_chunks_free": .gauge, "memcached_slab_chunks_free_end": .gauge,
        "memcached_slab_mem_requested_bytes": .counter, "memcached_slab_commands_total": .counter,
    ]

    @Test func aRealMemcachedGivesEveryNameTheExporterGives() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let client = MemcachedClient(address: try MemcachedAddress(parsing: server.address))
        // Items in two slab classes, read and missed.
        for index in 0..<20 {
            _ = try await client.send(try .store(.set, key: Array("small:\(index)".utf8), value: Array("v".utf8), flags: 0, exptime: 0))
            _ = try await client.send(
                try .store(.set, key: Array("large:\(index)".utf8), value: Array(repeating: 120, count: 3_000), flags: 0, exptime: 0))
            _ = try await client.send(try .get([Array("small:\(index)".utf8), Array("missing:\(index)".utf8)]))
        }
        await client.close()
        let source = MemcachedSource(name: "pages", addresses: [try MemcachedAddress(parsing: server.address)])
        let set = await source.exporterMetrics(backend: "pages")
        await source.close()
        let kinds = Dictionary(set.families.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        // Only with the temporary LRU (memcached -o temporary_ttl), as for the exporter.
        let conditional: Set<String> = ["memcached_slab_temporary_items"]
        for (name, kind) in Self.exporterNames.sorted(by: { $0.key < $1.key }) where !(conditional.contains(name) && kinds[name] == nil) {
            #expect(kinds[name] == kind, "\(name): \(kinds[name].map { "\($0)" } ?? "missing"), the exporter's is \(kind)")
        }
        #expect(Self.exporterNames.count == 70)
        // Per slab class: the two classes the items went to, each with its own series.
        let slabs = Set(
            set.families.first { $0.name == "memcached_slab_current_items" }?.samples.compactMap { sample in
                sample.labels.first { $0.name == "slab" }?.value
            } ?? [])
        #expect(slabs.count == 2, "\(slabs)")
        let lruHits = set.families.first { $0.name == "memcached_slab_lru_hits_total" }?.samples ?? []
        #expect(Set(lruHits.compactMap { $0.labels.first { $0.name == "lru" }?.value }) == ["hot", "warm", "cold", "temporary"])
        let commands = set.families.first { $0.name == "memcached_commands_total" }?.samples ?? []
        func command(_ command: String, _ status: String) -> Double? {
            commands.first { $0.labels.contains(.init("command", command)) && $0.labels.contains(.init("status", status)) }?.value
        }
        #expect(command("get", "hit") == 20 && command("get", "miss") == 20 && command("set", "hit") == 40)
        #expect(set.families.allSatisfy { family in family.samples.allSatisfy { $0.labels.first == .init("backend", "pages") } })
    }
}
