import CacheMonitor
import Foundation
import RESP
import TestSupport
import Testing

/// The Redis monitoring source against real servers: scanning, details, previews, deletion and prefix
/// invalidation on the `scripts/test.sh` server (each test under its own prefix), own-read accounting on a
/// server of its own (nobody else may read there).
@Suite struct RedisSourceTests {
    static let enabled = TestServers.redis != nil

    func fixture() throws -> (source: RedisSource, admin: RedisClient, prefix: [UInt8]) {
        let url = try RedisURL(parsing: try #require(TestServers.redisURL()))
        let prefix = Array("monitor-test:\(UUID().uuidString.prefix(8)):".utf8)
        return (RedisSource(name: "redis", url: url), RedisClient(url: url), prefix)
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func scanningTenThousandKeysFindsEachExactlyOnce() async throws {
        let (source, admin, prefix) = try fixture()
        let keys = (0..<10_000).map { prefix + Array("k\($0)".utf8) }
        for chunk in stride(from: 0, to: keys.count, by: 1000) {
            try await admin.send(keys[chunk..<min(chunk + 1000, keys.count)].map { RESPCommand("SET", key: $0, ["v", "EX", 600]) })
        }
        var found = Set<[UInt8]>()
        var returned = 0
        var cursor: UInt64 = 0
        var seen = KeyDigestSet()
        repeat {
            let page = try await source.scanPage(cursor: cursor, match: RedisGlob.matchingPrefix(prefix), count: 500)
            cursor = page.cursor
            for key in page.keys where seen.insert(key) {
                returned += 1
                found.insert(key)
            }
        } while cursor != 0
        #expect(returned == 10_000)
        #expect(found == Set(keys))
        #expect(try await source.deleteKeys(withPrefix: prefix).totals.deleted == 10_000)
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func prefixInvalidationDeletesExactlyThePrefixedKeysWhateverTheirBytes() async throws {
        let (source, admin, base) = try fixture()
        let prefix = base + Array("a*b?[c]\\".utf8)
        let targets: [[UInt8]] = [
            prefix, prefix + Array("1".utf8), prefix + Array(" with space".utf8), prefix + Array("new\nline".utf8),
            prefix + [0xFF, 0x00, 0x01], prefix + Array("ünïcødé ✓".utf8),
        ]
        let decoys: [[UInt8]] = [
            base + Array("aXXbYc\\1".utf8),  // matches the glob a*b?[c]\ if it were not escaped
            base + Array("a*b?[c]".utf8),  // one byte short of the prefix
            base + Array("a*b?[d]\\x".utf8),
            Array(base.dropLast()),
        ]
        try await admin.send((targets + decoys).map { RESPCommand("SET", key: $0, ["v", "EX", 600]) })
        let counted = try await source.deleteKeys(withPrefix: prefix, dryRun: true).totals
        #expect(counted.matched == targets.count)
        #expect(counted.deleted == 0)
        #expect(try await admin.send(RESPCommand("EXISTS", keys: targets)).integer == Int64(targets.count), "a dry run deletes nothing")
        var reports = 0
        let done = try await source.deleteKeys(withPrefix: prefix) { _ in
            reports += 1
            return true
        }.totals
        #expect(done.matched == targets.count)
        #expect(done.deleted == targets.count)
        #expect(done.finished)
        #expect(reports >= 1)
        #expect(try await admin.send(RESPCommand("EXISTS", keys: targets)).integer == 0)
        #expect(try await admin.send(RESPCommand("EXISTS", keys: decoys)).integer == Int64(decoys.count), "no other key was touched")
        try await admin.send(RESPCommand("DEL", keys: decoys))
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func invalidationCanBeCancelled() async throws {
        let (source, admin, prefix) = try fixture()
        try await admin.send((0..<3000).map { RESPCommand("SET", key: prefix + Array("\($0)".utf8), ["v", "EX", 600]) })
        let stopped = try await source.deleteKeys(withPrefix: prefix, count: 100) { totals in totals.matched < 200 }.totals
        #expect(!stopped.finished)
        #expect(stopped.matched < 3000)
        let rest = try await source.deleteKeys(withPrefix: prefix).totals
        #expect(rest.deleted + stopped.deleted == 3000)
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func detailsGiveTypeTTLAndSizeAndSkipVanishedKeys() async throws {
        let (source, admin, prefix) = try fixture()
        let string = prefix + Array("s".utf8)
        let list = prefix + Array("l".utf8)
        let hash = prefix + Array("h".utf8)
        try await admin.send([
            RESPCommand("SET", key: string, ["value", "PX", 60_000]),
            RESPCommand("RPUSH", key: list, ["a", "b"]),
            RESPCommand("HSET", key: hash, ["f", "v"]),
        ])
        let details = try await source.details(of: [string, list, prefix + Array("gone".utf8), hash])
        #expect(details.map(\.key) == [string, list, hash])
        #expect(details.map(\.type) == ["string", "list", "hash"])
        #expect((50_000...60_000).contains(details[0].ttlMilliseconds ?? 0))
        #expect(details[1].ttlMilliseconds == nil)
        #expect(details.allSatisfy { ($0.size ?? 0) > 0 })
        _ = try await source.delete([string, list, hash])
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func previewsShowTheFirstPartOnly() async throws {
        let (source, admin, prefix) = try fixture()
        let big = prefix + Array("big".utf8)
        let list = prefix + Array("list".utf8)
        let set = prefix + Array("set".utf8)
        let zset = prefix + Array("zset".utf8)
        let hash = prefix + Array("hash".utf8)
        try await admin.send([
            RESPCommand("SET", key: big, [String(repeating: "x", count: 100_000)]),
            RESPCommand("RPUSH", key: list, (0..<50).map { "item\($0)" }),
            RESPCommand("SADD", key: set, (0..<50).map { "m\($0)" }),
            RESPCommand("ZADD", key: zset, ["1", "one", "2", "two"]),
            RESPCommand("HSET", key: hash, ["f1", "v1", "f2", "v2"]),
        ])
        #expect(
            try await source.preview(of: big, type: "string") == .string(prefix: Array(repeating: UInt8(ascii: "x"), count: 512), length: 100_000))
        #expect(try await source.preview(of: list, type: "list") == .items((0..<10).map { Array("item\($0)".utf8) }, total: 50))
        guard case .items(let members, let total) = try await source.preview(of: set, type: "set") else {
            Issue.record("not items")
            return
        }
        #expect(total == 50)
        #expect(members.count <= 10 && !members.isEmpty)
        #expect(
            try await source.preview(of: zset, type: "zset")
                == .items([Array("one".utf8), Array("1".utf8), Array("two".utf8), Array("2".utf8)], total: 2))
        guard case .fields(let fields, let count) = try await source.preview(of: hash, type: "hash") else {
            Issue.record("not fields")
            return
        }
        #expect(count == 2)
        #expect(Set(fields.map { String(decoding: $0.field, as: UTF8.self) }) == ["f1", "f2"])
        #expect(try await source.preview(of: prefix + Array("none".utf8), type: "list") == .missing)
        _ = try await source.delete([big, list, set, zset, hash])
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func deletingKeysReportsMatchedAndDeleted() async throws {
        let (source, admin, prefix) = try fixture()
        let keys = (0..<3).map { prefix + Array("\($0)".utf8) }
        try await admin.send(keys.prefix(2).map { RESPCommand("SET", key: $0, ["v"]) })
        let (matched, deleted) = try await source.delete(keys)
        #expect(matched == 2)
        #expect(deleted == 2)
        #expect(try await source.countExisting(keys) == 0)
        await source.close()
        await admin.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func statsReadINFOAndMeasureLatency() async throws {
        let (source, _, _) = try fixture()
        let stats = try await source.stats()
        #expect(stats.info.version?.isEmpty == false)
        #expect(stats.info.uptimeSeconds != nil)
        #expect(stats.info.usedMemory ?? 0 > 0)
        #expect(stats.info.connectedClients ?? 0 >= 1)
        #expect(stats.info.instantaneousOpsPerSecond != nil)
        #expect(stats.info.totalCommandsProcessed ?? 0 > 0)
        #expect(stats.info.evictedKeys != nil && stats.info.expiredKeys != nil)
        #expect(stats.latency > .zero && stats.latency < .seconds(5))
        await source.close()
    }

    @Test func ownReadsAccountForEveryKeyspaceHitAndMissTheMonitorCauses() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let admin = RedisClient(url: url)
        try await admin.send([
            RESPCommand("SET", ["s", "value"]), RESPCommand("RPUSH", ["l", "a", "b"]), RESPCommand("HSET", ["h", "f", "v"]),
        ])
        let source = RedisSource(name: "redis", url: url)
        let before = try await source.stats()
        _ = try await source.details(of: [Array("s".utf8), Array("l".utf8), Array("h".utf8), Array("missing".utf8)])
        _ = try await source.preview(of: Array("s".utf8), type: "string")
        _ = try await source.preview(of: Array("l".utf8), type: "list")
        _ = try await source.preview(of: Array("h".utf8), type: "hash")
        _ = try await source.countExisting([Array("s".utf8), Array("nope".utf8)])
        _ = try await source.details(of: [Array("l".utf8)])
        let after = try await source.stats()
        #expect(after.keyspaceHits - before.keyspaceHits == after.ownReadHits - before.ownReadHits)
        #expect(after.keyspaceMisses - before.keyspaceMisses == after.ownReadMisses - before.ownReadMisses)
        #expect(after.ownReadHits > before.ownReadHits)
        #expect(after.applicationHits == before.applicationHits, "the application made no reads")
        await source.close()
        await admin.close()
    }
}
