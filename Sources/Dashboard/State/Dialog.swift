/// A confirmation dialog: what will change, on which backend, and (for prefixes and routes) how many keys
/// match, counted live before the operator answers.
package struct Dialog: Sendable, Hashable {
    /// The count of matching keys while it is being made.
    package enum MatchCount: Sendable, Hashable {
        case notNeeded
        case counting(soFar: Int)
        case counted(Int, more: Bool)
        case failed(String)
    }

    package var change: PendingChange
    package var matchCount: MatchCount
    /// Whether `p` (type another prefix instead) is offered.
    package var offersTypedPrefix: Bool

    package init(change: PendingChange, offersTypedPrefix: Bool = false) {
        self.change = change
        matchCount = change.needsCount ? .counting(soFar: 0) : .notNeeded
        self.offersTypedPrefix = offersTypedPrefix
    }
}
