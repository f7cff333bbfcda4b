import Testing

@testable import Caching

/// SimpleCache semantics: expiry, the threshold with Flask-Caching's pruning order (checklist 9), counters
/// and the monitoring reads.
@Suite struct SimpleCacheTests {
    let clock = ManualCacheClock()

    func value(_ text: String) -> CacheValue { CacheValue(format: .text, bytes: Array(text.utf8)) }

    @Test func entriesExpireAfterTheirOwnTimeout() throws {
        let cache = SimpleCache(clock: clock)
        try cache.set("short", value("a"), timeout: 5)
        try cache.set("long", value("b"), timeout: 50)
        try cache.set("forever", value("c"), timeout: .never)
        clock.advance(by: 5)
        #expect(cache.get("short") == nil)
        #expect(cache.has("long"))
        clock.advance(by: 1_000_000)
        #expect(cache.get("long") == nil)
        #expect(cache.get("forever") == value("c"))
    }

    @Test func thresholdKeepsAtMostThresholdPlusOneEntries() throws {
        // cachelib's test_purge: threshold 2, four sets leave three.
        let cache = SimpleCache(threshold: 2, clock: clock)
        for key in ["a", "b", "c", "d"] {
            try cache.set(key, value(key), timeout: 300)
            clock.advance(by: 1)
        }
        let stats = cache.statistics()
        #expect(stats.keys == 3)
        #expect(stats.evictions == 1)
        #expect(cache.get("a") == nil, "the earliest-expiring entry is evicted first")
        #expect(cache.get("d") == value("d"))
    }

    @Test func pruningRemovesExpiredEntriesBeforeLiveOnes() throws {
        let cache = SimpleCache(threshold: 3, clock: clock)
        try cache.set("live-early", value("1"), timeout: 100)
        try cache.set("dies", value("2"), timeout: 1)
        try cache.set("live-late", value("3"), timeout: 200)
        try cache.set("live-later", value("4"), timeout: 300)
        clock.advance(by: 2)
        try cache.set("new", value("5"), timeout: 300)
        #expect(cache.has("live-early"))
        #expect(cache.has("new"))
        let stats = cache.statistics()
        #expect(stats.expirations == 1)
        #expect(stats.evictions == 0)
    }

    @Test func evictionTakesTheEarliestExpiryNotTheOldestWrite() throws {
        let cache = SimpleCache(threshold: 2, clock: clock)
        try cache.set("old-but-long", value("1"), timeout: 1000)
        try cache.set("new-but-short", value("2"), timeout: 10)
        try cache.set("forever", value("3"), timeout: .never)
        try cache.set("trigger", value("4"), timeout: 500)
        #expect(cache.has("new-but-short") == false)
        #expect(cache.has("old-but-long"))
        #expect(cache.has("forever"), "entries that never expire are evicted last")
    }

    @Test func thresholdZeroMeansFiveHundred() {
        #expect(SimpleCache(threshold: 0).threshold == 500)
        #expect(SimpleCache().threshold == 500)
    }

    @Test func overwritingAKeyDoesNotEvictOthers() throws {
        let cache = SimpleCache(threshold: 2, clock: clock)
        try cache.set("a", value("1"), timeout: 10)
        try cache.set("b", value("1"), timeout: 10)
        try cache.set("c", value("1"), timeout: 10)
        for round in 0..<1000 { try cache.set("c", value("\(round)"), timeout: 10) }
        #expect(cache.statistics().keys == 3)
        #expect(cache.get("c") == value("999"))
    }

    @Test func aFullCacheStaysCorrectUnderChurn() throws {
        let cache = SimpleCache(threshold: 100, clock: clock)
        for index in 0..<10_000 {
            try cache.set("k\(index)", value("\(index)"), timeout: CacheTimeout(seconds: Double(1 + index % 7)))
            if index % 50 == 0 { clock.advance(by: 1) }
        }
        let stats = cache.statistics()
        #expect(stats.keys <= 101)
        #expect(stats.sets == 10_000)
        #expect(stats.evictions + stats.expirations + UInt64(stats.keys) == 10_000)
        #expect(cache.get("k9999") == value("9999"))
    }

    @Test func addSucceedsOnlyWhenAbsentOrExpired() throws {
        let cache = SimpleCache(clock: clock)
        #expect(try cache.add("k", value("first"), timeout: 5))
        #expect(try cache.add("k", value("second"), timeout: 5) == false)
        #expect(cache.get("k") == value("first"))
        clock.advance(by: 6)
        #expect(try cache.add("k", value("third"), timeout: 5))
        #expect(cache.get("k") == value("third"))
    }

