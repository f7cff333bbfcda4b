import Basics
import CacheMonitor
import Synchronization

/// An in-memory backend for tests of what is built on sources (the poller, the change engine, the dashboard
/// loop): keys with TTLs, counters that grow per sample, a switch that makes it fail like a dead server,
/// and a prefix deletion in small, slow batches that stops when asked — counting, like Redis, the batch
/// already sent. ``deletedCount`` is what the "server" really lost.
///
/// It offers what a cache server offers but metrics: key browsing, deletion, TTLs, keyspace reading, a
/// traffic sample that hears nothing, and health and client ports that fail (it has no servers) — so screens
/// and jobs built on those ports can be driven without sockets. ``refuse(_:on:with:)`` makes it answer like a server
/// that refuses a feature.
package final class FakeSource: CacheSource {
    /// Why sampling fails when it is switched off.
    package struct Down: Error, CustomStringConvertible {
        package let description: String
    }

    private struct State {
        var keys: [[UInt8]: Int64?] = [:]
        var samples: UInt64 = 0
        var failure: String?
        var deleted = 0
        var prefixDeletions = 0
        var refusals: [BackendFeature: (server: String, refusal: Refusal)] = [:]
    }

    package let name: String
    package let address: String
    package let kind: BackendKind
    /// Keys a prefix deletion removes per batch, and the pause after each batch.
    package let batchSize: Int
    package let batchPause: Duration
    private let state = Mutex(State())

    package init(name: String = "fake", address: String = "fake:1", kind: BackendKind = .redis, batchSize: Int = 100, batchPause: Duration = .zero) {
        self.name = name
        self.address = address
        self.kind = kind
        self.batchSize = batchSize
        self.batchPause = batchPause
    }

    /// Stores `keys` (with a TTL in milliseconds, or none).
    package func add(_ keys: [String], ttlMilliseconds: Int64? = nil) {
        state.withLock { state in
            for key in keys { state.keys[Array(key.utf8)] = ttlMilliseconds }
        }
    }

    /// Makes every sample fail with `reason` (`nil`: answer again).
    package func setFailure(_ reason: String?) {
        state.withLock { $0.failure = reason }
    }

    /// Keys held now.
    package var keyCount: Int { state.withLock { $0.keys.count } }
    /// Keys removed by deletions so far.
    package var deletedCount: Int { state.withLock { $0.deleted } }
    /// Whether a key is held.
    package func contains(_ key: String) -> Bool { state.withLock { $0.keys[Array(key.utf8)] != nil } }

    /// From now on, the port of `feature` fails as `server` would when it refuses what the feature needs
    /// (``MonitorError/refused(_:server:_:)``); `nil` answers again.
    package func refuse(_ feature: BackendFeature, on server: String = "fake:1", with refusal: Refusal?) {
        state.withLock { $0.refusals[feature] = refusal.map { (server, $0) } }
    }

    /// Throws the refusal set for `feature`, if any.
    private func check(_ feature: BackendFeature) throws {
        if let found = state.withLock({ $0.refusals[feature] }) { throw MonitorError.refused(feature, server: found.server, found.refusal) }
    }

    package func connect() async throws {}
    package func close() async {}

    package func sample() async throws -> SourceSample {
        let (count, keys, failure) = state.withLock { state -> (UInt64, Int, String?) in
            if state.failure == nil { state.samples += 1 }
            return (state.samples, state.keys.count, state.failure)
        }
        if let failure { throw Down(description: failure) }
        var sample = SourceSample(totalHits: count * 90, totalMisses: count * 10)
        sample.operations = count * 200
        sample.keys = keys
        sample.memoryBytes = UInt64(keys) * 100
        sample.latency = .microseconds(250)
        sample.version = "fake 1.0"
        return sample
    }
}

extension FakeSource: KeyBrowsingSource {
    package func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        try check(.keyBrowsing)
        let all = state.withLock { $0.keys }.filter { filter.accepts($0.key) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let shown = all.prefix(limit).map { BrowsedKey(key: $0.key, type: "string", ttlMilliseconds: $0.value, size: 16) }
        if !shown.isEmpty { _ = try await body(Array(shown)) }
        return all.count > limit
    }

