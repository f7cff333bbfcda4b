import Basics

/// What a keyspace analysis found: per prefix group, how many keys and how much memory (estimated for the
/// whole backend when only a sample was read), how long they live, and the biggest keys.
package struct KeyspaceReport: Sendable, Hashable, Codable, PrefixGroupTree {
    /// One prefix group, with its figures scaled to the whole backend.
    package struct Group: Sendable, Hashable, Codable, PrefixGroup {
        /// The keys' common start, ending at a delimiter (`sess:`, `flask_cache_view/`); empty for the whole
        /// keyspace.
        package var prefix: [UInt8]
        /// 0 for the whole keyspace, 1 for top-level groups, and so on.
        package var depth: Int
        /// Keys of this group read.
        package var sampledKeys: Int
        /// Keys in the group, estimated.
        package var keys: Int
        /// Bytes the group takes, estimated; `nil` when the backend cannot tell.
        package var memoryBytes: Int?
        /// The group's fraction (0–1) of the backend's memory; `nil` when memory is unknown.
        package var share: Double?
        /// Keys by TTL left, estimated; the buckets add up to ``keys``.
        package var ttl: TTLBuckets
        /// The mean element count (or string length) of its keys, where known.
        package var meanElements: Double?
        /// Keys written and never read, estimated; `nil` where the backend cannot tell.
        package var neverRead: Int?
        /// Keys that end exactly at this prefix (the group's own key), estimated.
        package var ownKeys: Int
        /// Sub-groups, largest memory first (then most keys).
        package var children: [Group]
        /// What the group is to Flask-Caching, when it is one route's keys or one memoized function's results
        /// (whose keys share only the application's prefix, ``prefix``).
        package var flask: FlaskCachingGroup?

        /// Keys without a TTL.
        package var noTTLKeys: Int { ttl.none }
        /// Whether any of its keys' TTLs was read (not where the server refused `PTTL`): else the TTL
        /// columns show `—`.
        package var ttlKnown: Bool { ttl.total > 0 || keys == 0 }
    }

    /// Keys the backend holds, and how many were read.
    package var totalKeys: Int
    package var sampledKeys: Int
    /// Whether the figures are estimates from a sample (fewer keys read than the backend holds).
    package var estimated: Bool { sampledKeys < totalKeys }
    package var memorySource: MemorySource?
    /// Why memory is estimated or unknown, when it is.
    package var memoryNote: String?
    /// Why element counts are unknown, when they are.
    package var elementsNote: String?
    /// Whether "never read" is known.
    package var neverReadKnown: Bool
    /// The whole keyspace (depth 0), its groups below it.
    package var root: Group
    /// The biggest keys read, by memory (by elements where memory is unknown), biggest first.
    package var bigKeys: [SampledKey]
    /// On a server with an LFU eviction policy: the keys read with the highest LFU counter (`OBJECT FREQ`),
    /// highest first — hot keys without sampling traffic; empty elsewhere.
    package var frequentKeys: [SampledKey] = []
    /// Nodes or servers whose keys are missing from the figures, and why.
    package var missingNodes: [KeyspaceCensus.MissingNode]
    /// Key sizes per type as the server counts them (`INFO keysizes`, Redis ≥ 8.0); `nil` elsewhere.
    package var keySizes: KeySizeDistribution?
}

/// A group Flask-Caching gives a meaning: the keys of one cached route, or one memoized function's results.
package enum FlaskCachingGroup: Sendable, Hashable, Codable {
    /// One route's keys: the page and its query-string variants (not longer paths).
    case route(path: String, keyPrefix: [UInt8])
    /// A memoized function's results (`module.qualname`); `function` is `nil` when the version keys that name
    /// functions could not all be read.
    case memoized(function: String?, keyPrefix: [UInt8])
    /// Memoized results stored under versions no version key holds any more (after `delete_memoized`, or
    /// once a version key expired): nothing can read them; they take memory until they expire.
    case staleMemoized(keyPrefix: [UInt8])

    /// How a person reads it: `route /api/users`, `memoized app.get_user`, `stale memoized, unreachable`.
    package var label: String {
        switch self {
        case .route(let path, _): "route \(path)"
        case .memoized(let function?, _): "memoized \(function)"
        case .memoized(nil, _): "memoized, function unknown"
        case .staleMemoized: "stale memoized, unreachable"
        }
    }
}
