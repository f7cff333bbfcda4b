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

    /// `SCAN` pages (never `KEYS`) — of every master, for a cluster —, each page's keys detailed with
    /// pipelined `TYPE`, `PTTL` and `MEMORY USAGE`.
    package func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        try await browseKeys(scanning: try await client.dataNodes(), matching: filter, limit: limit, body: body)
    }

    /// `TYPE`/`PTTL`/`MEMORY USAGE`, then `GETRANGE` (strings) or the first items (collections).
    package func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? {
        guard let fresh = try await details(of: [key.key]).first else { return nil }
        let listed = BrowsedKey(
            key: fresh.key, type: fresh.type, ttlMilliseconds: fresh.ttlMilliseconds, size: fresh.size, readAt: MonotonicSeconds.now)
        switch try await preview(of: key.key, type: fresh.type, maxBytes: maxBytes) {
        case .missing:
            return nil
        case .string(let prefix, let length):
            return KeyDetails(key: listed, encoding: "string", valueBytes: prefix, length: length, kindPrefix: kindPrefix)
        case .items(let items, let total):
            let lines = items.map { KeyEscaping.escape($0) } + (total > items.count ? ["… \(total - items.count) more"] : [])
            return KeyDetails(
                key: listed, encoding: "\(fresh.type), \(total) items", valueBytes: [], length: total, kindPrefix: kindPrefix, lines: lines)
        case .fields(let fields, let total):
            let lines =
                fields.map { KeyEscaping.escape($0.field) + " = " + KeyEscaping.escape($0.value) }
                + (total > fields.count ? ["… \(total - fields.count) more"] : [])
            return KeyDetails(key: listed, encoding: "hash, \(total) fields", valueBytes: [], length: total, kindPrefix: kindPrefix, lines: lines)
        case .unsupported(let type):
            return KeyDetails(
                key: listed, encoding: type, valueBytes: [], length: 0, kindPrefix: kindPrefix, lines: ["(\(type) values are not previewed)"])
        }
    }

    package func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? RedisError)?.code == .authenticationFailed
    }
}
