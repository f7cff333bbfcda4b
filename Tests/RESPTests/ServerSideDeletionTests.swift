import Basics
import Foundation
import TestSupport
import Testing

@testable import RESP

/// Prefix deletion by a script on the server, and its fallbacks, against the `scripts/test.sh` server.
@Suite(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
struct ServerSideDeletionTests {
    func url(user: String? = nil) throws -> RedisURL {
        let server = try #require(TestServers.redis)
        let credentials = user.map { "\($0):pw@" } ?? ""
        return try RedisURL(parsing: "redis://\(credentials)\(server.host):\(server.port)")
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// `count` keys under a new prefix, plus decoys that only look like it; returns the prefix and decoys.
    func fill(_ client: RedisClient, count: Int) async throws -> (prefix: [UInt8], decoys: [[UInt8]]) {
        let base = "ssd:\(UUID().uuidString.prefix(8)):"
        let prefix = bytes(base + "p*?[x]\\:")
        for start in stride(from: 0, to: count, by: 500) {
            try await client.send((start..<min(start + 500, count)).map { RESPCommand("SET", key: prefix + bytes("\($0)"), ["v", "EX", 600]) })
        }
        let decoys = [bytes(base + "pXYx\\:1"), bytes(base + "p*?[x]\\"), bytes(base + "q:1")]
        try await client.send(decoys.map { RESPCommand("SET", key: $0, ["v", "EX", 600]) })
        return (prefix, decoys)
    }

    /// Runs `body` with a client and `count` fresh keys under a new prefix (see `fill`), then removes the
    /// decoys and closes the client.
    func withFilledKeys(count: Int, _ body: (RedisClient, [UInt8], [[UInt8]]) async throws -> Void) async throws {
        let client = RedisClient(url: try url())
        let (prefix, decoys) = try await fill(client, count: count)
        try await body(client, prefix, decoys)
        try await client.send(RESPCommand("DEL", keys: decoys))
        await client.close()
    }

    /// Deletes `count` fresh keys under a new prefix as an ACL user with `rules` after `+@all` on every key;
    /// checks that the decoys stayed, and removes the user and the decoys. Returns the deletion's totals.
    func deleteAsUser(with rules: [String], count: Int) async throws -> DeletionTotals {
        let admin = RedisClient(url: try url())
        let name = "ssd-user-\(UUID().uuidString.prefix(8))"
        try await admin.send(RESPCommand("ACL", ["SETUSER", name, "reset", "on", ">pw", "~*", "&*", "+@all"] + rules))
        let (prefix, decoys) = try await fill(admin, count: count)
        let client = RedisClient(url: try url(user: name))
        let totals = try await client.deleteKeys(withPrefix: prefix)
        #expect(try await admin.send(RESPCommand("EXISTS", keys: decoys)).integer == Int64(decoys.count), "no other key was touched")
        try await admin.send(RESPCommand("DEL", keys: decoys))
        try await admin.send("ACL", "DELUSER", name)
        await client.close()
        await admin.close()
        return totals
    }

    @Test func theServerRunsTheDeletionAndOnlyThePrefixedKeysGo() async throws {
        try await withFilledKeys(count: 3000) { client, prefix, decoys in
            var reports: [DeletionTotals] = []
            let totals = try await client.deleteKeys(withPrefix: prefix) {
                reports.append($0)
                return true
            }
            #expect(totals.methods == .script && totals.fallbackReason == nil)
            #expect(totals.deleted == 3000 && totals.matched == 3000 && totals.finished)
            #expect(reports.count > 1 && reports.last == totals, "progress as the batches go, the last one final")
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.deleted <= $1.deleted })
            #expect(try await client.send(RESPCommand("EXISTS", keys: decoys)).integer == Int64(decoys.count))
        }
    }

    @Test func aDryRunCountsOnTheClientSideAndDeletesNothing() async throws {
        try await withFilledKeys(count: 700) { client, prefix, _ in
            let counted = try await client.deleteKeys(withPrefix: prefix, dryRun: true)
            #expect(counted.methods == .scan && counted.matched == 700 && counted.deleted == 0)
            #expect(try await client.deleteKeys(withPrefix: prefix).deleted == 700)
        }
    }

    @Test func aFlushedScriptCacheIsFilledAgainByEval() async throws {
        try await withFilledKeys(count: 500) { client, prefix, _ in
            try await client.send("SCRIPT", "FLUSH")
            let totals = try await client.deleteKeys(withPrefix: prefix)
            #expect(totals.methods == .script && totals.deleted == 500)
        }
    }

    @Test func aUserWithoutScriptingGetsTheClientSideDeletion() async throws {
        let totals = try await deleteAsUser(with: ["-evalsha", "-eval", "-script"], count: 1200)
        #expect(totals.methods == .scan && totals.deleted == 1200 && totals.finished)
        #expect(totals.fallbackReason?.hasPrefix("NOPERM") == true, "\(totals.fallbackReason ?? "no reason")")
    }

    @Test func aCommandRefusedInsideTheScriptHandsTheRestToTheClientSide() async throws {
        // UNLINK refused, DEL allowed: the script stops at its first UNLINK, the client side deletes the
        // rest with DEL, from where the script stopped.
        let totals = try await deleteAsUser(with: ["-unlink"], count: 1500)
        #expect(totals.methods.contains(.scan) && totals.deleted == 1500 && totals.matched == 1500 && totals.finished)
        #expect(totals.fallbackReason?.contains("can't run this command") == true, "\(totals.fallbackReason ?? "no reason")")
    }

    @Test func theTwoHalvesOfTheKeyspaceTogetherAreTheWholeOfIt() async throws {
        try await withFilledKeys(count: 2000) { client, prefix, _ in
            let whole = try await client.deleteKeys(withPrefix: prefix, scanning: client, count: 100, dryRun: true, progress: { _ in true })
            var halves = 0
            for half in ScanRange.halves {
                let part = try await client.deleteKeys(
                    withPrefix: prefix, scanning: client, count: 100, dryRun: true, walking: [half], progress: { _ in true })
                halves += part.matched
            }
            #expect(whole.matched == 2000)
            #expect(halves >= 2000, "no key is missed (a key near the boundary may be counted by both halves)")
            #expect(halves <= 2000 + 200)
            #expect(try await client.deleteKeys(withPrefix: prefix).deleted == 2000)
        }
    }

    @Test func stoppingEndsBothHalvesWithTheCountTheServerLost() async throws {
        try await withFilledKeys(count: 20_000) { client, prefix, _ in
            let stopped = try await client.deleteKeys(withPrefix: prefix, count: 100) { $0.deleted < 2000 }
            #expect(!stopped.finished && stopped.deleted >= 2000 && stopped.deleted < 20_000)
            var left = 0
            var cursor: UInt64 = 0
            repeat {
                let page = try await client.scan(cursor: cursor, match: RedisGlob.matchingPrefix(prefix), count: 1000)
                left += page.keys.count
                cursor = page.cursor
            } while cursor != 0
            #expect(left + stopped.deleted == 20_000, "the count is what the server lost")
            #expect(try await client.deleteKeys(withPrefix: prefix).deleted == left)
        }
    }

    @Test func aScanRangeEndsWhereTheOtherBegins() {
        let (first, second) = (ScanRange.halves[0], ScanRange.halves[1])
        #expect(first.start == 0 && second.start == 1)
        #expect(first.continues(after: 4096) && !first.continues(after: 4097) && !first.continues(after: 0))
        #expect(second.continues(after: 4097) && !second.continues(after: 0))
        #expect(ScanRange.whole.continues(after: 1) && ScanRange.whole.continues(after: 2) && !ScanRange.whole.continues(after: 0))
    }
}

