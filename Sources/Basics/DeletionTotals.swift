/// How far a deletion got: keys listed, keys that matched, keys the server reported removed — what a
/// prefix invalidation reports as it goes (and a dry run, which only lists and counts).
public struct DeletionTotals: Sendable, Hashable {
    /// Keys listed (by `SCAN`, or by a memcached metadump) before de-duplication and the prefix check.
    public var scanned: Int = 0
    /// Distinct keys that matched (started with the prefix, or existed among the keys given).
    public var matched: Int = 0
    /// Keys the server reported removed.
    public var deleted: Int = 0
    /// Whether the work reached its end (a stopped or failed one did not).
    public var finished = false
    /// The ways the keys were found and deleted (a server-side script, a client-side scan, …): more
    /// than one when a path fell back to another part way, or servers of one backend took different ones.
    public var methods: DeletionMethods = []
    /// Why a faster path was left for a slower one (the server's own words), when it was.
    public var fallbackReason: String?

    public init(
        scanned: Int = 0, matched: Int = 0, deleted: Int = 0, finished: Bool = false, methods: DeletionMethods = [],
        fallbackReason: String? = nil
    ) {
        self.scanned = scanned
        self.matched = matched
        self.deleted = deleted
        self.finished = finished
        self.methods = methods
        self.fallbackReason = fallbackReason
    }

    /// The sums of several servers' totals; finished only when every one of them finished.
    public static func sum(_ parts: [DeletionTotals]) -> DeletionTotals {
        var totals = DeletionTotals()
        for part in parts {
            totals = totals.adding(part)
        }
        totals.finished = !parts.isEmpty && parts.allSatisfy(\.finished)
        return totals
    }

    /// These totals plus `other`'s counts and methods (finished stays as it is).
    public func adding(_ other: DeletionTotals) -> DeletionTotals {
        DeletionTotals(
            scanned: scanned + other.scanned, matched: matched + other.matched, deleted: deleted + other.deleted, finished: finished,
            methods: methods.union(other.methods), fallbackReason: fallbackReason ?? other.fallbackReason)
    }
}

/// The ways a deletion found and removed keys.
public struct DeletionMethods: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A script on the Redis server scanned and unlinked in bounded batches; no key crossed the network.
    public static let script = DeletionMethods(rawValue: 1)
    /// `SCAN` pages read by the client, the matching keys sent back in pipelined `UNLINK`s.
    public static let scan = DeletionMethods(rawValue: 2)
    /// A memcached `lru_crawler metadump` listed the keys, deleted in pipelined `delete`s.
    public static let metadump = DeletionMethods(rawValue: 4)
    /// The in-process cache removed them itself.
    public static let inProcess = DeletionMethods(rawValue: 8)
    /// The keys were given (no search): deleted in one pipelined command.
    public static let keys = DeletionMethods(rawValue: 16)

    /// `script`, `scan`, `script+scan`, … (the `method` of `invalidate --json`); nil when none is known.
    public var name: String? {
        let names: [(DeletionMethods, String)] = [
            (.script, "script"), (.scan, "scan"), (.metadump, "metadump"), (.inProcess, "in-process"), (.keys, "keys"),
        ]
        let present = names.filter { contains($0.0) }.map(\.1)
        return present.isEmpty ? nil : present.joined(separator: "+")
    }
}
