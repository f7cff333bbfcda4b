import Foundation
import RESP
import TestSupport
import Testing

@testable import Caching

/// `RedisCache` on the 3-master cluster `scripts/test.sh` creates, reached through a plain `redis://` URL of
/// one node: every operation routed by slot, multi-key operations without CROSSSLOT, clear on every master.
@Suite(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
struct RedisClusterCacheTests {
    func makeCache() throws -> (cache: Cache, backend: RedisCache, prefix: String) {
        let seed = try #require(TestServers.cluster?.first)
        let backend = try RedisCache(url: "redis://\(seed.host):\(seed.port)")
        let prefix = "cachescope-cluster-test:\(UUID().uuidString.prefix(8)):"
        return (Cache(backend: backend, configuration: .init(keyPrefix: prefix, backendErrors: .throw)), backend, prefix)
    }

    @Test func everyOperationWorksAcrossSlots() async throws {
        let (cache, backend, prefix) = try makeCache()
        let keys = (0..<60).map { "user_\($0)" }
        #expect(try await cache.setMany(keys.map { ($0, "v-\($0)") }, timeout: 300) == keys)
        #expect(try await cache.getMany(keys, as: String.self) == keys.map { "v-\($0)" })
        #expect(try await cache.get("user_7", as: String.self) == "v-user_7")
        #expect(try await cache.add("user_7", "again") == false)
        #expect(try await cache.inc("counter", delta: 5) == 5)
        #expect(try await cache.dec("counter", delta: 2) == 3)
        #expect(try await cache.has("user_59"))
        #expect(Set(try await cache.deleteMany(Array(keys.prefix(30)))) == Set(keys.prefix(30)))
        #expect(try await cache.getMany(Array(keys.prefix(2)), as: String.self) == [nil, nil])

        let listing = try await backend.listKeys(prefix: prefix, limit: 1000)
        #expect(listing.keys.count == 31, "30 users and the counter, listed from every master")
        let masters = try await backend.client.dataNodes()
        #expect(masters.count == 3)
        var perMaster: [Int] = []
        for master in masters {
            perMaster.append(try await master.scan(cursor: 0, match: Array((prefix + "*").utf8), count: 10_000).keys.count)
        }
        #expect(perMaster.allSatisfy { $0 > 0 }, "the keys really are spread: \(perMaster)")

        #expect(try await cache.clear())
        #expect(try await backend.listKeys(prefix: prefix, limit: 1000).keys.isEmpty)
    }

    @Test func clearWithAPrefixLeavesOtherKeysOnEveryMaster() async throws {
        let (cache, backend, prefix) = try makeCache()
        let foreign = (0..<20).map { "other-\(prefix)\($0)" }
        for key in foreign { try await backend.set(key, CacheValue(format: .text, bytes: Array("keep".utf8)), timeout: 60) }
        _ = try await cache.setMany((0..<40).map { ("k\($0)", $0) })
        #expect(try await cache.clear())
        #expect(try await backend.listKeys(prefix: prefix, limit: 100).keys.isEmpty)
        #expect(try await backend.listKeys(prefix: "other-\(prefix)", limit: 100).keys.count == foreign.count)
        _ = try await backend.deleteMany(foreign)
    }

    @Test func statisticsSumEveryMaster() async throws {
        let (cache, backend, _) = try makeCache()
        _ = try await cache.get("absent-\(UUID().uuidString)", as: String.self)
        let totals = try await backend.statistics()
        var misses: UInt64 = 0
        for master in try await backend.client.dataNodes() { misses += try await master.info(["stats"]).keyspaceMisses ?? 0 }
        #expect(totals.misses <= misses && totals.misses > 0)
    }
}