    package func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? {
        guard let ttl = state.withLock({ $0.keys[key.key] }) else { return nil }
        let listed = BrowsedKey(key: key.key, type: "string", ttlMilliseconds: ttl, size: 5)
        return KeyDetails(key: listed, encoding: "string", valueBytes: Array("value".utf8), length: 5, kindPrefix: kindPrefix)
    }

    package func listedServers() async throws -> [ListedServer] { [] }
}

extension FakeSource: KeyspaceSource {
    /// Every key, exact: a string of 16 bytes each.
    package func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus {
        try check(.keyspace)
        let keys = state.withLock { $0.keys }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let batch = keys.map { SampledKey(key: $0.key, type: "string", ttlMilliseconds: $0.value, memoryBytes: 16, elements: 5) }
        if !batch.isEmpty { body(batch) }
        _ = progress(batch.count)
        return KeyspaceCensus(totalKeys: batch.count, sampledKeys: batch.count, memorySource: .memoryUsage)
    }
}

extension FakeSource: KeyExpirySource {
    package func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool {
        try check(.keyExpiry)
        return state.withLock { state in
            guard state.keys[key] != nil else { return false }
            state.keys[key] = .some(milliseconds)
            return true
        }
    }
}

extension FakeSource: KeyDeletionSource {
    package func validate(key: [UInt8]) throws {}

    package func countExisting(_ keys: [[UInt8]]) async throws -> Int {
        state.withLock { state in keys.filter { state.keys[$0] != nil }.count }
    }

    package func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome {
        try check(.keyDeletion)
        let removed = state.withLock { state in
            var removed = 0
            for key in Set(keys) where state.keys.removeValue(forKey: key) != nil { removed += 1 }
            state.deleted += removed
            return removed
        }
        return DeletionOutcome(totals: DeletionTotals(scanned: keys.count, matched: removed, deleted: removed, finished: true))
    }

    /// Deletes `batchSize` matching keys at a time, pausing `batchPause` after each; `progress` returning
    /// `false` stops it after the batch just deleted (which is counted).
    package func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool) async throws -> DeletionOutcome {
        try check(.keyDeletion)
        let matching = state.withLock { $0.keys.keys.filter { $0.hasBytePrefix(prefix) } }.sorted { $0.lexicographicallyPrecedes($1) }
        var totals = DeletionTotals()
        for start in stride(from: 0, to: matching.count, by: batchSize) {
            let batch = Array(matching[start..<min(start + batchSize, matching.count)])
            totals.scanned += batch.count
            totals.matched += batch.count
            if !dryRun { totals.deleted += try await deleteKeys(batch).totals.deleted }
            if batchPause > .zero { try? await Task.sleep(for: batchPause) }
            guard progress(totals) else { return DeletionOutcome(totals: totals) }
        }
        totals.finished = true
        _ = progress(totals)
        return DeletionOutcome(totals: totals)
    }
}

extension FakeSource: HealthSource {
    /// The views of the kind it stands for (memcached's for a memcached fake, else Redis').
    package var healthViews: HealthViews { kind == .memcached ? .memcached : .redis }

    /// It has no servers to read: every reading fails, as a server that never answers would.
    package func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        try check(.health)
        throw Down(description: "\(name) has no server whose health could be read")
    }

    package func ownCommandCounts(on address: String) -> [String: UInt64] { [:] }
}

extension FakeSource: TrafficSource {
    package var trafficCost: TrafficCost { .listening }

    /// A plan that changes nothing: it listens to itself.
    package func trafficPreflight() async throws -> TrafficPreflight {
        try check(.traffic)
        return TrafficPreflight(method: .monitor, servers: [TrafficServer(address: address, keyMisses: .inStream)])
    }

    /// Listens as long as asked, and hears nothing (nobody uses a fake).
    package func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding {
        try check(.traffic)
        await listen()
        return TrafficStreamsEnding(method: plan.method)
    }
}

extension FakeSource: ClientControlSource {
    /// It has no clients: closing one fails as on a server that does not answer.
    package func killClient(_ client: ClientToKill) async throws -> Bool {
        try check(.clientControl)
        throw Down(description: "\(name) has no clients to close")
    }
}