/// On a cluster: each master by script, and the client-side path for a master with a slot migrating.
@Suite struct ClusterServerSideDeletionTests {
    @Test func mastersOfOneHostTakeTurnsAsItsCoresAllow() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let local = RedisClusterClient.deletionLanes(hosts: ["127.0.0.1", "127.0.0.1", "127.0.0.1"])
        #expect(local.count == min(cores, 3))
        #expect(local.flatMap(\.masters).sorted() == [0, 1, 2], "every master once")
        #expect(local.allSatisfy { $0.pace == (local.count > 1 ? .sharingCores : .alone) })
        let remote = RedisClusterClient.deletionLanes(hosts: ["10.0.0.1", "10.0.0.1", "10.0.0.2"])
        #expect(remote.count == 2 && remote.allSatisfy { $0.pace == .alone }, "one at a time on a host whose cores are unknown")
        #expect(Set(remote.map(\.masters)) == [[0, 1], [2]])
    }

    @Test func aMasterWithAMigratingSlotIsLeftToTheClientSide() async throws {
        guard let cluster = try await TestCluster() else { return }
        let client = try RedisClusterClient(seeds: [try RedisURL(parsing: cluster.urls[0])])
        let prefix = Array("mig:".utf8)
        for start in stride(from: 0, to: 3000, by: 500) {
            let keys = (start..<start + 500).map { prefix + Array("\($0)".utf8) }
            for key in keys { try await client.send(RESPCommand("SET", key: key, ["v"])) }
        }
        let first = RedisClient(url: try RedisURL(parsing: cluster.urls[0]))
        let second = RedisClient(url: try RedisURL(parsing: cluster.urls[1]))
        let target = try #require(try await second.send("CLUSTER", "MYID").string)
        try await first.send("CLUSTER", "SETSLOT", 0, "MIGRATING", target)
        let outcome = try await client.deleteKeysOnEveryMaster(withPrefix: prefix)
        try await first.send("CLUSTER", "SETSLOT", 0, "STABLE")
        #expect(outcome.totals.deleted == 3000 && outcome.totals.finished)
        let firstAddress = "127.0.0.1:\(cluster.nodes[0].port)"
        for master in outcome.masters {
            if master.address == firstAddress {
                #expect(master.totals.methods == .scan)
                #expect(master.totals.fallbackReason?.contains("slot migration") == true)
            } else {
                #expect(master.totals.methods == .script, "\(master.address)")
            }
        }
        #expect(outcome.totals.methods == [.script, .scan])
        await first.close()
        await second.close()
        await client.close()
    }
}
