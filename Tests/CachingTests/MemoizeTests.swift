import Synchronization
import TestSupport
import Testing

@testable import Caching

/// memoize, following Flask-Caching 2.5 (checklist items 25 and 28–38).
///
/// Items with no meaning in Swift, and what stands in for them:
/// - 29 (positional, keyword and defaulted forms share a key; order of `**kwargs`): Swift calls are always
///   fully positional, so every call form of one call is already the same argument list. The part that does
///   carry over — a falsy value differs from an explicit `nil` — is tested below.
/// - 31/33, class methods and "delete through the class without the instance raises": Swift has no implicit
///   `self`; a method is memoized with ``MemoizedMethod`` and the instance is always passed, so that error
///   cannot happen; static methods are plain memoized functions whose name carries the type.
/// - 37 (`source_check` hashes the function's source): Swift has no function source at run time. The
///   `codeVersion:` option plays its role — changing it yields new keys, restoring it restores the old ones.
/// - 24 (generator results are consumed and joined): Swift functions return values, not generators;
///   streamed HTTP bodies are collected before storing (CachingHummingbirdTests).
/// - 12 (config precedence app < constructor < init_app): Swift has no app config dictionary; a `Cache`
///   takes one `Configuration` value. Several caches with different backends coexisting is tested in
///   CacheOperationsTests, one cache serving several routers in CachingHummingbirdTests.
/// - 39 (Jinja template fragments) has no Swift counterpart (no templates here).
@Suite struct MemoizeTests {
    @Test func sameArgumentsHitDifferentArgumentsMissAndEntriesExpire() async throws {
        let fixture = ClockedCache()
        let calls = CallCounter()
        let add = fixture.cache.memoize("add", timeout: 10) { (a: Int, b: Int) in
            calls.tick()
            return a + b
        }
        #expect(try await add(1, 2) == 3)
        #expect(try await add(1, 2) == 3)
        #expect(calls.value == 1)
        #expect(try await add(2, 1) == 3)
        #expect(calls.value == 2, "different arguments are cached separately")
        fixture.clock.advance(by: 10)
        #expect(try await add(1, 2) == 3)
        #expect(calls.value == 3, "the entry expired after its timeout")
    }

