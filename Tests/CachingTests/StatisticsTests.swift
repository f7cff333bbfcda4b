import Synchronization
import TestSupport
import Testing

@testable import Caching

/// Hit/miss counting per cache and per group, and hit/miss events (checklist item 40).
@Suite struct StatisticsTests {
    @Test func memoizedFunctionsAreCountedAsGroups() async throws {
        let cache = ClockedCache().cache
        let f = cache.memoize("app.f") { (n: Int) in n }
        _ = try await f(1)
        _ = try await f(1)
        _ = try await f(1)
        _ = try await f(2)
        let snapshot = cache.statistics.snapshot()
        let group = try #require(snapshot.group("app.f", kind: .memoize))
        #expect(group.hits == 2)
        #expect(group.misses == 2)
        #expect(group.hitRatio == 0.5)
        #expect(snapshot.total.hits == 2)
        #expect(f.counters.snapshot == group)
    }

    @Test func noLookupsMeansNoRatioNotZeroPercent() {
        let cache = ClockedCache().cache
        #expect(cache.statistics.snapshot().total.hitRatio == nil)
    }

    @Test func groupedGetsAreCountedUnderTheirGroup() async throws {
        let cache = ClockedCache().cache
        try await cache.set("user_1", "alice")
        _ = try await cache.get("user_1", as: String.self, group: "users")
        _ = try await cache.get("user_2", as: String.self, group: "users")
        _ = try await cache.get("user_1", as: String.self)
        let users = try #require(cache.statistics.snapshot().group("users", kind: .manual))
        #expect(users.hits == 1)
        #expect(users.misses == 1)
        #expect(cache.statistics.snapshot().total.hits == 2)
    }

    @Test func eventsAreOffByDefaultAndCarryCacheKeyAndArguments() async throws {
        let received = Mutex<[CacheEvent]>([])
        let clock = ManualCacheClock()
        let cache = Cache(
            backend: SimpleCache(clock: clock),
            configuration: .init(name: "main", clock: clock, eventHandler: { event in received.withLock { $0.append(event) } })
        )
        let greet = cache.memoize("greet") { (name: String, times: Int) in String(repeating: name, count: times) }
        _ = try await greet("hi", 2)
        _ = try await greet("hi", 2)
        let events = received.withLock { $0 }
        #expect(events.map(\.outcome) == [.miss, .hit])
        #expect(events.allSatisfy { $0.kind == .memoize && $0.group == "greet" && $0.cacheName == "main" })
        #expect(events[0].arguments == #"("hi", 2)"#)
        #expect(try await events[1].key == greet.cacheKey("hi", 2))
        #expect(cache.configuration.eventHandler != nil)
        #expect(Cache.Configuration().eventHandler == nil, "events are off by default")
    }
}
