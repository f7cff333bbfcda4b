import Foundation
import Memcache
import TestSupport
import Testing

@testable import CacheMonitor

/// The key browser's details of a memcached item read with the meta protocol (`mg … v f t l h u`, memcached
/// 1.6+): the server's own remaining TTL, how long since the item was last accessed and whether it was read
/// since it was stored — without our own reading counting as an access.
@Suite struct MemcachedMetaDetailsTests {
    @Test(.enabled(if: TestServers.memcached != nil, Comment(rawValue: TestServers.skipMessage)))
    func detailsSayWhenAnItemWasLastUsedWithoutUsingIt() async throws {
        let server = try #require(TestServers.memcached)
        let address = try MemcachedAddress(parsing: "\(server.host):\(server.port)")
        let key = Array("cachescope-meta-\(UUID().uuidString)".utf8)
        let writer = MemcachedClient(address: address)
        defer { Task { await writer.close() } }
        _ = try await writer.send([try .store(.set, key: key, value: Array("value".utf8), flags: 16, exptime: 300)])

        let source = MemcachedSource(name: "memcached", addresses: [address])
        defer { Task { await source.close() } }
        let listed = BrowsedKey(key: key, type: "item", ttlMilliseconds: nil, size: 5, server: address.description)
        for _ in 0..<2 {
            let details = try #require(try await source.details(of: listed, maxBytes: 64, kindPrefix: nil))
            #expect(details.valueBytes == Array("value".utf8) && details.encoding == "flags 16")
            #expect(
                (290_000...300_000).contains(details.key.ttlMilliseconds ?? 0),
                "the server's own TTL: \(String(describing: details.key.ttlMilliseconds))")
            let facts = Dictionary(uniqueKeysWithValues: details.facts.map { ($0.label, $0.value) })
            #expect(facts["accessed"]?.hasSuffix("ago") == true, "\(facts)")
            // Our own reading (twice) is not a read: the item stays never read.
            #expect(facts["read"] == "never since it was stored", "\(facts)")
        }
        _ = try await writer.get([key])
        let afterARead = try #require(try await source.details(of: listed, maxBytes: 64, kindPrefix: nil))
        #expect(afterARead.facts.contains(KeyFact(label: "read", value: "since it was stored")), "\(afterARead.facts)")
        #expect(source.ownReads.hits >= 3, "our own lookups are counted as ours")
    }
}
