import Basics
import ConnectionSupport
import RESP

extension RedisSource: CacheSource {
    /// `redis`, or `redisCluster` once the URL is known to be a cluster's.
    package var kind: BackendKind {
        if case .cluster? = client.knownShape { return .redisCluster }
        return .redis
    }

    /// How `rediss://` is checked; plain for `redis://`.
    package var tls: TLSState { TLSState(url.tls) }

    /// `INFO` and a `PING`, as a ``SourceSample``; commands are counted without the monitor's own. A cluster
    /// is sampled node by node (``clusterSample(_:)``).
    package func sample() async throws -> SourceSample {
        if let cluster = try await cluster() { return try await clusterSample(cluster) }
        return try await sample(from: try await stats())
    }

    /// A single server's (or a Sentinel's master's) sample from its stats.
    func sample(from stats: RedisStats) async throws -> SourceSample {
        let info = stats.info
        var sample = SourceSample(totalHits: stats.keyspaceHits, totalMisses: stats.keyspaceMisses)
        sample.ownReadHits = stats.ownReadHits
        sample.ownReadMisses = stats.ownReadMisses
        sample.operations = info.totalCommandsProcessed.map { $0 >= stats.ownCommands ? $0 - stats.ownCommands : 0 }
        sample.evictions = info.evictedKeys ?? 0
        sample.expired = info.expiredKeys ?? 0
        sample.keys = stats.keys
        sample.memoryBytes = info.usedMemory.map { UInt64(clamping: $0) }
        sample.maxMemoryBytes = info.maxMemory.map { UInt64(clamping: $0) }
        sample.uptimeSeconds = info.uptimeSeconds.map { UInt64(clamping: $0) }
        sample.latency = stats.latency
        sample.version = info.serverVersion
        sample.flavor = info.isValkey ? .valkey : .redis
        sample.clients = info.connectedClients.map { Int(clamping: $0) }
        if let sentinel = client.sentinel {
            let master = try await sentinel.master().url.hostAndPort
            sample.address = master
            sample.note = sentinel.lastFailover.map { "\($0) (\(sentinel.target.description))" } ?? sentinel.target.description
            if let topology = await sentinel.topology() {
                sample.topology = SentinelRows.members(master: master, topology, configured: sentinel.target.sentinels.map(\.hostAndPort))
                if !topology.hasQuorum { sample.note = (sample.note ?? "") + " · no quorum: \(topology.quorum ?? "no answer")" }
            }
        }
        return sample
    }

    package func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? RedisError)?.code == .authenticationFailed
    }
}

extension RedisSource: AttentionSamplingSource {
    /// A single server's sample and attention reading in one round trip; a cluster's sample and its nodes'
    /// attention readings side by side (each node is read on its own connection either way).
    package func sampleWithAttention() async throws -> (sample: SourceSample, attention: Result<AttentionReading, any Error>) {
        guard try await cluster() == nil else {
            async let attention = attentionReading()
            let sample = try await sample()
            return (sample, await attention)
        }
        let (stats, health) = try await stats(withAttention: true)
        let sample = try await sample(from: stats)
        guard let health else { return (sample, await attentionReading()) }
        return (sample, .success(AttentionReading(servers: [health], missing: [])))
    }

    /// The attention reading on its own round trip.
    private func attentionReading() async -> Result<AttentionReading, any Error> {
        do {
            let reading = try await readHealth(.attention)
            return .success(AttentionReading(servers: reading.servers, missing: reading.missing))
        } catch {
            return .failure(error)
        }
    }
}
