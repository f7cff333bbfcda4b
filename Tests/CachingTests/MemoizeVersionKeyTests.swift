import TestSupport
import Testing

@testable import Caching

/// The memoize version key never expires before the newest entry written under it (checklist 36,
/// Flask-Caching bug #531), and expires once its entries have.
@Suite struct MemoizeVersionKeyTests {
    @Test func anEntryWrittenLateKeepsItsFullTimeout() async throws {
        let fixture = ClockedCache()
        let calls = CallCounter()
        let f = fixture.cache.memoize("f", timeout: 100) { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(1)
        fixture.clock.advance(by: 90)
        _ = try await f(2)
        fixture.clock.advance(by: 50)
        _ = try await f(2)
        #expect(calls.value == 2, "f(2), written at t=90, is still served at t=140")
    }

    @Test func theVersionKeyOutlivesTheNewestEntry() async throws {
        let fixture = ClockedCache()
        let f = fixture.cache.memoize("f", timeout: 100) { (n: Int) in n }
        _ = try await f(1)
        fixture.clock.advance(by: 90)
        _ = try await f(2)
        fixture.clock.advance(by: 99)
        let listing = fixture.backend.listKeys(prefix: "memoize/f_memver", limit: 1)
        #expect(listing.keys.count == 1)
        #expect((listing.keys.first?.remainingSeconds ?? 0) >= 1)
    }

    @Test func theVersionKeyExpiresOnceItsEntriesHave() async throws {
        let fixture = ClockedCache()
        let f = fixture.cache.memoize("f", timeout: 10) { (n: Int) in n }
        _ = try await f(1)
        #expect(fixture.backend.has("memoize/f_memver"))
        fixture.clock.advance(by: 10)
        #expect(fixture.backend.has("memoize/f_memver") == false)
    }

    @Test func aNeverExpiringEntryKeepsItsVersionForever() async throws {
        let fixture = ClockedCache()
        let calls = CallCounter()
        let f = fixture.cache.memoize("f", timeout: 10) { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(1)
        f.timeout = .never
        _ = try await f(2)
        fixture.clock.advance(by: 1_000_000)
        _ = try await f(2)
        #expect(calls.value == 2)
    }

    @Test func resettingTheVersionMakesOldEntriesUnreachableButLeavesThemToExpire() async throws {
        let fixture = ClockedCache()
        let f = fixture.cache.memoize("f", timeout: 60) { (n: Int) in n }
        _ = try await f(1)
        let before = try await f.cacheKey(1)
        try await f.deleteMemoized()
        let after = try await f.cacheKey(1)
        #expect(before != after)
        #expect(fixture.backend.has(before), "the orphan lingers until its timeout, as in Flask-Caching")
        fixture.clock.advance(by: 60)
        #expect(fixture.backend.has(before) == false)
    }

    @Test func aHitCostsTwoBackendReads() async throws {
        let backend = RecordingBackend()
        let cache = Cache(backend: backend)
        let f = cache.memoize("f") { (n: Int) in n }
        _ = try await f(1)
        backend.resetCalls()
        _ = try await f(1)
        #expect(backend.calls == ["get", "get"], "the version token, then the entry")
    }
}
