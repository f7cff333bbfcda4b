import ConnectionSupport
import Foundation
import Memcache
import TestSupport
import Testing

/// `lru_crawler metadump`, prefix deletion and pools against memcached servers this suite starts, so
/// listings see exactly the keys the test wrote.
@Suite(.serialized) struct MetadumpIntegrationTests {
    static let fast = MemcachedConnection.Configuration(connectTimeout: .milliseconds(800), commandTimeout: .seconds(5))

    private func fill(_ client: MemcachedClient, _ keys: [[UInt8]], exptime: Int64 = 0) async throws {
        for chunk in stride(from: 0, to: keys.count, by: 1000) {
            let batch = keys[chunk..<min(chunk + 1000, keys.count)]
            let replies = try await client.send(batch.map { try .store(.set, key: $0, value: Array("v".utf8), flags: 16, exptime: exptime) })
            #expect(replies.allSatisfy { $0 == .stored })
        }
    }

    private func listAll(_ address: MemcachedAddress) async throws -> (keys: [[UInt8]], summary: MetadumpSummary) {
        var keys: [[UInt8]] = []
        let summary = try await MetadumpReader.dump(from: address) { entries in
            keys += entries.map(\.key)
            return true
        }
        return (keys, summary)
    }

    @Test func tenThousandKeysAreListedExactlyOnceWithDecodedNames() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address, configuration: Self.fast)
        let odd: [[UInt8]] = [Array("odd:%20literal".utf8), Array("odd:path/to/x".utf8), Array("odd:café✓".utf8), Array("odd:100%".utf8)]
        let keys = (0..<10_000).map { Array("k:\($0)".utf8) } + odd
        try await fill(client, keys)
        let (listed, summary) = try await listAll(address)
        #expect(summary.completed)
        #expect(listed.count == keys.count)
        #expect(Set(listed) == Set(keys))
        await client.close()
    }

    @Test func expiryComesFromTheServerClock() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address, configuration: Self.fast)
        // The server's clock before the items are stored: on a loaded machine seconds may pass before the dump.
        let storedFrom = try #require(Int64(try await client.stats().first { $0.name == "time" }?.value ?? ""))
        try await fill(client, [Array("ttl:short".utf8)], exptime: 120)
        try await fill(client, [Array("ttl:long".utf8)], exptime: MemcachedExpiry.exptime(seconds: 40 * 86_400))
        try await fill(client, [Array("ttl:never".utf8)])
        let serverTime = try #require(Int64(try await client.stats().first { $0.name == "time" }?.value ?? ""))
        let passed = serverTime - storedFrom
        var remaining: [String: Int64?] = [:]
        _ = try await MetadumpReader.dump(from: address) { entries in
            for entry in entries { remaining[String(decoding: entry.key, as: UTF8.self)] = entry.remainingSeconds(serverTime: serverTime) }
            return true
        }
        #expect(((118 - passed)...121).contains(try #require(remaining["ttl:short"] ?? nil)), "\(passed) s passed while storing")
        #expect(((40 * 86_400 - 5 - passed)...(40 * 86_400 + 5)).contains(try #require(remaining["ttl:long"] ?? nil)))
        #expect(remaining["ttl:never"] == .some(nil))
        await client.close()
    }

    @Test func anEmptyServerIsAnEmptyListing() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let (keys, summary) = try await listAll(try MemcachedAddress(parsing: server.address))
        #expect(keys.isEmpty && summary.completed)
    }

    @Test func aServerWithDumpingDisabledSaysSo() async throws {
        guard let server = try MemcachedServerProcess(arguments: ["-X"]) else { return }
        await #expect {
            _ = try await listAll(try MemcachedAddress(parsing: server.address))
        } throws: { error in
            guard let error = error as? MemcachedError else { return false }
            return error.code == .metadumpUnavailable && error.message.contains("-X")
        }
    }

    @Test func stoppingEarlyClosesTheWalkAndTheServerCrawlsAgain() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address, configuration: Self.fast)
        try await fill(client, (0..<5000).map { Array("s:\($0)".utf8) })
        var seen = 0
        let summary = try await MetadumpReader.dump(from: address) { entries in
            seen += entries.count
            return false
        }
        #expect(!summary.completed && seen > 0 && seen < 5000)
        // The aborted crawl may still be finishing: the next walk waits out BUSY and gets everything.
        #expect(try await listAll(address).keys.count == 5000)
        await client.close()
    }

    @Test func prefixDeletionDeletesExactlyThePrefixedKeys() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address, configuration: Self.fast)
        let doomed = (0..<3000).map { Array("p%*:\($0)".utf8) } + [Array("p%*:".utf8) + Array("✓".utf8)]
        let kept = (0..<2000).map { Array("p%:\($0)".utf8) } + [Array("p%2A:x".utf8), Array("q%*:1".utf8), Array("p%".utf8)]
        try await fill(client, doomed + kept)
        let prefix = Array("p%*:".utf8)

        let counted = try await client.deleteKeys(withPrefix: prefix, dryRun: true)
        #expect(counted.matched == doomed.count && counted.deleted == 0 && counted.finished)
        #expect(try await listAll(address).keys.count == doomed.count + kept.count, "a dry run deletes nothing")

        var updates = 0
        let totals = try await client.deleteKeys(withPrefix: prefix) { _ in
            updates += 1
            return true
        }
        #expect(totals.matched == doomed.count && totals.deleted == doomed.count && totals.finished && updates >= 1)
        #expect(Set(try await listAll(address).keys) == Set(kept))
        await client.close()
    }

    @Test func cancellingPrefixDeletionStopsIt() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address, configuration: Self.fast)
        try await fill(client, (0..<20_000).map { Array("c:\($0)".utf8) })
        let totals = try await client.deleteKeys(withPrefix: Array("c:".utf8)) { _ in false }
        #expect(!totals.finished && totals.deleted == totals.matched && totals.matched < 20_000)
        #expect(try await listAll(address).keys.count == 20_000 - totals.deleted)
        await client.close()
    }

    @Test func aTwoServerPoolSpreadsKeysAndEachServerHoldsItsShare() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let addresses = try MemcachedAddress.parseList("\(first.address),\(second.address)")
        let pool = MemcachedPool(addresses: addresses, configuration: Self.fast)
        let keys = (0..<2000).map { Array("pool:\($0)".utf8) }
        let results = try await pool.sendPartitioned(keys) { positions in try positions.map { try .store(.set, key: keys[$0], value: [1]) } }
        #expect(results.count == 2)
        #expect(results.flatMap(\.replies).allSatisfy { $0 == .stored })
        var total = 0
        for (index, client) in pool.clients.enumerated() {
            let items = Int(try await client.stats().first { $0.name == "curr_items" }?.value ?? "") ?? 0
            #expect(items > 600, "server \(index) holds \(items) of 2000")
            let listed = try await listAll(addresses[index]).keys
            #expect(listed.allSatisfy { pool.client(for: $0) === client }, "every key sits where the ring puts it")
            total += items
        }
        #expect(total == 2000)
        await pool.close()
    }
}
