import TestSupport
import Testing

@testable import Caching

/// Checklist 10 (NullCache and its warning) and 27 (backend failures are logged and treated as misses, or
/// thrown when configured).
@Suite struct NullCacheAndErrorPolicyTests {
    @Test func nullCacheNeverStoresAnything() async throws {
        let cache = Cache(backend: NullCache(), configuration: .init(warnWhenDisabled: false))
        #expect(try await cache.set("k", 1))
        #expect(try await cache.get("k", as: Int.self) == nil)
        #expect(try await cache.has("k") == false)
        #expect(try await cache.inc("n", delta: 4) == 4)
        #expect(try await cache.backend.listKeys(prefix: "", limit: 10).keys.isEmpty)
    }

    @Test func anUnconfiguredCacheWarnsThatCachingIsDisabled() {
        let logs = LogCapture()
        _ = Cache(configuration: .init(logger: logs.logger))
        #expect(logs.messages.contains { $0.level == .warning && $0.text.contains("caching is disabled") })
        let quiet = LogCapture()
        _ = Cache(configuration: .init(warnWhenDisabled: false, logger: quiet.logger))
        #expect(quiet.messages.isEmpty)
        let real = LogCapture()
        _ = Cache(backend: SimpleCache(), configuration: .init(logger: real.logger))
        #expect(real.messages.isEmpty)
    }

    @Test func backendFailuresAreLoggedAndTreatedAsMisses() async throws {
        let logs = LogCapture()
        let cache = Cache(backend: UnreachableBackend(), configuration: .init(logger: logs.logger))
        #expect(try await cache.get("k", as: Int.self) == nil)
        #expect(try await cache.set("k", 1) == false)
        #expect(try await cache.has("k") == false)
        #expect(try await cache.inc("k") == nil)
        #expect(try await cache.getMany(["a", "b"], as: Int.self) == [nil, nil])
        #expect(try await cache.clear() == false)
        #expect(logs.messages.filter { $0.level == .error }.count == 6)
        #expect(logs.messages.allSatisfy { $0.text.contains("connection refused") })
    }

    @Test func backendFailuresPropagateUnderTheThrowPolicy() async throws {
        let cache = Cache(backend: UnreachableBackend(), configuration: .init(backendErrors: .throw))
        await #expect(throws: UnreachableBackend.ConnectionRefused.self) { try await cache.get("k", as: Int.self) }
        await #expect(throws: UnreachableBackend.ConnectionRefused.self) { try await cache.set("k", 1) }
    }

    @Test func badInputStillThrowsWhenErrorsAreIgnored() async throws {
        let cache = Cache(backend: UnreachableBackend())
        await #expect(throws: CacheError.self) { try await cache.set("", 1) }
        await #expect(throws: CacheError.self) { try await cache.set("k", 1, timeout: -1) }
    }

    @Test func aMemoizedFunctionRunsUncachedWhenTheBackendIsDown() async throws {
        let logs = LogCapture()
        let cache = Cache(backend: UnreachableBackend(), configuration: .init(logger: logs.logger))
        let calls = CallCounter()
        let double = cache.memoize("double") { (n: Int) in
            calls.tick()
            return n * 2
        }
        #expect(try await double(21) == 42)
        #expect(try await double(21) == 42)
        #expect(calls.value == 2)
        #expect(double.counters.snapshot.errors == 2)
        #expect(logs.messages.contains { $0.text.contains("memoize double") })
        let strict = Cache(backend: UnreachableBackend(), configuration: .init(backendErrors: .throw))
        let strictDouble = strict.memoize("double") { (n: Int) in n * 2 }
        await #expect(throws: UnreachableBackend.ConnectionRefused.self) { try await strictDouble(1) }
    }
}
