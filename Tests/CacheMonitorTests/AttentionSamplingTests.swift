import Basics
import CacheMonitor
import Memcache
import RESP
import Synchronization
import TestSupport
import Testing

/// The attention reading carried by the sample (one round trip per backend per reading, for fleets): the
/// poller asks a source that can for both at once when the reading is due, reads separately only for the
/// health screen, and real Redis and memcached servers give the same views either way.
@Suite struct AttentionSamplingTests {
    /// A source that counts how it is read: samples, samples with attention, and health readings by scope.
    final class CountingSource: AttentionSamplingSource, @unchecked Sendable {
        struct Counts {
            var samples = 0
            var samplesWithAttention = 0
            var attentionReadings = 0
            var fullReadings = 0
        }

        let counts = Mutex(Counts())
        let name = "counting"
        let address = "127.0.0.1:1"
        var kind: BackendKind { .redis }
        var healthViews: HealthViews { .redis }

        func connect() async throws {}
        func close() async {}

        func sample() async throws -> SourceSample {
            counts.withLock { $0.samples += 1 }
            return SourceSample(totalHits: 1, totalMisses: 1)
        }

        /// A server that refused 3 more connections at every reading: the attention rules raise
        /// `rejected-connections`.
        private var server: ServerHealth {
            var server = ServerHealth(address: address)
            server.rejectedConnections = Int64(counts.withLock { 3 * ($0.samplesWithAttention + $0.attentionReadings + $0.fullReadings) })
            return server
        }

        func sampleWithAttention() async throws -> (sample: SourceSample, attention: Result<AttentionReading, any Error>) {
            counts.withLock { $0.samplesWithAttention += 1 }
            return (SourceSample(totalHits: 1, totalMisses: 1), .success(AttentionReading(servers: [server], missing: [])))
        }

        func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
            counts.withLock { counts in
                if scope == .full { counts.fullReadings += 1 } else { counts.attentionReadings += 1 }
            }
            return ([server], [])
        }

        func ownCommandCounts(on address: String) -> [String: UInt64] { [:] }
    }

    /// Waits until `condition` holds, at most 600 looks 50 ms apart: counted in looks, not in wall time, so
    /// a suite that holds the machine's threads a while does not use the wait up.
    private func waitFor(_ condition: () async -> Bool) async throws {
        for _ in 0..<600 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func theAttentionReadingRidesOnTheSampleAndTheHealthScreenReadsOnItsOwn() async throws {
        let source = CountingSource()
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        let poller = Poller(
            backends: [backend], configuration: .init(interval: .milliseconds(100), timeout: .seconds(2), healthInterval: .milliseconds(300)))
        await poller.start()
        try await waitFor { source.counts.withLock { $0.samplesWithAttention } >= 3 }
        var counts = source.counts.withLock { $0 }
        #expect(counts.samplesWithAttention >= 3)
        #expect(counts.attentionReadings == 0, "no round trip of its own for the attention reading")
        let health = try #require(await poller.current.backends.first?.health)
        #expect(health.attention.contains { $0.rule == .rejectedConnections })
        #expect(health.scope == .attention)

        // The health screen open: full readings of their own, every interval.
        await poller.focusHealth(on: backend.id)
        try await waitFor { source.counts.withLock { $0.fullReadings } >= 2 }
        counts = source.counts.withLock { $0 }
        #expect(counts.fullReadings >= 2)
        #expect(counts.attentionReadings == 0)
        await poller.stop()
    }

    @Test func aSnapshotReadsTheAttentionWithItsSecondSample() async throws {
        let source = CountingSource()
        let poller = Poller(backends: [MonitoredBackend(id: BackendID(0), source: source)])
        let snapshot = await poller.sampleTwice(interval: .milliseconds(10), health: true)
        let counts = source.counts.withLock { $0 }
        #expect(counts.samples == 1 && counts.samplesWithAttention == 1 && counts.attentionReadings == 0)
        #expect(snapshot.backends.first?.health?.attention.contains { $0.rule == .rejectedConnections } == true)
    }

    @Test func redisGivesTheSameAttentionViewsWithTheSample() async throws {
        guard let server = try RedisServerProcess() else { return }
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: server.url()))
        defer { Task { await source.close() } }
        let (sample, attention) = try await source.sampleWithAttention()
        #expect(sample.memoryBytes ?? 0 > 0)
        let folded = try #require(try attention.get().servers.first)
        let separate = try #require(try await source.readHealth(.attention).servers.first)
        #expect(folded.address == separate.address)
        #expect(folded.memory.value?.usedBytes ?? 0 > 0)
        #expect(folded.memory.value?.policy == separate.memory.value?.policy)
        #expect(folded.replication.value?.role == separate.replication.value?.role)
        #expect(folded.persistence.value != nil && separate.persistence.value != nil)
        #expect(folded.slowLog.value != nil)
        #expect(folded.rejectedConnections == separate.rejectedConnections)
    }

    @Test func memcachedGivesTheSameSlabsWithTheSample() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let writer = MemcachedClient(address: address)
        defer { Task { await writer.close() } }
        _ = try await writer.send(try .store(.set, key: Array("k".utf8), value: Array(repeating: 1, count: 300)))
        let source = MemcachedSource(name: "memcached", addresses: [address])
        defer { Task { await source.close() } }
        let (sample, attention) = try await source.sampleWithAttention()
        #expect(sample.keys == 1)
        let folded = try #require(try attention.get().servers.first)
        let separate = try #require(try await source.readHealth(.attention).servers.first)
        #expect(folded.slabs.value?.map(\.id) == separate.slabs.value?.map(\.id))
        #expect(folded.slabs.value?.isEmpty == false)
        #expect(folded.rejectedConnections == separate.rejectedConnections)
    }
}
