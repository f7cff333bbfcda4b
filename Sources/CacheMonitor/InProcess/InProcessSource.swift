import Caching
import ConnectionSupport

/// An in-process cache (any `Caching` backend, such as the demo's `SimpleCache`) as a monitored source:
/// its own counters, its keys, direct deletion.
public final class InProcessSource: CacheSource {
    public let name: String
    /// The cache watched.
    public let backend: any CacheBackend

    public init(name: String, backend: any CacheBackend) {
        self.name = name
        self.backend = backend
    }

    public var type: String { "in-process" }
    public var address: String { "this process (\(backend.kind))" }

    public func connect() async throws {}
    public func close() async {}

    public func sample() async throws -> SourceSample {
        let clock = ContinuousClock()
        let started = clock.now
        let statistics = try await backend.statistics()
        var sample = SourceSample(totalHits: statistics.hits, totalMisses: statistics.misses)
        sample.operations = statistics.hits &+ statistics.misses &+ statistics.sets &+ statistics.deletes
        sample.evictions = statistics.evictions
        sample.expired = statistics.expirations
        sample.keys = statistics.keys
        sample.memoryBytes = UInt64(clamping: statistics.bytes)
        sample.latency = clock.now - started
        return sample
    }

    public func countExisting(_ keys: [[UInt8]]) async throws -> Int {
        var existing = 0
        for key in keys where try await backend.has(String(decoding: key, as: UTF8.self)) { existing += 1 }
        return existing
    }

    public func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome {
        var totals = PrefixDeletionProgress()
        for key in keys where try await backend.delete(String(decoding: key, as: UTF8.self)) { totals.deleted += 1 }
        totals.matched = totals.deleted
        totals.finished = true
        return DeletionOutcome(totals: totals)
    }

    public func deleteKeys(
        withPrefix prefix: [UInt8], dryRun: Bool, progress: (PrefixDeletionProgress) -> Bool
    ) async throws -> DeletionOutcome {
        let text = String(decoding: prefix, as: UTF8.self)
        var totals = PrefixDeletionProgress()
        let listing = try await backend.listKeys(prefix: text, limit: 1)
        let matching = listing.totalMatching ?? listing.keys.count
        totals.scanned = matching
        totals.matched = matching
        guard progress(totals) else { return DeletionOutcome(totals: totals) }
        if !dryRun { totals.deleted = try await backend.clear(prefix: text) }
        totals.matched = max(totals.matched, totals.deleted)
        totals.finished = true
        _ = progress(totals)
        return DeletionOutcome(totals: totals)
    }
}
