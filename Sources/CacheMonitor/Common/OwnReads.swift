import Synchronization

/// Counts the key lookups the monitor itself makes — on Redis `TYPE`, `PTTL`, previews (which move
/// `keyspace_hits`/`keyspace_misses`), on memcached the `get` behind a preview (which moves `get_hits`/
/// `get_misses`) — so the dashboard can show the hit ratio without them ("ownReads").
public final class OwnReads: Sendable {
    private let hitCount = Atomic<UInt64>(0)
    private let missCount = Atomic<UInt64>(0)

    public init() {}

    /// Lookups that found their key.
    public var hits: UInt64 { hitCount.load(ordering: .relaxed) }
    /// Lookups that did not.
    public var misses: UInt64 { missCount.load(ordering: .relaxed) }

    func record(hits: Int, misses: Int) {
        if hits > 0 { hitCount.wrappingAdd(UInt64(hits), ordering: .relaxed) }
        if misses > 0 { missCount.wrappingAdd(UInt64(misses), ordering: .relaxed) }
    }
}
