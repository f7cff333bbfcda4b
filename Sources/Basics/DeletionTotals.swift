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

    public init(scanned: Int = 0, matched: Int = 0, deleted: Int = 0, finished: Bool = false) {
        self.scanned = scanned
        self.matched = matched
        self.deleted = deleted
        self.finished = finished
    }

    /// The sums of several servers' totals; finished only when every one of them finished.
    public static func sum(_ parts: [DeletionTotals]) -> DeletionTotals {
        var totals = DeletionTotals()
        for part in parts {
            totals.scanned += part.scanned
            totals.matched += part.matched
            totals.deleted += part.deleted
        }
        totals.finished = !parts.isEmpty && parts.allSatisfy(\.finished)
        return totals
    }

    /// These totals plus `other`'s counts (finished stays as it is).
    public func adding(_ other: DeletionTotals) -> DeletionTotals {
        DeletionTotals(scanned: scanned + other.scanned, matched: matched + other.matched, deleted: deleted + other.deleted, finished: finished)
    }
}
