import RESP

extension RedisSource: CacheSource {
    public var type: String { "redis" }

    /// `INFO` and a `PING`, as a ``SourceSample``; commands are counted without the monitor's own.
    public func sample() async throws -> SourceSample {
        let stats = try await stats()
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
        sample.version = info.version
        sample.clients = info.connectedClients.map { Int(clamping: $0) }
        return sample
    }

    public func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? RedisError)?.code == .authenticationFailed
    }
}
