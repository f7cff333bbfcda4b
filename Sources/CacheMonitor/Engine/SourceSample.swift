/// One reading of a backend's counters and gauges, the same shape for every kind of backend. Counters are
/// the backend's own running totals (they only grow, until the server restarts or they are reset);
/// rates come from the difference between two samples (``BackendRates``).
public struct SourceSample: Sendable, Hashable {
    /// Reads that found a value, as the backend counts them (the monitor's own lookups included).
    public var totalHits: UInt64
    /// Reads that found nothing, as the backend counts them.
    public var totalMisses: UInt64
    /// The monitor's own lookups among those (`ownReads`): previews and key details.
    public var ownReadHits: UInt64 = 0
    public var ownReadMisses: UInt64 = 0
    /// Operations the backend served, when it counts them (Redis: commands; memcached: gets, sets, deletes,
    /// increments, touches), without the monitor's own.
    public var operations: UInt64?
    /// Live entries removed for room.
    public var evictions: UInt64 = 0
    /// Entries removed because their lifetime ended (Redis `expired_keys`; memcached `reclaimed`).
    public var expired: UInt64 = 0
    /// Entries held now.
    public var keys: Int = 0
    /// Memory used now, when known.
    public var memoryBytes: UInt64?
    /// The memory limit, when there is one.
    public var maxMemoryBytes: UInt64?
    /// Seconds since the server started (the youngest server of a pool); a smaller value than last time
    /// means a restart, so counters started again from zero.
    public var uptimeSeconds: UInt64?
    /// The round trip of the stats request.
    public var latency: Duration?
    /// Server version(s).
    public var version: String?
    /// Connected clients.
    public var clients: Int?
    /// For a pool or a cluster: each server (node), with its own reading or why it failed.
    public var servers: [ServerReading] = []

    public init(totalHits: UInt64, totalMisses: UInt64) {
        self.totalHits = totalHits
        self.totalMisses = totalMisses
    }

    /// Hits not caused by the monitor.
    public var applicationHits: UInt64 { totalHits >= ownReadHits ? totalHits - ownReadHits : 0 }
    /// Misses not caused by the monitor.
    public var applicationMisses: UInt64 { totalMisses >= ownReadMisses ? totalMisses - ownReadMisses : 0 }
}

/// One server of a pool, or one node of a cluster, at one sample.
public struct ServerReading: Sendable, Hashable {
    /// `host:port`.
    public var address: String
    /// Whether it answered.
    public var up: Bool
    /// Why not, when it did not.
    public var error: String?
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    public var keys: Int = 0
    public var memoryBytes: UInt64 = 0
    public var maxMemoryBytes: UInt64 = 0
    public var evictions: UInt64 = 0
    public var expired: UInt64 = 0
    /// Operations it served (Redis: commands, the monitor's own included), when it counts them.
    public var operations: UInt64?
    /// Commands the monitor itself sent it so far (stats, slot map reads), left out of its ops/s.
    public var ownCommands: UInt64 = 0
    /// Seconds since it started (a smaller value than last time: it restarted).
    public var uptimeSeconds: UInt64?
    public var version: String?
    /// In a cluster: master or replica; `nil` for a pool's server.
    public var role: NodeRole?
    /// In a cluster: how many of the 16,384 slots the master serves (0 for a replica).
    public var slots: Int?
    /// In a cluster: online, suspected, failed, loading… as the cluster sees it, when it says.
    public var health: NodeHealth?
    /// The `host:port` of a replica's master.
    public var replicaOf: String?
    /// Whether its counters are part of the backend's totals: a pool's servers and a cluster's masters are;
    /// replicas are not (they hold copies of their master's keys and replay its writes).
    public var countsInTotals = true

    public init(address: String, up: Bool, error: String? = nil) {
        self.address = address
        self.up = up
        self.error = error
    }
}
