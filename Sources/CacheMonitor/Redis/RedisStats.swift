import RESP

/// One sample of a Redis server's state: `INFO` plus a `PING` round trip.
package struct RedisStats: Sendable, Hashable {
    /// The parsed `INFO` reply (all fields).
    package var info: RedisInfo
    /// How long a `PING` took.
    package var latency: Duration
    /// The monitor's own lookups counted up to this sample (subtract them from the server's hits/misses).
    package var ownReadHits: UInt64
    package var ownReadMisses: UInt64
    /// Commands the monitor sent up to this sample (subtract them from `total_commands_processed`).
    package var ownCommands: UInt64 = 0

    package var keyspaceHits: UInt64 { info.keyspaceHits ?? 0 }
    package var keyspaceMisses: UInt64 { info.keyspaceMisses ?? 0 }
    /// Hits not caused by the monitor.
    package var applicationHits: UInt64 { keyspaceHits >= ownReadHits ? keyspaceHits - ownReadHits : 0 }
    /// Misses not caused by the monitor.
    package var applicationMisses: UInt64 { keyspaceMisses >= ownReadMisses ? keyspaceMisses - ownReadMisses : 0 }
    /// Keys in every database.
    package var keys: Int { info.keyspace.values.reduce(0) { $0 + $1.keys } }
    /// Keys with a TTL in every database.
    package var keysWithExpiry: Int { info.keyspace.values.reduce(0) { $0 + $1.expires } }
}
