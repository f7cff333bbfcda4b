import Foundation
import Memcache
import TestSupport
import Testing

@testable import Caching

/// `MemcachedCache` against a memcached this suite starts for itself (each test under its own random key
/// prefix) — not the shared one, because `clear()` walks every item of a server and a big shared server
/// would make that slow — and against servers of their own where tests flush or need a pool.
@Suite struct MemcachedCacheTests {
    /// The suite's server (started on first use), `nil` when memcached is not installed.
    static let server: MemcachedServerProcess? = try? MemcachedServerProcess()
    static let enabled = server != nil

    func makeCache(longKeys: MemcachedLongKeyPolicy = .reject) throws -> (cache: Cache, backend: MemcachedCache, prefix: String) {
        let server = try #require(Self.server)
        let backend = try MemcachedCache(servers: server.address, longKeys: longKeys)
        let prefix = "cachescope-test:\(UUID().uuidString.prefix(8)):"
        return (Cache(backend: backend, configuration: .init(keyPrefix: prefix, backendErrors: .throw)), backend, prefix)
    }

    func rawClient() throws -> MemcachedClient {
        MemcachedClient(address: try MemcachedAddress(parsing: try #require(Self.server).address))
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func getSetAddDeleteHasAndTouch() async throws {
        let (cache, backend, prefix) = try makeCache()
        #expect(try await cache.get("k", as: String.self) == nil)
        #expect(try await cache.set("k", "v"))
        #expect(try await cache.get("k", as: String.self) == "v")
        #expect(try await cache.has("k"))
        #expect(try await cache.get("k", as: String.self) == "v", "has (append \"\") leaves the value alone")
        #expect(try await cache.add("k", "other") == false)
        #expect(try await cache.add("new", "first"))
        #expect(try await cache.delete("k"))
        #expect(try await cache.delete("k") == false)
        #expect(try await cache.has("k") == false)
        #expect(try await backend.touch(prefix + "new", timeout: 1))
        #expect(try await backend.touch(prefix + "absent", timeout: 1) == false)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await cache.has("new") == false)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func valuesOfEveryKindRoundTripWithFlagsOtherClientsUnderstand() async throws {
        let (cache, _, prefix) = try makeCache()
        struct User: Codable, Equatable {
            var name: String
            var age: Int
        }
        try await cache.set("text", "héllo")
        try await cache.set("int", -42)
        try await cache.set("bytes", [UInt8]([0, 1, 255, 13, 10]))
        try await cache.set("user", User(name: "ada", age: 36))
        try await cache.set("digits-text", "007")
        #expect(try await cache.get("text", as: String.self) == "héllo")
        #expect(try await cache.get("int", as: Int.self) == -42)
        #expect(try await cache.get("bytes", as: [UInt8].self) == [0, 1, 255, 13, 10])
        #expect(try await cache.get("user", as: User.self) == User(name: "ada", age: 36))
        #expect(try await cache.get("digits-text", as: String.self) == "007")
        let raw = try rawClient()
        let items = try await raw.get(["text", "int", "bytes"].map { Array((prefix + $0).utf8) })
        #expect(items.map(\.flags) == [16, 2, 0], "pymemcache's flags: text 16, integer 2, bytes 0")
        #expect(items[1].value == Array("-42".utf8))
        try await cache.clear()
        await raw.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func timeoutsIncludingMoreThanThirtyDays() async throws {
        let (cache, _, prefix) = try makeCache()
        try await cache.set("month", 1, timeout: CacheTimeout(seconds: 45 * 86_400))
        try await cache.set("short", 1, timeout: 1)
        try await cache.set("forever", 1, timeout: 0)
        #expect(try await cache.get("month", as: Int.self) == 1, "45 days must not mean 1970")
        let listing = try await cache.backend.listKeys(prefix: prefix, limit: 10)
        let month = try #require(listing.keys.first { $0.key == prefix + "month" }?.remainingSeconds)
        // Over 30 days the expiry goes as a Unix time from our clock, the listing reads the server's clock,
        // which memcached ticks once a second: it may lag ours by up to two seconds.
        #expect(month <= 45 * 86_400 + 2 && month > 45 * 86_400 - 60, "about 45 days left, not expired at once (\(month) s)")
        #expect(listing.keys.first { $0.key == prefix + "forever" }.map { $0.remainingSeconds == nil } == true)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await cache.get("short", as: Int.self) == nil)
        try await cache.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func manyKeyOperations() async throws {
        let (cache, _, _) = try makeCache()
        #expect(try await cache.setMany([("a", 1), ("b", 2), ("c", 3)], timeout: 30) == ["a", "b", "c"])
        #expect(try await cache.getMany(["c", "missing", "a"], as: Int.self) == [3, nil, 1])
        #expect(try await cache.deleteMany(["a", "missing", "b"]) == ["a", "missing", "b"])
        #expect(try await cache.getMany(["a", "b", "c"], as: Int.self) == [nil, nil, 3])
        try await cache.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func countersAreAtomicAndGoNegativeLikeFlaskCaching() async throws {
        let (cache, _, _) = try makeCache()
        #expect(try await cache.inc("hits") == 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { for _ in 0..<10 { _ = try await cache.inc("hits") } } }
            for _ in 0..<5 { group.addTask { for _ in 0..<4 { _ = try await cache.dec("hits") } } }
            try await group.waitForAll()
        }
        #expect(try await cache.get("hits", as: Int.self) == 81)
        #expect(try await cache.dec("hits", delta: 100) == -19, "memcached's decr would stop at 0; we do not")
        #expect(try await cache.inc("hits", delta: 20) == 1)
        #expect(try await cache.dec("fresh") == -1)
        try await cache.set("word", "forty")
        await #expect { try await cache.inc("word") } throws: { ($0 as? CacheError)?.code == .notAnInteger }
        try await cache.set("max", Int64.max)
        await #expect { try await cache.inc("max") } throws: { ($0 as? CacheError)?.code == .notAnInteger }
        try await cache.clear()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func invalidKeysAreRefusedOrHashedWhenAskedTo() async throws {
        let (strict, _, _) = try makeCache()
        await #expect { try await strict.set("has space", 1) } throws: { ($0 as? CacheError)?.code == .invalidKey }
        await #expect { try await strict.set(String(repeating: "k", count: 300), 1) } throws: { ($0 as? CacheError)?.code == .invalidKey }
        await #expect { try await strict.get("new\nline", as: Int.self) } throws: { ($0 as? CacheError)?.code == .invalidKey }

        let (hashing, backend, prefix) = try makeCache(longKeys: .hash)
        let long = "view//api/search?q=" + String(repeating: "x", count: 400)
        try await hashing.set(long, 1)
        try await hashing.set("with space", 2)
        try await hashing.set("plain", 3)
        #expect(try await hashing.get(long, as: Int.self) == 1)
        #expect(try await hashing.get("with space", as: Int.self) == 2)
        let keys = try await backend.listKeys(prefix: prefix, limit: 10).keys.map(\.key)
        #expect(keys.count == 3)
        #expect(keys.contains(prefix + "plain"), "valid keys are never changed")
        #expect(keys.allSatisfy { $0.utf8.count <= 250 && !$0.contains(" ") })
        #expect(keys.contains { $0.hasPrefix(prefix + "with#sha256:") })
        #expect(try await hashing.clear(), "hashed keys keep the prefix, so clear() finds them")
        #expect(try await backend.listKeys(prefix: prefix, limit: 10).keys.isEmpty)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func clearWithAPrefixRemovesOnlyThatPrefix() async throws {
        let (cache, backend, prefix) = try makeCache()
        let neighbour = Cache(backend: backend, keyPrefix: prefix.dropLast() + "-other:")
        _ = try await cache.setMany((0..<2500).map { ("k\($0)", $0) })
        try await cache.set("we*ird%20key", 1)
        try await neighbour.set("keep", 1)
        #expect(try await cache.clear())
        #expect(try await backend.listKeys(prefix: prefix, limit: 10).keys.isEmpty)
        #expect(try await neighbour.get("keep", as: Int.self) == 1)
        try await neighbour.clear()
    }

    @Test func clearWithoutAPrefixFlushesEveryServerOfThePool() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let backend = try MemcachedCache(servers: "\(first.address),\(second.address)")
        let cache = Cache(backend: backend, configuration: .init(backendErrors: .throw))
        _ = try await cache.setMany((0..<200).map { ("k\($0)", $0) })
        #expect(try await backend.statistics().keys == 200)
        #expect(try await cache.clear())
        #expect(try await cache.getMany((0..<200).map { "k\($0)" }, as: Int.self).allSatisfy { $0 == nil })
        await backend.pool.close()
    }

    @Test func aPoolSpreadsKeysAndAggregatesStatistics() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let backend = try MemcachedCache(servers: "\(first.address),\(second.address)")
        let cache = Cache(backend: backend, configuration: .init(keyPrefix: "app:", backendErrors: .throw))
        for index in 0..<300 { try await cache.set("user:\(index)", index) }
        #expect(try await cache.getMany((0..<300).map { "user:\($0)" }, as: Int.self) == (0..<300).map { $0 })
        for index in 0..<10 { _ = try await cache.get("missing:\(index)", as: Int.self) }
        let statistics = try await backend.statistics()
        #expect(statistics.keys == 300 && statistics.hits == 300 && statistics.misses == 10)
        let listing = try await backend.listKeys(prefix: "app:user:", limit: 1000)
        #expect(listing.keys.count == 300 && !listing.hasMore)
        for client in backend.pool.clients {
            let items = Int(try await client.stats().first { $0.name == "curr_items" }?.value ?? "") ?? 0
            #expect(items > 80, "\(client.address) holds \(items) of 300")
        }
        await backend.pool.close()
    }

    @Test func anUnreachableMemcachedIsAMissNotACrash() async throws {
        let logs = LogCapture()
        let backend = try MemcachedCache(servers: "127.0.0.1:\(TestServers.freePort())", configuration: .init(connectTimeout: .milliseconds(500)))
        let cache = Cache(backend: backend, configuration: .init(logger: logs.logger))
        #expect(try await cache.get("k", as: Int.self) == nil)
        #expect(try await cache.set("k", 1) == false)
        let memoized = cache.memoize("f") { (n: Int) in n * 2 }
        #expect(try await memoized(4) == 8)
        #expect(logs.messages.contains { $0.text.contains("connection refused") })
    }

    @Test(.enabled(if: enabled, Comment(rawValue: "memcached is not installed")))
    func memoizeWorksOnMemcached() async throws {
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
