import Basics
import Caching
import ConnectionSupport

/// An in-process cache (any `Caching` backend, such as the demo's `SimpleCache`) as a monitored source:
/// its own counters, its keys, direct deletion.
package final class InProcessSource: CacheSource {
    package let name: String
    /// The cache watched.
    package let backend: any CacheBackend
    /// Reads the monitor made itself (details), which the cache counts as hits or misses.
    package let ownReads = OwnReads()
    /// The key-traffic log sequences of the monitor's own reads.
    let ownTraffic = OwnTrafficSequences()

    package init(name: String, backend: any CacheBackend) {
        self.name = name
        self.backend = backend
    }

    package var kind: BackendKind { .inProcess }
    package var address: String { "this process (\(backend.kind))" }

    package func connect() async throws {}
    package func close() async {}

    package func sample() async throws -> SourceSample {
        let clock = ContinuousClock()
        let started = clock.now
        let statistics = try await backend.statistics()
        var sample = SourceSample(totalHits: statistics.hits, totalMisses: statistics.misses)
        sample.ownReadHits = ownReads.hits
        sample.ownReadMisses = ownReads.misses
        let operations = statistics.hits &+ statistics.misses &+ statistics.sets &+ statistics.deletes
        let own = ownReads.hits &+ ownReads.misses
        sample.operations = operations >= own ? operations - own : 0
        sample.evictions = statistics.evictions
        sample.expired = statistics.expirations
        sample.keys = statistics.keys
        sample.memoryBytes = UInt64(clamping: statistics.bytes)
        sample.latency = clock.now - started
        sample.flavor = .inProcess
        return sample
    }
}

extension InProcessSource: KeyBrowsingSource {
    /// The cache's own listing (sorted by key), filtered here for globs.
    package func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        let prefix = String(decoding: filter.literalPrefix, as: UTF8.self)
        let listing = try await backend.listKeys(prefix: prefix, limit: filter.glob == nil ? limit : Int.max)
        let now = MonotonicSeconds.now
        var batch: [BrowsedKey] = []
        var more = filter.glob == nil && listing.hasMore
        for info in listing.keys {
            let key = Array(info.key.utf8)
            guard filter.accepts(key) else { continue }
            guard batch.count < limit else {
                more = true
                break
            }
            let ttl = info.remainingSeconds.map { Int64(($0 * 1000).rounded(.up)) }
            batch.append(BrowsedKey(key: key, type: info.format.map { "\($0)" } ?? "value", ttlMilliseconds: ttl, size: info.size, readAt: now))
        }
        if !batch.isEmpty { _ = try await body(batch) }
        return more
    }

    package func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? {
        let text = String(decoding: key.key, as: UTF8.self)
        // The log's entries of this read are ours: left out of traffic figures.
        let before = (backend as? any KeyTrafficSource)?.keyTrafficSequence
        defer {
            if let before, let after = (backend as? any KeyTrafficSource)?.keyTrafficSequence { ownTraffic.note(before..<after) }
        }
        guard let value = try await backend.get(text) else {
            ownReads.record(hits: 0, misses: 1)
            return nil
        }
        ownReads.record(hits: 1, misses: 0)
        let listing = try await backend.listKeys(prefix: text, limit: 1).keys.first { $0.key == text }
        let ttl = listing?.remainingSeconds.map { Int64(($0 * 1000).rounded(.up)) }
        let listed = BrowsedKey(key: key.key, type: "\(value.format)", ttlMilliseconds: ttl, size: value.bytes.count)
        return KeyDetails(
            key: listed, encoding: "\(value.format)", valueBytes: Array(value.bytes.prefix(maxBytes)), length: value.bytes.count,
            kindPrefix: kindPrefix)
    }

    /// The cache is listed whole, as one.
    package func listedServers() async throws -> [ListedServer] { [] }
}

extension InProcessSource: KeyDeletionSource {
    /// Any key: the cache takes any string.
    package func validate(key: [UInt8]) throws {}

    package func countExisting(_ keys: [[UInt8]]) async throws -> Int {
        var existing = 0
        for key in keys where try await backend.has(String(decoding: key, as: UTF8.self)) { existing += 1 }
        return existing
    }

    package func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome {
        var totals = DeletionTotals()
        for key in keys where try await backend.delete(String(decoding: key, as: UTF8.self)) { totals.deleted += 1 }
        totals.matched = totals.deleted
        totals.finished = true
        return DeletionOutcome(totals: totals)
    }

    package func deleteKeys(
        withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionOutcome {
        let text = String(decoding: prefix, as: UTF8.self)
        var totals = DeletionTotals(methods: .inProcess)
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

extension InProcessSource: KeyspaceSource {
    /// Every key, exact, from the cache itself (whatever `limit`): its format, TTL and value length.
    package func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus {
        let listing = try await backend.listKeys(prefix: "", limit: Int.max)
        var read = 0
        for start in stride(from: 0, to: listing.keys.count, by: 1000) {
            let batch = listing.keys[start..<min(start + 1000, listing.keys.count)].map { info in
                SampledKey(
                    key: Array(info.key.utf8), type: info.format.map { "\($0)" } ?? "value",
                    ttlMilliseconds: info.remainingSeconds.map { Int64(($0 * 1000).rounded(.up)) }, memoryBytes: info.size,
                    elements: info.size)
            }
            body(batch)
            read += batch.count
            guard progress(read) else { break }
        }
        return KeyspaceCensus(totalKeys: listing.keys.count, sampledKeys: read, memorySource: .length)
    }
}

extension InProcessSource: KeyExpirySource {
    /// The cache's own `touch` (a timeout of 0 = never expires).
    package func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool {
        let timeout = milliseconds.map { CacheTimeout(seconds: max(0.001, Double($0) / 1000)) } ?? .never
        return try await backend.touch(String(decoding: key, as: UTF8.self), timeout: timeout)
    }
}
