import Testing

@testable import Caching

/// The expiry order behind SimpleCache's pruning, including more distinct timeouts than it has lanes.
@Suite struct ExpiryIndexTests {
    func mark(_ expiresAt: Double, _ sequence: UInt64) -> ExpiryIndex.Mark {
        ExpiryIndex.Mark(expiresAt: expiresAt, sequence: sequence, key: "k\(sequence)")
    }

    @Test func marksComeOutInExpiryOrderAcrossLanes() {
        var index = ExpiryIndex()
        index.insert(mark(10, 1), lifetime: 10)
        index.insert(mark(5, 2), lifetime: 5)
        index.insert(mark(.infinity, 3), lifetime: .infinity)
        index.insert(mark(11, 4), lifetime: 10)
        index.insert(mark(.infinity, 5), lifetime: .infinity)
        var order: [UInt64] = []
        while let next = index.removeEarliest() { order.append(next.sequence) }
        #expect(order == [2, 1, 4, 3, 5])
        #expect(index.count == 0)
    }

    @Test func manyDistinctTimeoutsOverflowIntoTheHeapAndKeepTheOrder() {
        var index = ExpiryIndex()
        var expected: [(Double, UInt64)] = []
        for sequence in UInt64(1)...200 {
            let lifetime = Double((sequence * 7919) % 1000) + 1
            index.insert(mark(lifetime, sequence), lifetime: lifetime)
            expected.append((lifetime, sequence))
        }
        let sorted = expected.sorted { $0 < $1 }.map(\.1)
        var order: [UInt64] = []
        while let next = index.removeEarliest() { order.append(next.sequence) }
        #expect(order == sorted)
    }

    @Test func rebuildKeepsOnlyTheGivenMarksInOrder() {
        var index = ExpiryIndex()
        for sequence in UInt64(1)...10 { index.insert(mark(Double(sequence), sequence), lifetime: 1) }
        index.rebuild(from: [(mark(9, 9), 1), (mark(3, 3), 1), (mark(.infinity, 11), .infinity)])
        #expect(index.count == 3)
        #expect(index.earliest?.sequence == 3)
        var order: [UInt64] = []
        while let next = index.removeEarliest() { order.append(next.sequence) }
        #expect(order == [3, 9, 11])
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
}
