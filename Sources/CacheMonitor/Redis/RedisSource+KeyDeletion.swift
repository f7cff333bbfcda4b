import Basics
import ConnectionSupport
import RESP

extension RedisSource: KeyDeletionSource {
    /// Any key Redis can hold: keys are binary-safe.
    package func validate(key: [UInt8]) throws {}

    /// How many of `keys` exist (`EXISTS`), for a dry run.
    package func countExisting(_ keys: [[UInt8]]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let existing = Int(try await client.send(RESPCommand("EXISTS", keys: keys)).integer ?? 0)
        ownReads.recordCommands(1)
        ownReads.record(hits: existing, misses: keys.count - existing)
        return existing
    }

    /// Deletes exactly these keys (`UNLINK`, `DEL` on servers older than 4.0).
    /// - Returns: how many of them existed and how many were removed.
    package func delete(_ keys: [[UInt8]]) async throws -> (matched: Int, deleted: Int) {
        guard !keys.isEmpty else { return (0, 0) }
        let replies = try await client.send([RESPCommand("EXISTS", keys: keys), RESPCommand("UNLINK", keys: keys)])
        ownReads.recordCommands(2)
        if let message = replies[0].errorMessage { throw RedisError.reply(message) }
        let matched = Int(replies[0].integer ?? 0)
        ownReads.record(hits: matched, misses: keys.count - matched)
        if let message = replies[1].errorMessage {
            guard message.hasPrefix("ERR unknown command") else { throw RedisError.reply(message) }
            return (matched, Int(try await client.send(RESPCommand("DEL", keys: keys)).integer ?? 0))
        }
        return (matched, Int(replies[1].integer ?? 0))
    }

    package func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome {
        let (matched, deleted) = try await delete(keys)
        return DeletionOutcome(totals: DeletionTotals(matched: matched, deleted: deleted, finished: true))
    }

    package func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool) async throws -> DeletionOutcome {
        try await deleteKeys(withPrefix: prefix, dryRun: dryRun, count: 2000, progress: progress)
    }

    /// Deletes every key starting with `prefix` — or with `dryRun` only counts them — on connections of its
    /// own (every master of a cluster at once), closed when it ends. `progress` sees the totals after every
    /// round trip and returns `false` to cancel.
    /// - Returns: the totals and each cluster master's share.
    package func deleteKeys(
        withPrefix prefix: [UInt8], dryRun: Bool = false, count: Int = 2000, progress: (DeletionTotals) -> Bool = { _ in true }
    ) async throws -> DeletionOutcome {
        try await withOwnConnections { own in
            guard let cluster = own.cluster else {
                return DeletionOutcome(
                    totals: try await own.servers[0].client.deleteKeys(withPrefix: prefix, count: count, dryRun: dryRun, progress: progress))
            }
            let outcome = try await cluster.deleteKeysOnEveryMaster(withPrefix: prefix, count: count, dryRun: dryRun, progress: progress)
            return DeletionOutcome(
                totals: outcome.totals, servers: outcome.masters.map { DeletionOutcome.Server(address: $0.address, totals: $0.totals) })
        }
    }
}

extension RedisSource: KeyExpirySource {
    /// `PEXPIRE key ms`, or `PERSIST key` to remove the expiry (`PERSIST` answers 0 for a key that exists
    /// without a TTL, so existence is checked with `EXISTS` in the same round trip).
    package func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool {
        let change = milliseconds.map { RESPCommand("PEXPIRE", key: key, [Int(max(1, $0))]) } ?? RESPCommand("PERSIST", key: key)
        let replies = try await client.send([RESPCommand("EXISTS", keys: [key]), change])
        ownReads.recordCommands(2)
        for reply in replies { if let message = reply.errorMessage { throw RedisError.reply(message) } }
        return (replies[0].integer ?? 0) > 0
    }
}
