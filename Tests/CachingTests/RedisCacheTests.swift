import Foundation
import RESP
import TestSupport
import Testing

@testable import Caching

/// `RedisCache` against the real redis-server started by `scripts/test.sh`. Each test works under its own
/// random key prefix; the FLUSHDB test owns database 14.
@Suite struct RedisCacheTests {
    static let enabled = TestServers.redis != nil

    func makeCache(database: Int = 0) throws -> (cache: Cache, backend: RedisCache, prefix: String) {
        let backend = try RedisCache(url: try #require(TestServers.redisURL(database: database)))
        let prefix = "cachescope-test:\(UUID().uuidString.prefix(8)):"
        return (Cache(backend: backend, configuration: .init(keyPrefix: prefix, backendErrors: .throw)), backend, prefix)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func getSetAddDeleteAndHas() async throws {
        let (cache, _, _) = try makeCache()
        #expect(try await cache.get("k", as: String.self) == nil)
        #expect(try await cache.set("k", "v"))
        #expect(try await cache.get("k", as: String.self) == "v")
        #expect(try await cache.has("k"))
        #expect(try await cache.add("k", "other") == false)
        #expect(try await cache.add("new", "first"))
        #expect(try await cache.delete("k"))
        #expect(try await cache.delete("k") == false)
        #expect(try await cache.has("k") == false)
        try await cache.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func valuesOfEveryKindRoundTrip() async throws {
        let (cache, backend, prefix) = try makeCache()
        struct User: Codable, Equatable {
            var name: String
            var age: Int
        }
        try await cache.set("text", "héllo")
        try await cache.set("int", -42)
        try await cache.set("bool", true)
        try await cache.set("bytes", [UInt8]([0, 1, 255]))
        try await cache.set("user", User(name: "ada", age: 36))
        try await cache.set("digits-text", "007")
        #expect(try await cache.get("text", as: String.self) == "héllo")
        #expect(try await cache.get("int", as: Int.self) == -42)
        #expect(try await cache.get("bool", as: Bool.self) == true)
        await #expect(throws: CacheError.self) { try await cache.get("int", as: Bool.self) }
        #expect(try await cache.get("bytes", as: [UInt8].self) == [0, 1, 255])
        #expect(try await cache.get("user", as: User.self) == User(name: "ada", age: 36))
        #expect(try await cache.get("digits-text", as: String.self) == "007")
        // What other programs see: text and integers as they are.
        let raw = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        #expect(try await raw.send("GET", prefix + "text") == .bulkString(Array("héllo".utf8)))
        #expect(try await raw.send("GET", prefix + "int") == .bulkString(Array("-42".utf8)))
        #expect(try await backend.get(prefix + "bytes") == CacheValue(format: .raw, bytes: [0, 1, 255]))
        try await cache.clear()
        await raw.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func timeoutsBecomePXAndZeroMeansNoExpiry() async throws {
        let (cache, _, prefix) = try makeCache()
        let raw = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        try await cache.set("default", 1)
        try await cache.set("minute", 1, timeout: 60)
        try await cache.set("forever", 1, timeout: 0)
        let defaultTTL = try #require(try await raw.send("PTTL", prefix + "default").integer)
        #expect((280_000...300_000).contains(defaultTTL))
        #expect((50_000...60_000).contains(try #require(try await raw.send("PTTL", prefix + "minute").integer)))
        #expect(try await raw.send("PTTL", prefix + "forever") == .integer(-1))
        try await cache.set("brief", 1, timeout: 0.15)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await cache.get("brief", as: Int.self) == nil)
        #expect(try await cache.backend.touch(prefix + "minute", timeout: .never))
        #expect(try await raw.send("PTTL", prefix + "minute") == .integer(-1))
        #expect(try await cache.backend.touch(prefix + "missing", timeout: .never) == false)
        #expect(try await cache.backend.touch(prefix + "forever", timeout: 10))
        try await cache.clear()
        await raw.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func manyKeyOperations() async throws {
        let (cache, _, prefix) = try makeCache()
        let raw = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        #expect(try await cache.setMany([("a", 1), ("b", 2), ("c", 3)], timeout: 30) == ["a", "b", "c"])
        #expect((20_000...30_000).contains(try #require(try await raw.send("PTTL", prefix + "b").integer)))
        #expect(try await cache.getMany(["c", "missing", "a"], as: Int.self) == [3, nil, 1])
        #expect(try await cache.deleteMany(["a", "missing", "b"]) == ["a", "missing", "b"])
        #expect(try await cache.getMany(["a", "b", "c"], as: Int.self) == [nil, nil, 3])
        try await cache.clear()
        await raw.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func countersAreAtomicAndNewOnesGetTheDefaultTimeout() async throws {
        let (cache, _, prefix) = try makeCache()
        let raw = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        #expect(try await cache.inc("hits") == 1)
        #expect((280_000...300_000).contains(try #require(try await raw.send("PTTL", prefix + "hits").integer)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { for _ in 0..<10 { _ = try await cache.inc("hits") } } }
            try await group.waitForAll()
        }
        #expect(try await cache.get("hits", as: Int.self) == 201)
        #expect(try await cache.dec("hits", delta: 201) == 0)
        try await cache.set("n", 41, timeout: 0)
        #expect(try await cache.inc("n") == 42)
        #expect(try await raw.send("PTTL", prefix + "n") == .integer(-1), "an existing counter keeps its lifetime")
        try await cache.set("word", "forty")
        await #expect { try await cache.inc("word") } throws: { ($0 as? CacheError)?.code == .notAnInteger }
        try await cache.clear()
        await raw.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func clearWithAPrefixRemovesOnlyThatPrefix() async throws {
        let (cache, backend, prefix) = try makeCache()
        let neighbour = Cache(backend: backend, keyPrefix: prefix.dropLast() + "-other:")
        for index in 0..<2500 { try await cache.set("k\(index)", index) }
        try await cache.set("we*ird?[key]", 1)
        try await neighbour.set("keep", 1)
        #expect(try await cache.clear())
        #expect(try await backend.listKeys(prefix: prefix, limit: 10).keys.isEmpty)
        #expect(try await neighbour.get("keep", as: Int.self) == 1)
        try await neighbour.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func clearWithoutAPrefixFlushesOnlyItsOwnDatabase() async throws {
        let db14 = try RedisCache(url: try #require(TestServers.redisURL(database: 14)))
        let db0 = try RedisCache(url: try #require(TestServers.redisURL(database: 0)))
        let key = "cachescope-test:survivor:\(UUID())"
        try await db0.set(key, CacheValue(format: .text, bytes: [1]), timeout: 60)
        let cache = Cache(backend: db14)
        try await cache.set("a", 1)
        try await cache.set("b", 2)
        #expect(try await cache.clear())
        #expect(try await db14.listKeys(prefix: "", limit: 1).keys.isEmpty)
        #expect(try await db0.has(key))
        _ = try await db0.delete(key)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func listKeysGivesTTLAndSize() async throws {
        let (cache, backend, prefix) = try makeCache()
        try await cache.set("b", "value", timeout: 100)
        try await cache.set("a", "x", timeout: 0)
        for index in 0..<30 { try await cache.set("many\(index)", index) }
        let listing = try await backend.listKeys(prefix: prefix, limit: 5)
        #expect(listing.keys.count == 5)
        #expect(listing.hasMore)
        let all = try await backend.listKeys(prefix: prefix + "a", limit: 10)
        #expect(all.keys.map(\.key) == [prefix + "a"])
        #expect(all.keys.first?.remainingSeconds == nil)
        #expect((all.keys.first?.size ?? 0) > 0)
        #expect(all.hasMore == false)
        try await cache.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func statisticsComeFromINFO() async throws {
        let (cache, backend, _) = try makeCache()
        let before = try await backend.statistics()
        _ = try await cache.get("missing", as: Int.self)
        let after = try await backend.statistics()
        #expect(after.misses > before.misses)
        #expect(after.bytes > 0)
    }

    @Test func anUnreachableRedisIsAMissNotACrash() async throws {
        let logs = LogCapture()
        let backend = try RedisCache(url: "redis://127.0.0.1:\(TestServers.freePort())", configuration: .init(connectTimeout: .milliseconds(500)))
        let cache = Cache(backend: backend, configuration: .init(logger: logs.logger))
        #expect(try await cache.get("k", as: Int.self) == nil)
        #expect(try await cache.set("k", 1) == false)
        let memoized = cache.memoize("f") { (n: Int) in n * 2 }
        #expect(try await memoized(4) == 8)
        #expect(logs.messages.contains { $0.text.contains("connection refused") })
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func memoizeWorksOnRedis() async throws {
        let (cache, _, _) = try makeCache()
        let calls = CallCounter()
        let square = cache.memoize("square", timeout: 60) { (n: Int) in
            calls.tick()
            return n * n
        }
        #expect(try await square(7) == 49)
        #expect(try await square(7) == 49)
        #expect(calls.value == 1)
        try await square.deleteMemoized()
        #expect(try await square(7) == 49)
        #expect(calls.value == 2)
        try await cache.clear()
    }
}
