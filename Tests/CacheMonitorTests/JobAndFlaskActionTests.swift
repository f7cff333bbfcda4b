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
