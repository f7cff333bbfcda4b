import Basics
import ConnectionSupport
import Foundation
import Memcache
import TestSupport
import Testing

@testable import CacheMonitor

/// The memcached monitoring source against servers this suite starts, so every listing and count is exact.
@Suite(.serialized) struct MemcachedSourceTests {
    private func fill(_ address: String, _ keys: [[UInt8]], exptime: Int64 = 0, value: [UInt8] = Array("value".utf8)) async throws {
        let client = MemcachedClient(address: try MemcachedAddress(parsing: address))
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = keys[start..<min(start + 1000, keys.count)]
            _ = try await client.send(batch.map { try .store(.set, key: $0, value: value, flags: 16, exptime: exptime) })
        }
        await client.close()
    }

    private func listAll(_ source: MemcachedSource, accept: ([UInt8]) -> Bool = { _ in true }) async throws -> [MemcachedKeyEntry] {
        var entries: [MemcachedKeyEntry] = []
        _ = try await source.listKeys(limit: .max, accept: accept) {
            entries.append(contentsOf: $0)
            return true
        }
        return entries
    }

    @Test func statsArePerServerAndSummedAndADeadServerIsReportedNotHidden() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let dead = "127.0.0.1:\(TestServers.freePort())"
        let source = MemcachedSource(name: "memcached", addresses: try MemcachedAddress.parseList("\(first.address),\(second.address),\(dead)"))
        try await fill(first.address, (0..<30).map { Array("a:\($0)".utf8) })
        try await fill(second.address, (0..<20).map { Array("b:\($0)".utf8) })
        let client = MemcachedClient(address: try MemcachedAddress(parsing: first.address))
        _ = try await client.get([Array("a:1".utf8), Array("a:2".utf8), Array("missing".utf8)])
        await client.close()

        let stats = await source.stats()
        #expect(stats.servers.map(\.address) == [first.address, second.address, dead])
        #expect(stats.up.count == 2)
        #expect(stats.currItems == 50 && stats.getHits == 2 && stats.getMisses == 1 && stats.cmdSet == 50)
        #expect(stats.limitMaxbytes == 2 * 64 * 1024 * 1024)
        #expect(stats.versions.count == 1 && stats.uptime < 60 && stats.latency != nil)
        for server in stats.up {
            for field in ["get_expired", "get_flushed", "cmd_get", "total_items", "bytes", "evictions", "reclaimed", "curr_connections", "time"] {
                #expect(server.values[field] != nil, "stats has \(field)")
            }
        }
        guard case .failure(let error) = stats.servers[2].result else {
            Issue.record("the dead server must be down")
            return
        }
        #expect(error.message.contains("connection refused"))
        await source.close()
    }

    @Test func keysComeFromEveryServerWithServerClockTTLsAndFilters() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "pool", addresses: try MemcachedAddress.parseList("\(first.address),\(second.address)"))
        let filled = ContinuousClock.now
        try await fill(first.address, (0..<6000).map { Array("view:\($0)".utf8) }, exptime: 600)
        try await fill(second.address, (0..<4000).map { Array("memo:\($0)".utf8) })
        try await fill(second.address, [Array("odd%20key/é".utf8)])
        let all = try await listAll(source)
        #expect(all.count == 10_001)
        #expect(Set(all.map(\.key)).count == 10_001, "each key exactly once")
        #expect(all.filter { $0.server == first.address }.count == 6000)
        let view = try #require(all.first { $0.key == Array("view:1".utf8) })
        // 600 s, less the time since the fill (a loaded machine takes seconds here), less a second of rounding.
        let elapsed = (ContinuousClock.now - filled).components.seconds
        #expect(((600 - elapsed - 2)...600).contains(try #require(view.ttlSeconds)), "\(elapsed) s after the fill")
        #expect(all.first { $0.key == Array("memo:1".utf8) }?.ttlSeconds == nil)
        #expect(all.contains { $0.key == Array("odd%20key/é".utf8) }, "keys are decoded, literal % included")
        #expect((view.size ?? 0) > 0)

        #expect(try await listAll(source) { $0.hasBytePrefix(Array("memo:".utf8)) }.count == 4000)
        var limited = 0
        let more = try await source.listKeys(limit: 100) {
            limited += $0.count
            return true
        }
        #expect(limited == 100 && more)
        await source.close()
    }

    @Test func previewsReadTheFirstBytesAndCountAsOwnReads() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: server.address)])
        try await fill(server.address, [Array("big".utf8)], value: Array(repeating: 0x41, count: 100_000))
        let preview = try #require(try await source.preview(of: Array("big".utf8), on: server.address, maxBytes: 16))
        #expect(preview.prefix == Array(repeating: 0x41, count: 16) && preview.length == 100_000 && preview.flags == 16)
        #expect(try await source.preview(of: Array("gone".utf8), on: server.address) == nil)
        let stats = await source.stats()
        #expect(stats.ownReadHits == 1 && stats.ownReadMisses == 1)
        #expect(stats.getHits == 1 && stats.applicationHits == 0 && stats.applicationMisses == 0, "the monitor's reads are not the application's")
        await source.close()
    }

    @Test func deletingGivenKeysReachesEveryServerOfAPool() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "pool", addresses: try MemcachedAddress.parseList("\(first.address),\(second.address)"))
        try await fill(first.address, [Array("k1".utf8), Array("keep".utf8)])
        try await fill(second.address, [Array("k2".utf8)])
        let keys = [Array("k1".utf8), Array("k2".utf8), Array("nope".utf8)]
        #expect(try await source.countExisting(keys) == 2)
        let outcome = try await source.deleteKeys(keys)
        #expect(outcome.totals.matched == 2 && outcome.totals.deleted == 2)
        #expect(outcome.servers.map(\.totals.deleted) == [1, 1])
        #expect(try await listAll(source).map(\.key) == [Array("keep".utf8)])
        await source.close()
    }

    @Test func prefixInvalidationDeletesExactlyThePrefixedKeysOnEveryServer() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "pool", addresses: try MemcachedAddress.parseList("\(first.address),\(second.address)"))
        let prefix = Array("p*%:".utf8)
        try await fill(first.address, (0..<1500).map { prefix + Array("\($0)".utf8) } + [Array("p*%".utf8), Array("p%2A%25:1".utf8)])
        try await fill(second.address, (0..<500).map { prefix + Array("\($0)".utf8) } + [Array("q*%:1".utf8)])

        let dry = try await source.deleteKeys(withPrefix: prefix, dryRun: true)
        #expect(dry.totals.matched == 2000 && dry.totals.deleted == 0 && dry.totals.finished)
        var seen: [DeletionTotals] = []
        let done = try await source.deleteKeys(withPrefix: prefix) {
            seen.append($0)
            return true
        }
        #expect(done.totals.matched == 2000 && done.totals.deleted == 2000 && done.totals.finished)
        #expect(done.servers.map(\.totals.deleted) == [1500, 500])
        #expect(seen.last?.finished == true && seen.map(\.deleted) == seen.map(\.deleted).sorted(), "progress only grows")
        #expect(Set(try await listAll(source).map(\.key)) == [Array("p*%".utf8), Array("p%2A%25:1".utf8), Array("q*%:1".utf8)])
        await source.close()
    }

    @Test func invalidationCanBeCancelled() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: server.address)])
        try await fill(server.address, (0..<20_000).map { Array("c:\($0)".utf8) })
        let stopped = try await source.deleteKeys(withPrefix: Array("c:".utf8)) { $0.matched < 1000 }
        #expect(!stopped.totals.finished && stopped.totals.matched < 20_000)
        #expect(try await listAll(source).count == 20_000 - stopped.totals.deleted)
        await source.close()
    }

    @Test func aServerThatCannotListKeysSaysWhyAndNothingIsDeleted() async throws {
        guard let server = try MemcachedServerProcess(arguments: ["-X"]) else { return }
        let source = MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: server.address)])
        try await fill(server.address, [Array("p:1".utf8)])
        await #expect {
            _ = try await source.deleteKeys(withPrefix: Array("p:".utf8), dryRun: false) { _ in true }
        } throws: { ($0 as? MemcachedError)?.code == .metadumpUnavailable }
        #expect(try await source.countExisting([Array("p:1".utf8)]) == 1)
        await source.close()
    }

    @Test func metadumpScopeFollowsTheServerVersion() {
        func scope(_ version: String) -> MetadumpScope { MemcachedSource.scope(forVersion: [MemcachedStat(name: "version", value: version)]) }
        #expect(scope("1.6.9") == .hash)
        #expect(scope("1.6.18") == .hash)
        #expect(scope("1.6.8") == .all)
        #expect(scope("1.5.22") == .all)
        #expect(scope("2.0.0-rc1") == .hash)
        #expect(MemcachedSource.scope(forVersion: []) == .all)
    }
}
