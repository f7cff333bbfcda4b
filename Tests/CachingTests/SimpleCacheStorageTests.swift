import Testing

@testable import Caching

/// The storage behind SimpleCache: the expiry order threaded through the slots (lanes per lifetime, the
/// overflow heap beyond them), the key table (probing, tombstones, rebuilds) and byte-wise keys.
@Suite struct SimpleCacheStorageTests {
    func value(_ text: String) -> CacheValue { CacheValue(format: .text, bytes: Array(text.utf8)) }

    /// Takes every entry out of `store` in expiry order and returns their keys.
    func drain(_ store: inout SimpleCacheStore) -> [String] {
        var order: [String] = []
        while let slot = store.earliestSlot() {
            order.append(store.slots[slot].key)
            store.removeSlot(slot, counting: .evicted)
        }
        return order
    }

    @Test func entriesComeOutInExpiryOrderAcrossLanesOldestWriteFirstOnTies() {
        var store = SimpleCacheStore(threshold: 100)
        store.set("ten", value("1"), lifetime: 10, now: 0)
        store.set("five", value("2"), lifetime: 5, now: 0)
        store.set("never-a", value("3"), lifetime: .infinity, now: 0)
        store.set("ten-later", value("4"), lifetime: 10, now: 1)
        store.set("never-b", value("5"), lifetime: .infinity, now: 1)
        store.set("seven-at-four", value("6"), lifetime: 7, now: 4)  // expires at 11, as ten-later: written after it
        #expect(drain(&store) == ["five", "ten", "ten-later", "seven-at-four", "never-a", "never-b"])
        #expect(store.count == 0)
    }

    @Test func manyDistinctTimeoutsOverflowIntoTheHeapAndKeepTheOrder() {
        var store = SimpleCacheStore(threshold: 1000)
        var expected: [(Double, Int)] = []
        for index in 1...200 {
            let lifetime = Double((index * 7919) % 1000) + 1
            store.set("k\(index)", value("v"), lifetime: lifetime, now: 0)
            expected.append((lifetime, index))
        }
        #expect(store.expiry.lanes.count == ExpiryLanes.maximumLanes)
        #expect(store.expiry.overflowLive == 200 - ExpiryLanes.maximumLanes)
        #expect(drain(&store) == expected.sorted { $0 < $1 }.map { "k\($0.1)" })
    }

    @Test func overwritingOrTouchingMovesAnEntryToItsNewPlace() {
        var store = SimpleCacheStore(threshold: 100)
        for key in ["a", "b", "c"] { store.set(key, value(key), lifetime: 10, now: 0) }
        store.set("a", value("a2"), lifetime: 10, now: 1)  // now expires after c
        let touched = store.touch("b", lifetime: 100, now: 2)  // another lane, last
        #expect(touched)
        #expect(drain(&store) == ["c", "a", "b"])
    }

    @Test func anEmptiedLaneIsTakenOverByANewLifetime() {
        var store = SimpleCacheStore(threshold: 1000)
        for index in 0..<ExpiryLanes.maximumLanes { store.set("k\(index)", value("v"), lifetime: Double(index + 1), now: 0) }
        let deleted = store.delete("k3", now: 0)
        #expect(deleted)
        store.set("new", value("v"), lifetime: 1000, now: 0)
        #expect(store.expiry.overflowLive == 0, "the emptied lane took the new lifetime")
        #expect(drain(&store).last == "new")
    }

    @Test func staleOverflowMarksAreSweptAndNeverEvictALiveEntry() {
        // 40 lifetimes (8 in the heap), each key overwritten many times: stale marks pile up and are swept.
        var store = SimpleCacheStore(threshold: 40)
        for round in 0..<400 {
            for index in 0..<40 { store.set("k\(index)", value("\(round)"), lifetime: Double(index + 1) * 1000, now: Double(round)) }
        }
        #expect(store.expiry.overflowMarks.count <= 4 * store.expiry.overflowLive + 4096)
        #expect(store.count == 40)
        let last = store.get("k39", now: 400)
        #expect(last == value("399"))
        #expect(drain(&store) == (0..<40).map { "k\($0)" })
    }

    @Test func theKeyTableMatchesADictionaryUnderRandomChurn() {
        // Inserts, overwrites, deletes and evictions through tombstones and rebuilds, against a reference.
        var store = SimpleCacheStore(threshold: 300)
        var reference: [String: String] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<60_000 {
            let key = "key-\(Int.random(in: 0..<280, using: &generator))"
            if Int.random(in: 0..<4, using: &generator) == 0 {
                let deleted = store.delete(key, now: 0)
                #expect(deleted == (reference.removeValue(forKey: key) != nil))
            } else {
                store.set(key, value("\(step)"), lifetime: .infinity, now: 0)
                reference[key] = "\(step)"
            }
        }
        #expect(store.count == reference.count)
        for (key, expected) in reference {
            let found = store.get(key, now: 0)
            #expect(found == value(expected))
        }
        for index in 280..<300 {
            let found = store.get("key-\(index)", now: 0)
            #expect(found == nil)
        }
    }

