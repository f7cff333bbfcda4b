import RESP
import Testing

@testable import CacheMonitor

/// The attention rules on recorded `INFO` output of Redis 7.0: each fires on its figures and only then.
@Suite struct AttentionRulesTests {
    func health(_ info: String) -> ServerHealth {
        let parsed = RedisInfo(parsing: info.replacingOccurrences(of: "\n", with: "\r\n"))
        var health = ServerHealth(address: "10.0.0.1:6379")
        health.memory = MemoryHealth(parsed).map { .value($0) } ?? .notApplicable
        health.replication = ReplicationHealth(parsed).map { .value($0) } ?? .notApplicable
        health.persistence = PersistenceHealth(parsed).map { .value($0) } ?? .notApplicable
        return health
    }

    let healthy = """
        # Memory
        used_memory:1073741824
        used_memory_rss:1181116006
        mem_fragmentation_ratio:1.10
        mem_fragmentation_bytes:107374182
        maxmemory:4294967296
        maxmemory_policy:allkeys-lru
        # Replication
        role:master
        connected_slaves:1
        slave0:ip=10.0.0.2,port=6379,state=online,offset=1000,lag=0
        # Persistence
        rdb_last_bgsave_status:ok
        aof_enabled:0
        aof_last_write_status:ok
        """

    @Test func aHealthyServerNeedsNothing() {
        #expect(AttentionRules.evaluate(health(healthy)).isEmpty)
    }

    @Test func fragmentationNeedsBothTheRatioAndTheBytes() {
        let fragmented = healthy.replacingOccurrences(of: "mem_fragmentation_ratio:1.10", with: "mem_fragmentation_ratio:1.80")
            .replacingOccurrences(of: "mem_fragmentation_bytes:107374182", with: "mem_fragmentation_bytes:858993459")
        let rules = AttentionRules.evaluate(health(fragmented))
        #expect(rules.map(\.rule) == [.fragmentation])
        #expect(rules.first?.message.contains("1.8×") == true && rules.first?.node == "10.0.0.1:6379")
        // A small server with a high ratio but little waste: nothing to do.
        let small = healthy.replacingOccurrences(of: "mem_fragmentation_ratio:1.10", with: "mem_fragmentation_ratio:3.00")
            .replacingOccurrences(of: "mem_fragmentation_bytes:107374182", with: "mem_fragmentation_bytes:6000000")
        #expect(AttentionRules.evaluate(health(small)).isEmpty)
    }

    @Test func replicasDownOrBehind() {
        let lagging = healthy.replacingOccurrences(of: "state=online,offset=1000,lag=0", with: "state=online,offset=1000,lag=42")
        #expect(AttentionRules.evaluate(health(lagging)).map(\.rule) == [.replicaLag])
        let replica = """
            # Replication
            role:slave
            master_host:10.0.0.1
            master_port:6379
            master_link_status:down
            """
        let rules = AttentionRules.evaluate(health(replica))
        #expect(rules.map(\.rule) == [.replicaLink] && rules.first?.message.contains("10.0.0.1:6379") == true)
    }

    @Test func memoryPersistenceAndNoeviction() {
        let high = healthy.replacingOccurrences(of: "used_memory:1073741824", with: "used_memory:3865470566")
        #expect(AttentionRules.evaluate(health(high)).map(\.rule) == [.memory])
        let full = healthy.replacingOccurrences(of: "used_memory:1073741824", with: "used_memory:4294967296")
            .replacingOccurrences(of: "maxmemory_policy:allkeys-lru", with: "maxmemory_policy:noeviction")
        #expect(AttentionRules.evaluate(health(full)).map(\.rule) == [.noevictionFull])
        let failed = healthy.replacingOccurrences(of: "rdb_last_bgsave_status:ok", with: "rdb_last_bgsave_status:err")
        #expect(AttentionRules.evaluate(health(failed)).map(\.rule) == [.persistence])
    }

    @Test func countsSinceTheLastReading() {
        let rules = AttentionRules.evaluate(health(healthy), newSlowEntries: 2, newRejectedConnections: 5, newEvictedUnfetched: 7)
        #expect(rules.map(\.rule) == [.slowlog, .rejectedConnections, .evictedUnfetched])
        #expect(
            Set(Attention.Rule.allCases.map(\.rawValue)) == [
                "fragmentation", "replica-link", "replica-lag", "slowlog", "rejected-connections", "evicted-unfetched", "memory", "persistence",
                "noeviction-full", "memory-forecast", "evictions-soon", "hit-ratio-drop",
            ])
    }
}
