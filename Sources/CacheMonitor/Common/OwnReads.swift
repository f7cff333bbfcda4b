import Synchronization

/// Counts the key lookups the monitor itself makes — on Redis `TYPE`, `PTTL`, previews (which move
/// `keyspace_hits`/`keyspace_misses`), on memcached the `get` behind a preview (which moves `get_hits`/
/// `get_misses`) — so the dashboard can show the hit ratio without them ("ownReads"). It also counts every
/// command the monitor sends where the server counts commands (Redis `total_commands_processed`), so ops/s
/// shows the application's traffic, not the monitor's.
package final class OwnReads: Sendable {
    private let hitCount = Atomic<UInt64>(0)
    private let missCount = Atomic<UInt64>(0)
    private let commandCount = Atomic<UInt64>(0)

    package init() {}

    /// Lookups that found their key.
    package var hits: UInt64 { hitCount.load(ordering: .relaxed) }
    /// Lookups that did not.
    package var misses: UInt64 { missCount.load(ordering: .relaxed) }

    /// Commands the monitor sent.
    package var commands: UInt64 { commandCount.load(ordering: .relaxed) }

    func recordCommands(_ count: Int) {
        if count > 0 { commandCount.wrappingAdd(UInt64(count), ordering: .relaxed) }
    }

    func record(hits: Int, misses: Int) {
        if hits > 0 { hitCount.wrappingAdd(UInt64(hits), ordering: .relaxed) }
        if misses > 0 { missCount.wrappingAdd(UInt64(misses), ordering: .relaxed) }
    }
}

/// Runs `lookups` to their end even when the caller stops waiting (its task cancelled: a key list replaced by
/// a newer one): the server counts them in its hits and misses whether or not their replies are read, so they
/// must always be counted as our own.
func finishingLookups<Result: Sendable>(_ lookups: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await Task { try await lookups() }.value
}
