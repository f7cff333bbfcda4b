import Caching
import ConnectionSupport
import Foundation
import Memcache
import RESP
import Testing
import TestSupport

@testable import CacheMonitor

/// Deletion jobs (progress, cancel, read-only) and the Flask-Caching route / memoized-function invalidations.
@Suite struct JobAndFlaskActionTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func filledCache(_ keys: [String]) throws -> (SimpleCache, InProcessSource) {
        let backend = SimpleCache(threshold: 10_000)
        for key in keys { try backend.set(key, CacheValue(format: .text, bytes: [1]), timeout: 0) }
        return (backend, InProcessSource(name: "demo", backend: backend))
    }

    @Test func aPrefixJobReportsProgressAndAResult() async throws {
        let (backend, source) = try filledCache((0..<50).map { "p:\($0)" } + ["keep"])
        let dry = try DeletionJob(on: source, .prefix(bytes("p:"), dryRun: true), readOnly: true)
        let counted = try #require(await dry.result())
        #expect(counted.totals.matched == 50 && counted.totals.deleted == 0 && counted.dryRun, "a dry run is allowed read-only")
        let job = try DeletionJob(on: source, .prefix(bytes("p:"), dryRun: false), readOnly: false)
        var progress = 0
        var result: DeletionJobResult?
        for await event in job.events {
            switch event {
            case .progress: progress += 1
            case .finished(let final): result = final
            }
        }
        #expect(progress >= 1)
        #expect(result?.totals.deleted == 50 && result?.cancelled == false && result?.error == nil)
        #expect(backend.statistics().keys == 1)
    }

    @Test func readOnlyRefusesDestructiveJobsAndTouchesNothing() throws {
        let (backend, source) = try filledCache(["a", "p:1"])
        #expect(throws: ReadOnlyRefusal.self) { _ = try DeletionJob(on: source, .keys([bytes("a")]), readOnly: true) }
        #expect(throws: ReadOnlyRefusal.self) { _ = try DeletionJob(on: source, .prefix(bytes("p:"), dryRun: false), readOnly: true) }
        #expect(backend.statistics().keys == 2)
    }

    @Test func aJobOnADeadBackendEndsWithItsError() async throws {
        let source = MemcachedSource(name: "dead", addresses: [MemcachedAddress(host: "127.0.0.1", port: TestServers.freePort())])
        let job = try DeletionJob(on: source, .prefix(bytes("p:"), dryRun: false), readOnly: false)
        let result = try #require(await job.result())
        #expect((result.error ?? "").contains("connection refused"))
    }

    @Test func aCancelledJobStopsAndSaysSo() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let client = MemcachedClient(address: try MemcachedAddress(parsing: server.address))
        for start in stride(from: 0, to: 30_000, by: 1000) {
            _ = try await client.send(try (start..<start + 1000).map { try .store(.set, key: Array("c:\($0)".utf8), value: [1]) })
        }
        await client.close()
        let source = MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: server.address)])
        let job = try DeletionJob(on: source, .prefix(bytes("c:"), dryRun: false), readOnly: false)
        var result: DeletionJobResult?
        for await event in job.events {
            switch event {
            case .progress: job.cancel()
            case .finished(let final): result = final
            }
        }
        #expect(result?.cancelled == true && (result?.totals.deleted ?? 0) < 30_000)
        await source.close()
    }

    @Test func routeInvalidationFindsTheRouteAndItsQueryVariantsOnly() async throws {
        let digest = String(repeating: "ab12", count: 16)
        let (_, source) = try filledCache([
            "flask_cache_view//api/users", "flask_cache_view//api/users" + digest, "flask_cache_view//api/users" + String(repeating: "c", count: 32),
            "flask_cache_view//api/users/7", "flask_cache_view//api/usersX", "flask_cache_view//other",
        ])
        let keys = try await FlaskCachingActions.routeKeys(path: "/api/users", on: source)
        #expect(Set(keys.map { String(decoding: $0, as: UTF8.self) }) == [
            "flask_cache_view//api/users", "flask_cache_view//api/users" + digest, "flask_cache_view//api/users" + String(repeating: "c", count: 32),
        ])
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func deletingAMemoizedFunctionsVersionKeyOnRedisLeavesOtherFunctionsAlone() async throws {
        let prefix = "flask-test-\(UUID().uuidString.prefix(6)):"
        let admin = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        // Shaped like Flask-Caching 2.5: pickled version values under `<prefix><module.qualname>_memver`,
        // results under `<prefix><16 base64><6 version chars>`.
        try await admin.send([
            RESPCommand("SET", ["\(prefix)app.views.expensive_memver", "!\u{80}\u{05}version-a"]),
            RESPCommand("SET", ["\(prefix)app.views.cheap_memver", "!\u{80}\u{05}version-b"]),
            RESPCommand("SET", ["\(prefix)Xw3kP0vD1aQ9rT5uAbCdEf", "!\u{80}\u{05}result"]),
        ])
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        let versionKey = FlaskCachingActions.versionKey(function: "app.views.expensive", prefix: bytes(prefix))
        #expect(KeyKind.of(versionKey, prefix: bytes(prefix)) == .version)
        #expect(KeyKind.of(bytes("\(prefix)Xw3kP0vD1aQ9rT5uAbCdEf"), prefix: bytes(prefix)) == .memoize)
        let job = try DeletionJob(on: source, .keys([versionKey]), readOnly: false)
        #expect(await job.result()?.totals.deleted == 1)
        let left = try await admin.send(RESPCommand("EXISTS", keys: [bytes("\(prefix)app.views.expensive_memver"), bytes("\(prefix)app.views.cheap_memver")]))
        #expect(left.integer == 1, "only the chosen function's version key is gone")
        try await admin.deleteKeys(withPrefix: bytes(prefix))
        await admin.close()
        await source.close()
    }
}