    @Test func asyncFunctionsAreAwaitedAndTheirResultCached() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let slow = cache.memoize("slow") { () async throws -> [String] in
            calls.tick()
            try await Task.sleep(for: .milliseconds(5))
            return ["alice", "bob"]
        }
        #expect(try await slow() == ["alice", "bob"])
        #expect(try await slow() == ["alice", "bob"])
        #expect(calls.value == 1)
    }

    @Test func memoizeUsesTheCacheDefaultTimeoutWhenNoneIsGiven() async throws {
        let fixture = ClockedCache(defaultTimeout: 30)
        let calls = CallCounter()
        let f = fixture.cache.memoize("f") { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(1)
        fixture.clock.advance(by: 29)
        _ = try await f(1)
        #expect(calls.value == 1)
        fixture.clock.advance(by: 1)
        _ = try await f(1)
        #expect(calls.value == 2)
    }

    @Test func aFalsyValueAndNilAreDifferentCalls() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let describe = cache.memoize("describe") { (n: Int?) in
            calls.tick()
            return n.map(String.init) ?? "none"
        }
        #expect(try await describe(0) == "0")
        #expect(try await describe(nil) == "none")
        #expect(try await describe(0) == "0")
        #expect(calls.value == 2)
    }

    @Test func argumentsOfManyTypesGiveStableDistinctKeys() async throws {
        let cache = ClockedCache().cache
        struct Query: Codable, Sendable { var filters: [String: Int] }
        let f = cache.memoize("f") { (text: String, flag: Bool, ratio: Double, query: Query) in "\(text)\(flag)\(ratio)\(query.filters.count)" }
        let first = try await f.cacheKey("a,b", true, 0.5, Query(filters: ["x": 1, "y": 2]))
        let same = try await f.cacheKey("a,b", true, 0.5, Query(filters: ["y": 2, "x": 1]))
        let other = try await f.cacheKey("a", true, 0.5, Query(filters: ["x": 1, "y": 2]))
        #expect(first == same, "dictionary order does not matter")
        #expect(first != other)
        #expect(try await f("héllo ✓", false, -1, Query(filters: [:])) == "héllo ✓false-1.00")
    }

    @Test func ignoredArgumentsDoNotAffectTheKey() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let fetch = cache.memoize("fetch", ignoring: [1]) { (id: Int, requestID: String) in
            calls.tick()
            return id * 10
        }
        #expect(try await fetch(1, "req-a") == 10)
        #expect(try await fetch(1, "req-b") == 10)
        #expect(calls.value == 1)
        #expect(try await fetch.cacheKey(1, "x") == fetch.cacheKey(1, "y"))
    }

    @Test func deleteMemoizedWithoutArgumentsInvalidatesEveryCall() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let square = cache.memoize("square") { (n: Int) in
            calls.tick()
            return n * n
        }
        _ = try await square(2)
        _ = try await square(3)
        try await cache.deleteMemoized(square)
        _ = try await square(2)
        _ = try await square(3)
        #expect(calls.value == 4)
        try await square.deleteMemoized()
        _ = try await square(2)
        #expect(calls.value == 5, "the function's own deleteMemoized() does the same")
    }

    @Test func deleteMemoizedWithArgumentsInvalidatesOnlyThatCall() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let square = cache.memoize("square") { (n: Int) in
            calls.tick()
            return n * n
        }
        _ = try await square(2)
        _ = try await square(3)
        #expect(try await cache.deleteMemoized(square, arguments: 2))
        #expect(try await cache.deleteMemoized(square, arguments: 2) == false)
        #expect(try await square.deleteMemoized(arguments: 99) == false)
        _ = try await square(2)
        _ = try await square(3)
        #expect(calls.value == 3, "only square(2) was recomputed")
    }

    @Test func deletingTheVersionHashForcesARecompute() async throws {
        let fixture = ClockedCache()
        let calls = CallCounter()
        let f = fixture.cache.memoize("f") { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(1)
        #expect(fixture.backend.has("memoize/f_memver"))
        try await fixture.cache.deleteMemoizedVersionHash(f)
        #expect(fixture.backend.has("memoize/f_memver") == false)
        _ = try await f(1)
        #expect(calls.value == 2)
        #expect(fixture.backend.has("memoize/f_memver"), "the next call made a new version")
    }

    @Test func cacheKeyIsExactlyTheKeyUsedAndUncachedBypassesTheCache() async throws {
        let fixture = ClockedCache(keyPrefix: "app:")
        let calls = CallCounter()
        let f = fixture.cache.memoize("pkg.views.<locals>.f") { (n: Int) in
            calls.tick()
            return n + 1
        }
        #expect(f.name == "pkg.views.locals.f", "names are sanitised as Flask-Caching does")
        _ = try await f(1)
        let key = try await f.cacheKey(1)
        #expect(key.hasPrefix("app:memoize/pkg.views.locals.f/"))
        #expect(key.count == "app:memoize/pkg.views.locals.f/".count + 16 + 6)
        #expect(fixture.backend.get(key) == CacheValue(format: .integer, bytes: Array("2".utf8)))
        #expect(try await f.uncached(1) == 2)
        #expect(calls.value == 2)
    }

    @Test func unlessBypassesTheCacheCompletely() async throws {
        let backend = RecordingBackend()
        let cache = Cache(backend: backend)
        let calls = CallCounter()
        let f = cache.memoize("f", unless: { (n: Int) in n < 0 }) { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(-1)
        _ = try await f(-1)
        #expect(calls.value == 2)
        #expect(backend.calls.isEmpty, "no read and no write")
        _ = try await f(1)
        _ = try await f(1)
        #expect(calls.value == 3)
    }

    @Test func forcedUpdateRecomputesAndIsEvaluatedOncePerCall() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let checks = CallCounter()
        let forcing = Flag()
        let f = cache.memoize(
            "f",
            forcedUpdate: { (_: Int) in
                checks.tick()
                return forcing.value
            }
        ) { (n: Int) in
            calls.tick()
            return n + calls.value
        }
        #expect(try await f(1) == 2)
        forcing.value = true
        #expect(try await f(1) == 3)
        forcing.value = false
        #expect(try await f(1) == 3, "the forced value was stored")
        #expect(checks.value == 3)
    }

    @Test func isStaleRunsOnlyOnHitsAndTurnsThemIntoMisses() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let staleChecks = CallCounter()
        let f = cache.memoize(
            "f",
            isStale: { (value: Int, n: Int) in
                staleChecks.tick()
                return value < n * 10 + 2
            }
        ) { (n: Int) in
            calls.tick()
            return n * 10 + calls.value
        }
        #expect(try await f(1) == 11)
        #expect(staleChecks.value == 0, "not called on a miss")
        #expect(try await f(1) == 12, "11 was stale, recomputed")
        #expect(try await f(1) == 12, "12 is fresh")
        #expect(staleChecks.value == 2)
    }

    @Test func responseFilterDecidesWhatIsStored() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let f = cache.memoize("f", responseFilter: { (value: Int) in value >= 0 }) { (n: Int) in
            calls.tick()
            return n
        }
        _ = try await f(-1)
        _ = try await f(-1)
        _ = try await f(5)
        _ = try await f(5)
        #expect(calls.value == 3)
    }

    @Test func nilResultsAreNotServedUnlessCacheNone() async throws {
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let lookup = cache.memoize("lookup") { (id: Int) -> String? in
            calls.tick()
            return nil
        }
        _ = try await lookup(1)
        _ = try await lookup(1)
        #expect(calls.value == 2)
        let cachedLookup = cache.memoize("cachedLookup", cacheNone: true) { (id: Int) -> String? in
            calls.tick()
            return nil
        }
        #expect(try await cachedLookup(1) == nil)
        #expect(try await cachedLookup(1) == nil)
        #expect(calls.value == 3, "with cacheNone the stored nil is served")
    }

    @Test func theTimeoutIsWritableAndReadAtStoreTime() async throws {
        let fixture = ClockedCache()
        let calls = CallCounter()
        let f = fixture.cache.memoize("f", timeout: 100) { (n: Int) in
            calls.tick()
            return n
        }
        #expect(f.timeout == 100)
        f.timeout = 5
        _ = try await f(1)
        fixture.clock.advance(by: 5)
        _ = try await f(1)
        #expect(calls.value == 2)
    }

    @Test func codeVersionChangesKeysAndRestoringItRestoresThem() async throws {
        let cache = ClockedCache().cache
        let v1 = cache.memoize("f", codeVersion: "v1") { (n: Int) in n }
        let v2 = cache.memoize("f", codeVersion: "v2") { (n: Int) in n + 1 }
        let v1Again = cache.memoize("f", codeVersion: "v1") { (n: Int) in n + 100 }
        _ = try await v1(1)
        #expect(try await v2(1) == 2)
        #expect(try await v1Again(1) == 1, "the v1 entry is found again")
        #expect(try await v1.cacheKey(1) == v1Again.cacheKey(1))
        #expect(try await v1.cacheKey(1) != v2.cacheKey(1))
    }

    @Test func theHashMethodIsConfigurableGloballyAndPerFunction() async throws {
        let md5Cache = ClockedCache(hashMethod: .md5).cache
        let sha = ClockedCache().cache
        let viaMD5 = md5Cache.memoize("f") { (n: Int) in n }
        let viaSHA = sha.memoize("f") { (n: Int) in n }
        let overridden = sha.memoize("f", hashMethod: .md5) { (n: Int) in n }
        let md5Key = try await viaMD5.cacheKey(7)
        let shaKey = try await viaSHA.cacheKey(7)
        #expect(md5Key.dropLast(6) != shaKey.dropLast(6))
        #expect(try await overridden.cacheKey(7).dropLast(6) == md5Key.dropLast(6))
        _ = try await overridden(7)
        #expect(try await overridden.deleteMemoized(arguments: 7), "keys at call and delete time agree")
    }

    @Test func methodsCachePerInstanceAndInvalidatePerInstance() async throws {
        struct Adder: CacheIdentifiable {
            var id: String
            var cachingID: String { id }
        }
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let add = cache.memoizeMethod("Adder.add") { (adder: Adder, n: Int) in
            calls.tick()
            return n + adder.id.count
        }
        let first = Adder(id: "a")
        let second = Adder(id: "bb")
        #expect(try await add(first, 1) == 2)
        #expect(try await add(second, 1) == 3)
        #expect(try await add(first, 1) == 2)
        #expect(calls.value == 2, "instances cache separately")

        try await add.deleteMemoized(instance: first)
        _ = try await add(first, 1)
        _ = try await add(second, 1)
        #expect(calls.value == 3, "only the first instance was invalidated")

        #expect(try await add.deleteMemoized(instance: second, arguments: 1))
        _ = try await add(second, 1)
        #expect(calls.value == 4)

        try await cache.deleteMemoized(add)
        _ = try await add(first, 1)
        _ = try await add(second, 1)
        #expect(calls.value == 6, "deleting through the function clears every instance")
    }

    @Test func methodsCanShareResultsAcrossInstances() async throws {
        struct Service: CacheIdentifiable { var cachingID: String }
        let cache = ClockedCache().cache
        let calls = CallCounter()
        let lookup = cache.memoizeMethod("Service.lookup", ignoreInstance: true) { (_: Service, n: Int) in
            calls.tick()
            return n
        }
        _ = try await lookup(Service(cachingID: "one"), 5)
        _ = try await lookup(Service(cachingID: "two"), 5)
        #expect(calls.value == 1)
    }

    @Test func concurrentCallsAllGetTheRightValue() async throws {
        let cache = ClockedCache().cache
        let square = cache.memoize("square") { (n: Int) in n * n }
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for n in 0..<200 { group.addTask { (n, try await square(n % 20)) } }
            for try await (n, result) in group { #expect(result == (n % 20) * (n % 20)) }
        }
    }
}
