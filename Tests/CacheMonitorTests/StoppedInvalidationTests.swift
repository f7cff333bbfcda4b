import CacheMonitor
import Foundation
import RESP
import TestSupport
import Testing

/// A prefix invalidation stopped part way, on real servers: the outcome says it stopped, and its count is
/// the number of keys the server lost — the batch in flight included — on one Redis and on a cluster.
@Suite struct StoppedInvalidationTests {
    /// Runs the change, asks it to stop once it deleted something, and returns its outcome.
    func stopPartWay(_ prefix: [UInt8], on source: any CacheSource) async -> ChangeOutcome {
        let job = ChangeRunner(readOnly: false).start(.invalidatePrefix(prefix), on: MonitoredBackend(id: BackendID(0), source: source))
        for await event in job.events {
            if case .progress(let totals, _) = event, totals.deleted > 0 { job.stop() }
        }
        return await job.outcome
    }

    /// How many keys under `prefix` are left, counted by a dry run.
    func left(_ prefix: [UInt8], on source: any CacheSource) async -> Int {
        await ChangeRunner(readOnly: true).start(.invalidatePrefix(prefix), on: MonitoredBackend(id: BackendID(0), source: source), dryRun: true)
            .outcome.totals.matched
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func onOneRedis() async throws {
        let url = try RedisURL(parsing: try #require(TestServers.redisURL()))
        let prefix = Array("stop-\(UUID().uuidString.prefix(8)):".utf8)
        let admin = RedisClient(url: url)
        let total = 60_000
        for start in stride(from: 0, to: total, by: 1000) {
            try await admin.send((start..<start + 1000).map { RESPCommand("SET", key: prefix + Array("\($0)".utf8), ["v"]) })
        }
        let source = RedisSource(name: "redis", url: url)
        let outcome = await stopPartWay(prefix, on: source)
        #expect(outcome.ending == .stopped)
        let remaining = await left(prefix, on: source)
        #expect(outcome.totals.deleted == total - remaining, "deleted \(outcome.totals.deleted), the server lost \(total - remaining)")
        #expect(remaining > 0, "it stopped before the end")
        try await admin.deleteKeys(withPrefix: prefix)
        await admin.close()
        await source.close()
    }

    @Test(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
    func onACluster() async throws {
        let seed = try #require(TestServers.cluster?.first)
        let url = try RedisURL(parsing: "redis://\(seed.host):\(seed.port)")
        let prefix = Array("stop-\(UUID().uuidString.prefix(8)):".utf8)
        let admin = try RedisClusterClient(seeds: [url])
        let total = 60_000
        for start in stride(from: 0, to: total, by: 1000) {
            try await admin.send((start..<start + 1000).map { RESPCommand("SET", key: prefix + Array("\($0)".utf8), ["v"]) })
        }
        let source = RedisSource(name: "cluster", url: url)
        let outcome = await stopPartWay(prefix, on: source)
        #expect(outcome.ending == .stopped)
        let remaining = await left(prefix, on: source)
        #expect(outcome.totals.deleted == total - remaining, "deleted \(outcome.totals.deleted), the cluster lost \(total - remaining)")
        #expect(outcome.servers.count == 3, "each master's share")
        try await admin.deleteKeys(withPrefix: prefix)
        await source.close()
    }
}