/// `delete_memoized(f)` with a sweep of the orphaned results.
@Suite struct MemoizedInvalidationTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func ourMemoizedFunctionIsInvalidatedAndItsResultsSwept() async throws {
        let backend = SimpleCache(threshold: 10_000)
        let cache = Cache(backend: backend, keyPrefix: "app:")
        let square = cache.memoize("app.square", timeout: 600) { (n: Int) in n * n }
        let cube = cache.memoize("app.cube", timeout: 600) { (n: Int) in n * n * n }
        for n in 0..<20 { _ = try await square(n); _ = try await cube(n) }
        let before = backend.statistics().keys
        let source = InProcessSource(name: "demo", backend: backend)
        let result = try await FlaskCachingActions.invalidateMemoized(function: "memoize/app.square", prefix: bytes("app:"), sweep: true, on: source)
        #expect(result.versionDeleted && result.version != nil)
        #expect(result.swept == 20)
        #expect(backend.statistics().keys == before - 21, "20 results and the version key")
        let calls = CallCounter()
        let again = cache.memoize("app.cube", timeout: 600) { (n: Int) in calls.tick(); return n * n * n }
        #expect(try await again(3) == 27 && calls.value == 0, "the other function's results are still there")
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aFlaskCachingMemoizedFunctionOnRedis() async throws {
        let prefix = "flask-sweep-\(UUID().uuidString.prefix(6)):"
        let admin = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        // Flask-Caching 2.5 with cachelib's RedisCache: "!" + pickle(protocol 4/5) of the 6-character version.
        let pickled: (String) -> [UInt8] = { version in
            [UInt8(ascii: "!"), 0x80, 0x05, 0x95, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x06] + Array(version.utf8) + [0x94, UInt8(ascii: ".")]
        }
        var commands = [
            RESPCommand("SET", [Array("\(prefix)app.views.expensive_memver".utf8), pickled("AbC1xY")]),
            RESPCommand("SET", [Array("\(prefix)app.views.other_memver".utf8), pickled("zzQ9zz")]),
        ]
        for n in 0..<10 {
            let digest = String(format: "%016d", n)
            commands.append(RESPCommand("SET", ["\(prefix)\(digest)AbC1xY", "!\u{80}result"]))
            commands.append(RESPCommand("SET", ["\(prefix)\(digest)zzQ9zz", "!\u{80}result"]))
        }
        // Base64 digests contain '/' and '+'.
        commands.append(RESPCommand("SET", ["\(prefix)Gt9xvvcm1xc/vp5uAbC1xY", "!\u{80}result"]))
        commands.append(RESPCommand("SET", ["\(prefix)HKWo+wHAd24G7AaFAbC1xY", "!\u{80}result"]))
        commands.append(RESPCommand("SET", ["\(prefix)view//AbC1xY", "page"]))
        try await admin.send(commands)
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        let result = try await FlaskCachingActions.invalidateMemoized(function: "app.views.expensive", prefix: bytes(prefix), sweep: true, on: source)
        #expect(result.versionDeleted && result.version == "AbC1xY" && result.swept == 12)
        var left = 0
        _ = try await source.browseKeys(matching: .prefix(bytes(prefix)), limit: 1000) { left += $0.count; return true }
        #expect(left == 12, "the other function's version key and 10 results, and the view key")
        try await admin.deleteKeys(withPrefix: bytes(prefix))
        await admin.close()
        await source.close()
    }

    @Test func versionTokensAreReadFromTextAndPickles() {
        #expect(FlaskCachingActions.versionToken(bytes("Qw3kP0")) == "Qw3kP0")
        #expect(FlaskCachingActions.versionToken([UInt8(ascii: "!"), 0x80, 0x02, UInt8(ascii: "X"), 6, 0, 0, 0] + bytes("AbC1xY") + [UInt8(ascii: ".")]) == "AbC1xY")
        #expect(FlaskCachingActions.versionToken([UInt8(ascii: "!"), 0x80, 0x05]) == nil)
    }

    @Test func detailsShowKindEncodingAndAPreview() async throws {
        let backend = SimpleCache(threshold: 100)
        let cache = Cache(backend: backend)
        try await cache.set("flask_cache_view//api/users", "[{\"id\":1}]")
        let source = InProcessSource(name: "demo", backend: backend)
        let details = try #require(try await source.details(of: BrowsedKey(key: bytes("flask_cache_view//api/users"), type: "text", ttlMilliseconds: nil, size: nil), maxBytes: 512, kindPrefix: nil))
        #expect(details.kind == .view)
        #expect(details.value.label == "json")
        #expect((details.key.ttlMilliseconds ?? 0) > 290_000)
        #expect(try await source.details(of: BrowsedKey(key: bytes("gone"), type: "text", ttlMilliseconds: nil, size: nil), maxBytes: 512, kindPrefix: nil) == nil)
        let sample = try await source.sample()
        #expect(sample.ownReadHits == 1 && sample.ownReadMisses == 1 && sample.applicationHits == 0, "the monitor's reads are its own")
    }
}
