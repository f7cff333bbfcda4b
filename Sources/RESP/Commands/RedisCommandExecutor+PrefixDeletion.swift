import Basics
import ConnectionSupport

/// Prefix deletion — `SCAN MATCH <escaped prefix>*` and pipelined `UNLINK` — shared by `RedisCache.clear()`
/// and the monitor's invalidation, so both are fast and both are safe.
extension RedisCommandExecutor {
    /// Deletes every key that starts with `prefix` (never any other: each key is re-checked), or with
    /// `dryRun` only counts them — on every data node (every master of a cluster, each scanned on its own
    /// and all at once).
    ///
    /// - Parameters:
    ///   - prefix: the literal key prefix (bytes); glob characters in it are escaped.
    ///   - count: the `SCAN COUNT` hint.
    ///   - dryRun: count matches without deleting.
    ///   - progress: called after every page with the totals so far; return `false` to stop (cancel).
    /// - Returns: the final totals (`finished` is false when cancelled).
    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int = 2000, dryRun: Bool = false,
        progress: (DeletionTotals) -> Bool = { _ in true }
    ) async throws -> DeletionTotals {
        try await deletePrefixed(prefix, count: count, dryRun: dryRun, progress: progress)
    }

    /// The prefix deletion of one server: `SCAN` on `scanner`, `UNLINK` through `self` (the same server, or
    /// a cluster client that sends each key to its slot's master, one `UNLINK` per slot). No per-key round
    /// trips, and the work overlaps: as soon as a `SCAN` page arrives the next `SCAN` is sent, then this
    /// page's keys are checked and `UNLINK`ed while the server is already scanning on — so the server and
    /// the client work at the same time.
    ///
    /// `ranges` and `carried` continue a deletion another path began (a server-side script that was
    /// refused part way): the scan walks what is left of the keyspace and the totals add to the carried ones.
    public func deleteKeys(
        withPrefix prefix: [UInt8], scanning scanner: some RedisCommandExecutor, count: Int, dryRun: Bool,
        walking ranges: [ScanRange] = [.whole], carrying carried: DeletionTotals = DeletionTotals(),
        progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        let pattern = RedisGlob.matchingPrefix(prefix)
        var totals = carried
        totals.methods.insert(.scan)
        var seen = KeyDigestSet()
        var pendingUnlink: Task<Int, any Error>?
        for range in ranges {
            var nextScan: Task<RESPValue, any Error>? = Task {
                try await scanner.send(Self.scanCommand(cursor: range.start, match: pattern, count: count))
            }
            defer { nextScan?.cancel() }
            while let scan = nextScan {
                let page = try Self.parseScan(try await scan.value)
                nextScan =
                    range.continues(after: page.cursor)
                    ? Task { try await scanner.send(Self.scanCommand(cursor: page.cursor, match: pattern, count: count)) } : nil
                totals.scanned += page.keys.count
                let matches = page.keys.filter { $0.hasBytePrefix(prefix) && seen.insert($0) }
                totals.matched += matches.count
                if !dryRun && !matches.isEmpty {
                    if let previous = pendingUnlink { totals.deleted += try await previous.value }
                    pendingUnlink = Task { try await self.unlink(matches) }
                }
                guard progress(totals) else {
                    // Stop scanning, but count the UNLINK already on its way: those keys are gone.
                    if let last = pendingUnlink { totals.deleted += try await last.value }
                    return totals
                }
            }
        }
        if let last = pendingUnlink {
            pendingUnlink = nil
            totals.deleted += try await last.value
        }
        totals.finished = true
        _ = progress(totals)
        return totals
    }
}

/// A set of keys remembered by a 128-bit digest, so de-duplicating a scan of millions of keys costs
/// 16 bytes a key (in a table kept between three eighths and three quarters full) instead of a copy of
/// every key. Two different keys collide with probability ~2⁻¹²⁸.
public struct KeyDigestSet: Sendable {
    /// 128-bit digests (two seeded hashes of the key's bytes), in an open-addressing table (linear probing,
    /// at most three quarters full); an all-zero pair marks an empty cell.
    private var highs: [UInt64]
    private var lows: [UInt64]
    private var mask: Int
    public private(set) var count = 0
    private let seeds = (Int.random(in: .min ... .max), Int.random(in: .min ... .max))
    /// Keeps the loads of ``insert(contentsOf:)``'s first pass from being optimised away.
    private var touched: UInt64 = 0

    public init() {
        highs = [UInt64](repeating: 0, count: 1024)
        lows = highs
        mask = highs.count - 1
    }

    /// Adds `key`; returns `true` when it was not there before.
    public mutating func insert(_ key: [UInt8]) -> Bool {
        if 4 * (count + 1) > 3 * highs.count { grow() }
        return insert(digest: digest(key))
    }

    /// Adds `keys` (a `SCAN` page); for each, whether it was new. The table outgrows the processor's caches
    /// on a big keyspace, so the cells of the whole page are loaded first, in a loop whose loads do not wait
    /// on one another, then the keys go in.
    public mutating func insert(contentsOf keys: [[UInt8]]) -> [Bool] {
        while 4 * (count + keys.count) > 3 * highs.count { grow() }
        let digests = keys.map(digest)
        var sum: UInt64 = 0
        for digest in digests { sum &+= highs[Int(truncatingIfNeeded: digest.high) & mask] }
        touched = sum
        return digests.map { insert(digest: $0) }
    }

    /// Two seeded hashes of the key's bytes, each in one bulk pass.
    private func digest(_ key: [UInt8]) -> (high: UInt64, low: UInt64) {
        key.withUnsafeBytes { bytes in
            var first = Hasher()
            first.combine(seeds.0)
            first.combine(bytes: bytes)
            var second = Hasher()
            second.combine(seeds.1)
            second.combine(bytes: bytes)
            let high = UInt64(bitPattern: Int64(first.finalize()))
            let low = UInt64(bitPattern: Int64(second.finalize()))
            return (high | low == 0) ? (1, 0) : (high, low)
        }
    }

    private mutating func insert(digest: (high: UInt64, low: UInt64)) -> Bool {
        var position = Int(truncatingIfNeeded: digest.high) & mask
        while true {
            if highs[position] == digest.high && lows[position] == digest.low { return false }
            if highs[position] == 0 && lows[position] == 0 {
                highs[position] = digest.high
                lows[position] = digest.low
                count += 1
                return true
            }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let (oldHighs, oldLows) = (highs, lows)
        highs = [UInt64](repeating: 0, count: 2 * oldHighs.count)
        lows = highs
        mask = highs.count - 1
        for index in oldHighs.indices where oldHighs[index] != 0 || oldLows[index] != 0 {
            var position = Int(truncatingIfNeeded: oldHighs[index]) & mask
            while highs[position] != 0 || lows[position] != 0 { position = (position + 1) & mask }
            highs[position] = oldHighs[index]
            lows[position] = oldLows[index]
        }
    }
}
