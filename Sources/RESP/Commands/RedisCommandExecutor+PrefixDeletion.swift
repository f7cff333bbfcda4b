import Basics
import ConnectionSupport

/// Prefix deletion — `SCAN MATCH <escaped prefix>*` and pipelined `UNLINK` — shared by `RedisCache.clear()`
/// and the monitor's invalidation, so both are fast and both are safe.
extension RedisCommandExecutor {
    /// ``deleteKeys(withPrefix:count:dryRun:progress:)`` in `SCAN` pages of 2,000, to the end.
    @discardableResult
    public func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool = false) async throws -> DeletionTotals {
        try await deleteKeys(withPrefix: prefix, count: 2000, dryRun: dryRun) { _ in true }
    }

    /// ``deleteKeys(withPrefix:count:dryRun:progress:)`` (not a dry run), with `progress` told after every page.
    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int = 2000, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        try await deleteKeys(withPrefix: prefix, count: count, dryRun: false, progress: progress)
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
    /// Two seeded hashes of the key's bytes; all zeros marks an empty cell.
    struct Digest: TableFingerprint {
        var high: UInt64
        var low: UInt64
        static let empty = Digest(high: 0, low: 0)
        var position: Int { Int(truncatingIfNeeded: high) }
    }

    private var digests = FingerprintSet<Digest>(expected: 768)
    private let seeds = (Int.random(in: .min ... .max), Int.random(in: .min ... .max))

    public init() {}

    /// How many distinct keys were added.
    public var count: Int { digests.count }

    /// Adds `key`; returns `true` when it was not there before.
    public mutating func insert(_ key: [UInt8]) -> Bool {
        digests.insert(digest(key))
    }

    /// Adds `keys` (a `SCAN` page, checked together: see ``FingerprintSet``); for each, whether it was new.
    public mutating func insert(contentsOf keys: [[UInt8]]) -> [Bool] {
        digests.insert(contentsOf: keys.map(digest))
    }

    /// Two seeded hashes of the key's bytes, each in one bulk pass.
    private func digest(_ key: [UInt8]) -> Digest {
        key.withUnsafeBytes { bytes in
            var first = Hasher()
            first.combine(seeds.0)
            first.combine(bytes: bytes)
            var second = Hasher()
            second.combine(seeds.1)
            second.combine(bytes: bytes)
            let digest = Digest(high: UInt64(bitPattern: Int64(first.finalize())), low: UInt64(bitPattern: Int64(second.finalize())))
            return digest == .empty ? Digest(high: 1, low: 0) : digest
        }
    }
}
