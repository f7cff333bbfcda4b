import Basics
import Memcache

extension MemcachedSource: CacheSource {
    package var kind: BackendKind { .memcached }
    package var tls: TLSState { TLSState(addresses.first?.access.tls) }

    /// `stats` on every server at once, summed; servers that fail are listed in `servers` with the reason.
    /// - Throws: ``Memcache/MemcachedError`` when no server answered.
    package func sample() async throws -> SourceSample {
        try sample(from: await stats())
    }

    /// The sample of the servers' stats.
    /// - Throws: ``Memcache/MemcachedError`` when no server answered.
    func sample(from stats: MemcachedStats) throws -> SourceSample {
        guard !stats.up.isEmpty else {
            let reasons = stats.servers.compactMap { server -> String? in
                guard case .failure(let error) = server.result else { return nil }
                return stats.servers.count > 1 ? "\(server.address): \(error.message)" : error.message
            }
            throw MemcachedError(.connectionFailed, reasons.joined(separator: "; "))
        }
        var sample = SourceSample(totalHits: stats.getHits, totalMisses: stats.getMisses)
        sample.ownReadHits = stats.ownReadHits
        sample.ownReadMisses = stats.ownReadMisses
        let operations = stats.up.reduce(UInt64(0)) { $0 &+ Self.operations(of: $1) }
        let ownGets = stats.ownReadHits &+ stats.ownReadMisses
        sample.operations = operations >= ownGets ? operations - ownGets : 0
        sample.evictions = stats.evictions
        sample.expired = stats.reclaimed
        sample.keys = Int(clamping: stats.currItems)
        sample.memoryBytes = stats.bytes
        sample.maxMemoryBytes = stats.limitMaxbytes > 0 ? stats.limitMaxbytes : nil
        sample.uptimeSeconds = stats.uptime
        sample.latency = stats.latency
        sample.version = stats.versions.joined(separator: ", ")
        sample.flavor = .memcached
        sample.clients = Int(clamping: stats.currConnections)
        if stats.servers.count > 1 {
            sample.servers = stats.servers.map { server in
                guard let reading = server.stats else {
                    guard case .failure(let error) = server.result else { return ServerReading(address: server.address, up: false) }
                    return ServerReading(address: server.address, up: false, error: error.message)
                }
                var entry = ServerReading(address: server.address, up: true)
                entry.hits = reading.getHits
                entry.misses = reading.getMisses
                entry.keys = Int(clamping: reading.currItems)
                entry.memoryBytes = reading.bytes
                entry.maxMemoryBytes = reading.limitMaxbytes
                entry.evictions = reading.evictions
                entry.expired = reading.reclaimed
                entry.operations = Self.operations(of: reading)
                entry.uptimeSeconds = reading.uptime
                entry.version = reading.version
                entry.flavor = .memcached
                return entry
            }
        }
        return sample
    }

    /// Gets, sets, touches, deletes, increments and decrements a server served.
    static func operations(of server: MemcachedServerStats) -> UInt64 {
        let counted = ["cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses", "incr_hits", "incr_misses", "decr_hits", "decr_misses"]
        return counted.reduce(0) { $0 &+ (server.number($1) ?? 0) }
    }
}
