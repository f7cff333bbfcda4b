/// What `cachescope check` asks of each server, in the words its `--json` uses (`"feature"`): the dashboard's
/// and the commands' features as an operator names them.
package enum CheckedFeature: String, Sendable, Hashable, CaseIterable {
    /// The overview's counters: hits, misses, ops/s, memory, evictions (`INFO`, `stats`).
    case overview
    /// Listing keys (`SCAN`, `lru_crawler metadump`).
    case keys
    /// Each key's TTL (`PTTL`).
    case ttl
    /// Each key's type and a value's first bytes (`TYPE`, `GETRANGE`, …).
    case values
    /// The keyspace analysis: memory, TTLs and types per prefix.
    case analyze
    /// The traffic sample: reads, misses and writes per prefix and key.
    case traffic
    /// The health tabs: slow log, commands, clients, memory, latency.
    case health
    /// Deleting keys and invalidating prefixes.
    case invalidate
    /// The exporter metrics `cachescope serve` publishes.
    case metrics

    /// How a person calls it (`keyspace analysis`).
    package var title: String {
        switch self {
        case .overview: "overview counters"
        case .keys: "key listing"
        case .ttl: "TTLs"
        case .values: "values"
        case .analyze: "keyspace analysis"
        case .traffic: "traffic sampling"
        case .health: "health tabs"
        case .invalidate: "invalidation"
        case .metrics: "exporter metrics"
        }
    }

    /// The backend feature (its capability port) whose availability this check answers for; `nil` for the
    /// overview, which every backend has.
    package var backendFeature: BackendFeature? {
        switch self {
        case .overview, .ttl, .values: nil
        case .keys: .keyBrowsing
        case .analyze: .keyspace
        case .traffic: .traffic
        case .health: .health
        case .invalidate: .keyDeletion
        case .metrics: .metrics
        }
    }
}

/// How far a feature works on a server (`"status"`).
package enum FeatureStatus: String, Sendable, Hashable, Comparable {
    /// Fully.
    case ok
    /// With less: a slower method, a column or figure missing (the check says which and why).
    case degraded
    /// Not at all.
    case unavailable

    private var rank: Int {
        switch self {
        case .ok: 0
        case .degraded: 1
        case .unavailable: 2
        }
    }

    package static func < (lhs: FeatureStatus, rhs: FeatureStatus) -> Bool { lhs.rank < rhs.rank }
}

/// What one server allows of one feature: the method it will use, every command refused on the way with the
/// server's own words, and the setting that would give the rest.
package struct FeatureCheck: Sendable, Hashable {
    package var feature: CheckedFeature
    package var status: FeatureStatus
    /// The method it will use (`monitor+keymiss`, `MEMORY USAGE`, `scan+unlink`); `nil` when none.
    package var method: String?
    /// Each command the server refused, in its own words.
    package var refused: [Refusal]
    /// What would give the rest (a setting, a permission), one line; `nil` when nothing is missing.
    package var remedy: String?
    /// What the method lacks or costs, one line (`hit ratios unknown`).
    package var note: String?

    package init(
        _ feature: CheckedFeature, _ status: FeatureStatus, method: String?, refused: [Refusal] = [], remedy: String? = nil, note: String? = nil
    ) {
        self.feature = feature
        self.status = status
        self.method = method
        self.refused = refused
        self.remedy = remedy
        self.note = note
    }
}