    @Test func aFullCacheUnderChurnKeepsItsNewestEntriesFindable() {
        var store = SimpleCacheStore(threshold: 1000)
        for index in 0..<50_000 { store.set("k\(index)", value("\(index)"), lifetime: 60, now: 0) }
        #expect(store.count == 1001)
        for index in 49_000..<50_000 {
            let found = store.get("k\(index)", now: 0)
            #expect(found == value("\(index)"))
        }
        let evicted = store.get("k48998", now: 0)
        #expect(evicted == nil)
    }

    @Test func keysAreComparedByTheirBytesAsPythonDoes() {
        var store = SimpleCacheStore(threshold: 100)
        let composed = "caf\u{E9}"  // é as one code point
        let decomposed = "cafe\u{301}"  // e + combining acute: equal as Swift Strings, not as bytes
        #expect(composed == decomposed)
        store.set(composed, value("one"), lifetime: 10, now: 0)
        store.set(decomposed, value("two"), lifetime: 10, now: 0)
        #expect(store.count == 2)
        let (one, two) = (store.get(composed, now: 0), store.get(decomposed, now: 0))
        #expect(one == value("one") && two == value("two"))
        let cleared = store.clear(prefix: "caf\u{E9}")
        #expect(cleared == 1, "a byte prefix")
        let kept = store.get(decomposed, now: 0)
        #expect(kept == value("two"))
    }

    @Test func keysOfEveryLengthAndAHugeThresholdWork() {
        var store = SimpleCacheStore(threshold: Int.max / 2)
        let keys = (0..<70).map { String(repeating: "k", count: $0) } + ["日本語のキー", "\u{0}nul", String(repeating: "long", count: 1000)]
        for key in keys { store.set(key, value(key), lifetime: 10, now: 0) }
        for key in keys {
            let found = store.get(key, now: 0)
            #expect(found == value(key))
        }
        #expect(store.count == keys.count)
    }

    @Test func aSimpleCacheWithManyTimeoutsEvictsTheEarliestExpiring() throws {
        let clock = ManualCacheClock()
        let cache = SimpleCache(threshold: 50, clock: clock)
        for index in 0..<200 {
            try cache.set(
                "k\(index)", CacheValue(format: .integer, bytes: Array("\(index)".utf8)), timeout: CacheTimeout(seconds: Double(1000 - index)))
        }
        let survivors = cache.listKeys(prefix: "", limit: 100).keys.map(\.key)
        #expect(survivors.count == 51)
        let longestLived = (0..<50).map { "k\($0)" }
        #expect(Set(survivors) == Set(longestLived + ["k199"]), "the longest-lived entries remain, and the newest write is never its own victim")
    }

    @Test func anEntryWithAShorterLifetimeThanTheRestStillExpiresOnTime() throws {
        let clock = ManualCacheClock()
        let cache = SimpleCache(threshold: 100, clock: clock)
        try cache.set("long", value("l"), timeout: 100)
        try cache.set("short", value("s"), timeout: 1)
        clock.advance(by: 2)
        var statistics = cache.statistics()
        #expect(statistics.expirations == 1 && statistics.keys == 1, "the later, shorter entry lowered the earliest expiry")
        _ = try cache.touch("long", timeout: 1)
        try cache.set("other", value("o"), timeout: 50)
        clock.advance(by: 2)
        statistics = cache.statistics()
        #expect(statistics.expirations == 2 && statistics.keys == 1, "touching to a shorter lifetime lowered it too")
        #expect(cache.get("other") == value("o"))
        clock.advance(by: 49)
        #expect(cache.statistics().expirations == 3)
    }
}

/// The slab behind ``SimpleCacheStore``: elements moved when it grows, each released exactly once.
@Suite struct SlabTests {
    final class Tracked {
        let id: Int
        let released: Counter
        init(_ id: Int, _ released: Counter) {
            self.id = id
            self.released = released
        }
        deinit { released.count += 1 }
    }

    final class Counter {
        var count = 0
    }

    @Test func growingKeepsEveryElementAndReleasesNone() {
        let released = Counter()
        var slab = Slab<Tracked>(capacity: 2)
        for id in 0..<100 { slab.append(Tracked(id, released)) }
        #expect(slab.count == 100)
        #expect(slab.indices.map { slab[$0].id } == Array(0..<100))
        #expect(released.count == 0)
        slab[7] = Tracked(700, released)
        #expect(released.count == 1, "an overwritten element is released")
        #expect(slab[7].id == 700)
    }

    @Test func removingAllAndDroppingTheSlabReleaseEachElementOnce() {
        let released = Counter()
        do {
            var slab = Slab<Tracked>(capacity: 4)
            for id in 0..<10 { slab.append(Tracked(id, released)) }
            slab.removeAll()
            #expect(released.count == 10 && slab.count == 0)
            for id in 0..<3 { slab.append(Tracked(id, released)) }
            #expect(slab[2].id == 2)
        }
        #expect(released.count == 13, "the slab's last elements go with it")
    }
}
