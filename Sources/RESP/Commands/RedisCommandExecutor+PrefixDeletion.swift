/// Prefix deletion — `SCAN MATCH <escaped prefix>*` and pipelined `UNLINK` — shared by `RedisCache.clear()`
/// and the monitor's invalidation, so both are fast and both are safe.
extension RedisCommandExecutor {
    /// Deletes every key that starts with `prefix` (never any other: each key is re-checked), or with
    /// `dryRun` only counts them. Each round trip carries the `UNLINK` of the previous page and the next
    /// `SCAN`, so scanning and deleting overlap; no per-key round trips.
    ///
    /// - Parameters:
    ///   - prefix: the literal key prefix (bytes); glob characters in it are escaped.
    ///   - count: the `SCAN COUNT` hint.
    ///   - dryRun: count matches without deleting.
    ///   - progress: called after every round trip with the totals so far; return `false` to stop (cancel).
    /// - Returns: the final totals (`finished` is false when cancelled).
    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int = 2000, dryRun: Bool = false,
        progress: (PrefixDeletionProgress) -> Bool = { _ in true }
    ) async throws -> PrefixDeletionProgress {
        let pattern = RedisGlob.matchingPrefix(prefix)
        var totals = PrefixDeletionProgress()
        var cursor: UInt64 = 0
        var seen = KeyDigestSet()
        var doomed: [[UInt8]] = []
        var unlinkAvailable = true
        repeat {
            var commands: [RESPCommand] = []
            if !doomed.isEmpty { commands.append(RESPCommand(unlinkAvailable ? "UNLINK" : "DEL", keys: doomed)) }
            commands.append(Self.scanCommand(cursor: cursor, match: pattern, count: count))
            var replies = try await send(commands)
            if !doomed.isEmpty {
                if let message = replies[0].errorMessage {
                    guard unlinkAvailable, message.hasPrefix("ERR unknown command") else { throw RedisError.reply(message) }
                    unlinkAvailable = false
                    totals.deleted += Int(try await send(RESPCommand("DEL", keys: doomed)).integer ?? 0)
                } else {
                    totals.deleted += Int(replies[0].integer ?? 0)
                }
                replies.removeFirst()
            }
            let page = try Self.parseScan(replies[0])
            cursor = page.cursor
            totals.scanned += page.keys.count
            doomed = page.keys.filter { $0.hasBytePrefix(prefix) && seen.insert($0) }
            totals.matched += doomed.count
            if dryRun { doomed = [] }
            if cursor == 0 && doomed.isEmpty { totals.finished = true }
            guard progress(totals) else { return totals }
        } while cursor != 0 || !doomed.isEmpty
        totals.finished = true
        return totals
    }
}

/// Counts of a prefix deletion (or of a dry run, which only scans).
public struct PrefixDeletionProgress: Sendable, Hashable {
    /// Keys `SCAN` returned (before de-duplication and the prefix check).
    public var scanned: Int = 0
    /// Distinct keys that start with the prefix.
    public var matched: Int = 0
    /// Keys the server reported removed.
    public var deleted: Int = 0
    /// Whether the scan reached its end.
    public var finished = false

    public init() {}
}

/// A set of keys remembered by a 128-bit digest, so de-duplicating a scan of millions of keys costs
/// 16 bytes a key instead of a copy of every key. Two different keys collide with probability ~2⁻¹²⁸.
public struct KeyDigestSet: Sendable {
    private struct Digest: Hashable {
        var high: Int
        var low: Int
    }

    private var digests: Set<Digest> = []
    private let seeds = (Int.random(in: .min ... .max), Int.random(in: .min ... .max))

    public init() {}

    /// Adds `key`; returns `true` when it was not there before.
    public mutating func insert(_ key: [UInt8]) -> Bool {
        var first = Hasher()
        first.combine(seeds.0)
        first.combine(key)
        var second = Hasher()
        second.combine(seeds.1)
        second.combine(key)
        return digests.insert(Digest(high: first.finalize(), low: second.finalize())).inserted
    }

    /// How many distinct keys were added.
    public var count: Int { digests.count }
}
