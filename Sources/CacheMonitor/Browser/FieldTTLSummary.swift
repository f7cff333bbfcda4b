/// How a hash's fields expire (per-field TTLs: Redis ≥ 7.4, Valkey ≥ 9.0): how many fields it has, how
/// many of those read expire, and the soonest — for the key browser's badge and `keys --json`'s `fieldTtl`.
package struct FieldTTLSummary: Sendable, Hashable {
    /// Fields in the hash (`HLEN`).
    package var fields: Int
    /// Fields read that expire.
    package var volatile: Int
    /// Milliseconds until the first of them expires, when one does.
    package var soonestMilliseconds: Int64?
    /// Whether every field was read (a large hash is read in its first page only: `volatile` is then a
    /// lower bound).
    package var complete: Bool

    package init(fields: Int, volatile: Int, soonestMilliseconds: Int64?, complete: Bool) {
        self.fields = fields
        self.volatile = volatile
        self.soonestMilliseconds = soonestMilliseconds
        self.complete = complete
    }

    /// The summary of `ttls` (one `HPTTL` reply per field read: −1 no TTL, −2 no such field) in a hash of
    /// `fields` fields; `nil` when no field read expires.
    package init?(fields: Int, ttls: [Int64]) {
        let expiring = ttls.filter { $0 >= 0 }
        guard !expiring.isEmpty else { return nil }
        self.init(fields: fields, volatile: expiring.count, soonestMilliseconds: expiring.min(), complete: ttls.count >= fields)
    }

    /// `2 of 3 fields expire, soonest in 49s`.
    package func text(countdown: (Int64?) -> String) -> String {
        let count = complete ? "\(volatile) of \(fields)" : "at least \(volatile) of \(fields)"
        return "\(count) field\(fields == 1 ? "" : "s") expire, soonest in \(countdown(soonestMilliseconds))"
    }
}
