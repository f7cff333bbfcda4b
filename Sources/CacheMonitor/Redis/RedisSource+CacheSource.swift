import ConnectionSupport
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

    /// `SCAN` pages (never `KEYS`), each page's keys detailed with pipelined `TYPE`, `PTTL` and `MEMORY USAGE`.
    public func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        var seen = KeyDigestSet()
        var cursor: UInt64 = 0
        var delivered = 0
        repeat {
            let page = try await scanPage(cursor: cursor, match: filter.redisPattern)
            cursor = page.cursor
            let fresh = page.keys.filter { filter.accepts($0) && seen.insert($0) }
            guard !fresh.isEmpty else { continue }
            if delivered >= limit { return true }
            let wanted = Array(fresh.prefix(limit - delivered))
            let details = try await details(of: wanted)
            let now = MonotonicSeconds.now
            delivered += details.count
            let batch = details.map { BrowsedKey(key: $0.key, type: $0.type, ttlMilliseconds: $0.ttlMilliseconds, size: $0.size, readAt: now) }
            guard try await body(batch) else { return false }
            if fresh.count > wanted.count { return true }
        } while cursor != 0
        return false
    }

    public func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? RedisError)?.code == .authenticationFailed
    }
}
