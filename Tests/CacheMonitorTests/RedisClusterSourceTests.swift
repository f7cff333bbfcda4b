import CacheMonitor
import Foundation
import RESP
import TestSupport
import Testing

/// Watching a Redis Cluster through a plain `redis://` URL of one node: the shared 3-master cluster of
/// `scripts/test.sh` for listing and invalidation (each test under its own prefix), clusters of the tests'
/// own for exact totals and for killing a master.
@Suite struct RedisClusterSourceTests {
    static let shared = TestServers.cluster != nil

    func sharedFixture() throws -> (source: RedisSource, admin: RedisClusterClient, prefix: [UInt8]) {
        let seed = try #require(TestServers.cluster?.first)
        let url = try RedisURL(parsing: "redis://\(seed.host):\(seed.port)")
        let prefix = Array("cluster-monitor:\(UUID().uuidString.prefix(8)):".utf8)
        return (RedisSource(name: "redis", url: url), try RedisClusterClient(seeds: [url]), prefix)
    }

    func write(_ keys: [[UInt8]], _ admin: RedisClusterClient) async throws {
        for chunk in stride(from: 0, to: keys.count, by: 500) {
            try await admin.send(keys[chunk..<min(chunk + 500, keys.count)].map { RESPCommand("SET", key: $0, ["v", "EX", 600]) })
        }
    }

    @Test(.enabled(if: shared, Comment(rawValue: TestServers.clusterSkipMessage)))
    func keysSpreadOverEveryMasterAreListedExactlyOnce() async throws {
        let (source, admin, prefix) = try sharedFixture()
        let keys = (0..<3000).map { prefix + Array("k\($0)".utf8) }
        try await write(keys, admin)
        var listed: [[UInt8]] = []
        let more = try await source.browseKeys(matching: KeyMatch(prefix: prefix, glob: nil), limit: 100_000) { batch in
            listed += batch.map(\.key)
            #expect(batch.allSatisfy { $0.type == "string" && ($0.ttlMilliseconds ?? 0) > 0 })
            return true
        }
        #expect(!more)
        #expect(listed.count == keys.count)
        #expect(Set(listed) == Set(keys))
        #expect(source.kind == .redisCluster)

        #expect(try await source.deleteKeys(withPrefix: prefix, dryRun: false) { _ in true }.totals.deleted == keys.count)
        await admin.close()
        await source.close()
    }

    @Test(.enabled(if: shared, Comment(rawValue: TestServers.clusterSkipMessage)))
    func prefixInvalidationAcrossSlotsDeletesExactlyThePrefixedKeysWithProgress() async throws {
        let (source, admin, prefix) = try sharedFixture()
        let doomed = (0..<2000).map { prefix + Array("p:\($0)".utf8) }
        let kept = (0..<50).map { prefix + Array("q:\($0)".utf8) } + [prefix + Array("p".utf8)]
        try await write(doomed + kept, admin)
        let dry = try await source.deleteKeys(withPrefix: prefix + Array("p:".utf8), dryRun: true) { _ in true }
        #expect(dry.totals.matched == doomed.count && dry.totals.deleted == 0)
        var updates: [Int] = []
        let outcome = try await source.deleteKeys(withPrefix: prefix + Array("p:".utf8), dryRun: false) { totals in
            updates.append(totals.deleted)
            return true
        }
        #expect(outcome.totals.deleted == doomed.count && outcome.totals.finished)
        #expect(outcome.servers.count == 3 && outcome.servers.allSatisfy { $0.totals.deleted > 0 })
        #expect(updates.count > 3 && updates == updates.sorted(), "progress grows across the cluster")
        #expect(try await admin.send(RESPCommand("EXISTS", keys: doomed)).integer == 0)
        #expect(try await admin.send(RESPCommand("EXISTS", keys: kept)).integer == Int64(kept.count))
        _ = try await source.deleteKeys(withPrefix: prefix, dryRun: false) { _ in true }
        await admin.close()
        await source.close()
    }