    @Test func incrementKeepsTheLifetimeAndRejectsText() throws {
        let cache = SimpleCache(clock: clock)
        #expect(try cache.increment("n", by: 5, timeout: 10) == 5)
        clock.advance(by: 6)
        #expect(try cache.increment("n", by: -2, timeout: 10) == 3)
        clock.advance(by: 5)
        #expect(cache.get("n") == nil, "the counter kept its first lifetime")
        try cache.set("t", value("abc"), timeout: 10)
        #expect(throws: CacheError.self) { try cache.increment("t", by: 1, timeout: 10) }
        try cache.set("max", CacheValue(format: .integer, bytes: Array("\(Int64.max)".utf8)), timeout: 10)
        #expect(throws: CacheError.self) { try cache.increment("max", by: 1, timeout: 10) }
    }

    @Test func touchExtendsALiveKeyOnly() throws {
        let cache = SimpleCache(clock: clock)
        try cache.set("k", value("v"), timeout: 5)
        #expect(try cache.touch("k", timeout: 100))
        clock.advance(by: 50)
        #expect(cache.has("k"))
        #expect(try cache.touch("missing", timeout: 100) == false)
    }

    @Test func clearWithAPrefixRemovesOnlyThatPrefix() throws {
        let cache = SimpleCache(clock: clock)
        try cache.set("app1:a", value("1"), timeout: 10)
        try cache.set("app1:b", value("1"), timeout: 10)
        try cache.set("app2:a", value("1"), timeout: 10)
        #expect(cache.clear(prefix: "app1:") == 2)
        #expect(cache.has("app2:a"))
        #expect(cache.clear(prefix: "") == 1)
        #expect(cache.statistics().keys == 0)
    }

    @Test func countersTrackEveryKindOfOperation() throws {
        let cache = SimpleCache(clock: clock)
        try cache.set("a", value("1"), timeout: 10)
        _ = cache.get("a")
        _ = cache.get("a")
        _ = cache.get("missing")
        _ = cache.delete("a")
        let stats = cache.statistics()
        #expect(stats.hits == 2)
        #expect(stats.misses == 1)
        #expect(stats.sets == 1)
        #expect(stats.deletes == 1)
        #expect(stats.bytes == 0)
        #expect(stats.capacity == 501)
    }

    @Test func listKeysShowsRemainingTTLAndSizeSortedAndLimited() throws {
        let cache = SimpleCache(clock: clock)
        try cache.set("user:2", value("bob"), timeout: 60)
        try cache.set("user:1", value("alice"), timeout: .never)
        try cache.set("user:3", value("c"), timeout: 1)
        try cache.set("other", value("x"), timeout: 60)
        clock.advance(by: 10)
        let listing = cache.listKeys(prefix: "user:", limit: 1)
        #expect(listing.totalMatching == 2, "the expired user:3 is not listed")
        #expect(listing.hasMore)
        #expect(listing.keys == [CacheKeyInfo(key: "user:1", remainingSeconds: nil, size: 5, format: .text)])
        let all = cache.listKeys(prefix: "", limit: 10)
        #expect(all.keys.map(\.key) == ["other", "user:1", "user:2"])
        #expect(all.keys[2].remainingSeconds == 50)
    }

    @Test func invalidTimeoutsAreRejected() throws {
        let cache = SimpleCache(clock: clock)
        #expect(throws: CacheError(.invalidTimeout, "invalid cache timeout -1.0: use a number of seconds ≥ 0 (0 means never expires)")) {
            try cache.set("k", value("v"), timeout: -1)
        }
        #expect(throws: CacheError.self) { try cache.set("k", value("v"), timeout: CacheTimeout(seconds: .nan)) }
        #expect(cache.has("k") == false)
    }

    @Test func concurrentWritersAndReadersAgree() async throws {
        let cache = SimpleCache(threshold: 10_000, clock: clock)
        await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        _ = try cache.increment("shared", by: 1, timeout: .never)
                        try cache.set("w\(worker)-\(index)", CacheValue(format: .integer, bytes: Array("\(index)".utf8)), timeout: 60)
                    }
                }
            }
        }
        #expect(cache.get("shared")?.integerValue == 4000)
        #expect(cache.statistics().keys == 4001)
    }
}
