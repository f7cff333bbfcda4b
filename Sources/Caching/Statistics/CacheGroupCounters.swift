import Synchronization

/// Hit and miss counts of one group of keys: a cached route, a memoized function, or a whole cache.
///
/// Counting is one relaxed atomic add, so it is always on. A group's counters object is looked up once
/// (when a function is memoized) or once per request (cached routes), never per key.
public final class CacheGroupCounters: Sendable {
    /// What kind of code produced the keys.
    public enum Kind: String, Sendable, Hashable {
        /// All lookups through one ``Cache``.
        case cache
        /// A cached HTTP route (Flask's `@cache.cached` on a view).
        case view
        /// A memoized function.
        case memoize
        /// Direct `get` calls that named a group.
        case manual
    }

    /// The group's name: the route, the memoized function's name, or the name given to `get`.
    public let name: String
    /// What kind of code produced the keys.
    public let kind: Kind
    private let hitCount = Atomic<UInt64>(0)
    private let missCount = Atomic<UInt64>(0)
    private let errorCount = Atomic<UInt64>(0)

    init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    package func recordHit() { hitCount.wrappingAdd(1, ordering: .relaxed) }
    package func recordMiss() { missCount.wrappingAdd(1, ordering: .relaxed) }
    package func recordError() { errorCount.wrappingAdd(1, ordering: .relaxed) }

    /// The counts now.
    public var snapshot: Snapshot {
        Snapshot(
            name: name, kind: kind,
            hits: hitCount.load(ordering: .relaxed),
            misses: missCount.load(ordering: .relaxed),
            errors: errorCount.load(ordering: .relaxed)
        )
    }

    /// Counts of one group at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// The group's name.
        public var name: String
        /// What kind of code produced the keys.
        public var kind: Kind
        /// Lookups that were served from the cache.
        public var hits: UInt64
        /// Lookups that had to compute the value.
        public var misses: UInt64
        /// Lookups where the backend failed (counted as misses too when the failure was ignored).
        public var errors: UInt64

        /// hits / (hits + misses), or `nil` when there was no lookup — never a made-up 0 %.
        public var hitRatio: Double? {
            let lookups = hits + misses
            return lookups == 0 ? nil : Double(hits) / Double(lookups)
        }
    }
}