    @Test func totalsAreTheSumOfTheMastersAndAKilledMasterIsOneRowDown() async throws {
        guard let cluster = try await TestCluster() else { return }
        let seeds = try cluster.urls.map { try RedisURL(parsing: $0) }
        let admin = try RedisClusterClient(seeds: seeds)
        let keys = (0..<600).map { Array("user:\($0)".utf8) }
        try await write(keys, admin)
        try await admin.send(keys.prefix(200).map { RESPCommand("GET", key: $0) })
        try await admin.send((0..<90).map { RESPCommand("GET", key: Array("absent:\($0)".utf8)) })

        let source = RedisSource(name: "redis", url: seeds[1])
        let first = try await source.sample()
        var hits: UInt64 = 0
        var misses: UInt64 = 0
        var dbsize = 0
        for master in try await admin.masterClients() {
            let info = try await master.client.info(["stats", "keyspace"])
            hits += info.keyspaceHits ?? 0
            misses += info.keyspaceMisses ?? 0
            dbsize += info.keyspace.values.reduce(0) { $0 + $1.keys }
        }
        #expect(first.totalHits == hits && hits == 200)
        #expect(first.totalMisses == misses && misses == 90)
        #expect(first.keys == dbsize && dbsize == 600)
        #expect(first.servers.count == 3)
        #expect(first.servers.compactMap(\.slots).reduce(0, +) == 16384)
        #expect(first.servers.allSatisfy { $0.up && $0.role == .master && $0.countsInTotals })

        let victim = cluster.nodes[2]
        let victimAddress = "127.0.0.1:\(victim.port)"
        let survivorsKeys = first.servers.filter { $0.address != victimAddress }.reduce(0) { $0 + $1.keys }
        victim.kill()
        let second = try await source.sample()
        let down = second.servers.first { $0.address == victimAddress }
        #expect(down?.up == false && down?.error?.isEmpty == false, "the killed master is one row marked down")
        #expect(second.servers.filter(\.up).count == 2)
        #expect(second.keys == survivorsKeys, "the others keep reporting")
        let rates = BackendRates(from: first, to: second, seconds: 1)
        #expect(rates.hits == 0 && rates.misses == 0 && !rates.countersReset, "a node leaving moves no rate")
        await admin.close()
        await source.close()
    }

    @Test func aClusterConfiguredWithSeveralSeedsStartsFromAnyLiveOne() async throws {
        guard let cluster = try await TestCluster() else { return }
        let dead = try RedisURL(parsing: "redis://127.0.0.1:\(TestServers.freePort())")
        let source = try RedisSource(name: "sessions", clusterSeeds: [dead] + [try RedisURL(parsing: cluster.urls[0])])
        #expect(source.kind == .redisCluster)
        let sample = try await source.sample()
        #expect(sample.servers.count == 3)
        await source.close()
    }
}

/// A replica promoted when its master dies is found by the next sample (the slot map is read every time).
@Suite struct RedisClusterFailoverTests {
    @Test func aReplicaIsShownNotAddedAndAFailoverIsPickedUp() async throws {
        guard let cluster = try await TestCluster(withReplica: true), let replica = cluster.replica else { return }
        let admin = try RedisClusterClient(seeds: try cluster.urls.map { try RedisURL(parsing: $0) })
        try await admin.send((0..<300).map { RESPCommand("SET", key: Array("k\($0)".utf8), ["v"]) })
        try await admin.send(RESPCommand("WAIT", [1, 2000]))
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: cluster.urls[1]))
        let replicaAddress = "127.0.0.1:\(replica.port)"
        let before = try await source.sample()
        let shownReplica = try #require(before.servers.first { $0.address == replicaAddress })
        #expect(shownReplica.role == .replica && !shownReplica.countsInTotals && shownReplica.replicaOf == "127.0.0.1:\(cluster.nodes[0].port)")
        #expect(before.servers.filter { $0.role == .master }.count == 3)
        #expect(before.keys == 300, "the replica's copies are not added in")

        cluster.nodes[0].kill()
        var promoted = false
        for _ in 0..<160 where !promoted {
            try await Task.sleep(for: .milliseconds(250))
            // While the cluster fails over it may answer CLUSTERDOWN: that sample fails (the dashboard shows
            // the cluster down for it) and the next one is taken.
            guard let sample = try? await source.sample() else { continue }
            promoted = sample.servers.contains { $0.address == replicaAddress && $0.role == .master && $0.up && ($0.slots ?? 0) > 0 }
        }
        #expect(promoted, "the promoted replica is a master with slots at a later sample")
        #expect(try await admin.send(RESPCommand("GET", key: Array("k1".utf8))).string == "v", "the cluster client follows the failover too")
        await admin.close()
        await source.close()
    }
}

/// A master that hangs (SIGSTOP) — even the one the slot map was read from — is one row marked down, and
/// the sample still finishes within the poller's 2 s.
@Suite struct RedisClusterHungNodeTests {
    @Test func aHungMasterIsOneRowDownAndTheSampleStaysInTime() async throws {
        guard let cluster = try await TestCluster() else { return }
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: cluster.urls[1]))
        _ = try await source.sample()
        let hung = cluster.nodes[1]
        hung.pause()
        defer { hung.resume() }
        var durations: [Duration] = []
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let sample = try await source.sample()
            durations.append(ContinuousClock.now - started)
            let row = sample.servers.first { $0.address == "127.0.0.1:\(hung.port)" }
            #expect(row?.up == false && row?.error != nil)
            #expect(sample.servers.filter(\.up).count == 2, "the others keep reporting")
        }
        // 0.5 s for the map and 1.2 s for the nodes at most (1.7 s alone); held up by the hung node a sample
        // would take at least the map's 0.5 s plus that node's own command timeout, 5 s — every time, as the
        // node stays hung. A loaded test machine (the suite starts Prometheus, sentinels and fleets of
        // servers beside it) slowed single samples to 3.05–5.52 s, never all three: the fastest tells.
        #expect(durations.min() ?? .seconds(99) < .seconds(5.3), "not held up by the hung node: \(durations)")
        hung.resume()
        await source.close()
    }
}
