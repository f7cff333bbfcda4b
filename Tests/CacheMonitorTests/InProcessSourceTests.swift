import Caching
import Testing

@testable import CacheMonitor

/// An in-process cache as a monitored source: its own counters, prefix deletion, key deletion.
@Suite struct InProcessSourceTests {
    @Test func samplesCountTheCachesOwnTraffic() async throws {
        let backend = SimpleCache(threshold: 100)
        let cache = Cache(backend: backend)
        let source = InProcessSource(name: "demo", backend: backend)
        try await cache.set("a", 1)
        _ = try await cache.get("a", as: Int.self)
        _ = try await cache.get("a", as: Int.self)
        _ = try await cache.get("missing", as: Int.self)
        let sample = try await source.sample()
        #expect(sample.totalHits == 2 && sample.totalMisses == 1 && sample.keys == 1)
        #expect(sample.operations == 4, "3 reads and 1 write")
        #expect(source.kind == .inProcess)

        let poller = Poller(backends: MonitoredBackend.numbered([source]))
        _ = await poller.sampleAll()
        _ = try await cache.get("a", as: Int.self)
        let snapshot = await poller.sampleAll()
        #expect(snapshot.backends[0].rates?.hits == 1 && snapshot.backends[0].rates?.hitRatio == 1)
    }

    @Test func prefixAndKeyDeletion() async throws {
        let backend = SimpleCache(threshold: 100)
        let cache = Cache(backend: backend)
        for index in 0..<10 { try await cache.set("view/\(index)", index) }
        try await cache.set("keep", 1)
        let source = InProcessSource(name: "demo", backend: backend)
        let dry = try await source.deleteKeys(withPrefix: Array("view/".utf8), dryRun: true) { _ in true }
        #expect(dry.totals.matched == 10 && dry.totals.deleted == 0)
        let done = try await source.deleteKeys(withPrefix: Array("view/".utf8), dryRun: false) { _ in true }
        #expect(done.totals.deleted == 10 && done.totals.finished)
        #expect(try await source.countExisting([Array("keep".utf8), Array("view/1".utf8)]) == 1)
        #expect(try await source.deleteKeys([Array("keep".utf8), Array("nope".utf8)]).totals.deleted == 1)
        #expect(backend.statistics().keys == 0)
    }
}
