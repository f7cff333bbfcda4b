/// One reading of a backend's counters and gauges, the same shape for every kind of backend. Counters are
/// the backend's own running totals (they only grow, until the server restarts or they are reset);
/// rates come from the difference between two samples (``BackendRates``).
package struct SourceSample: Sendable, Hashable {
    /// Reads that found a value, as the backend counts them (the monitor's own lookups included).
    package var totalHits: UInt64
    /// Reads that found nothing, as the backend counts them.
    package var totalMisses: UInt64
    /// The monitor's own lookups among those (`ownReads`): previews and key details.
    package var ownReadHits: UInt64 = 0
    package var ownReadMisses: UInt64 = 0
    /// Operations the backend served, when it counts them (Redis: commands; memcached: gets, sets, deletes,
    /// increments, touches), without the monitor's own.
    package var operations: UInt64?
    /// Live entries removed for room.
    package var evictions: UInt64 = 0
    /// Entries removed because their lifetime ended (Redis `expired_keys`; memcached `reclaimed`).
    package var expired: UInt64 = 0
    /// Entries held now.
    package var keys: Int = 0
    /// Memory used now, when known.
    package var memoryBytes: UInt64?
    /// The memory limit, when there is one.
    package var maxMemoryBytes: UInt64?
    /// Seconds since the server started (the youngest server of a pool); a smaller value than last time
    /// means a restart, so counters started again from zero.
    package var uptimeSeconds: UInt64?
    /// The round trip of the stats request.
    package var latency: Duration?
    /// Server version(s): the server's own (Valkey's `valkey_version`, not its compatibility `redis_version`).
    package var version: String?
    /// Which server software answers (`valkey` though it says `redis_version:7.2.4`); a cluster of both is
    /// Valkey's only when every node is.
    package var flavor: ServerFlavor?
    /// Connected clients.
    package var clients: Int?
    /// For a pool or a cluster: each server (node), with its own reading or why it failed.
    package var servers: [ServerReading] = []
    /// Where the backend is now when that moves (a Sentinel-managed master's `host:port`); `nil`: its
    /// configured address.
    package var address: String?
    /// Something the row should say about the backend (`failover 10.0.0.5:6379 → 10.0.0.6:6379`).
    package var note: String?
    /// A Sentinel-managed backend's master, replicas and sentinels (what `e` lists); empty otherwise.
    package var topology: [TopologyMember] = []

    package init(totalHits: UInt64, totalMisses: UInt64) {
        self.totalHits = totalHits
        self.totalMisses = totalMisses
    }

    /// Hits not caused by the monitor.
    package var applicationHits: UInt64 { totalHits >= ownReadHits ? totalHits - ownReadHits : 0 }
    /// Misses not caused by the monitor.
    package var applicationMisses: UInt64 { totalMisses >= ownReadMisses ? totalMisses - ownReadMisses : 0 }
}

/// One server of a pool, or one node of a cluster, at one sample.
package struct ServerReading: Sendable, Hashable {
    /// `host:port`.
    package var address: String
    /// Whether it answered.
    package var up: Bool
    /// Why not, when it did not.
    package var error: String?
    package var hits: UInt64 = 0
    package var misses: UInt64 = 0
    package var keys: Int = 0
    package var memoryBytes: UInt64 = 0
    package var maxMemoryBytes: UInt64 = 0
    package var evictions: UInt64 = 0
    package var expired: UInt64 = 0
    /// Operations it served (Redis: commands, the monitor's own included), when it counts them.
    package var operations: UInt64?
    /// Commands the monitor itself sent it so far (stats, slot map reads), left out of its ops/s.
    package var ownCommands: UInt64 = 0
    /// Seconds since it started (a smaller value than last time: it restarted).
    package var uptimeSeconds: UInt64?
    package var version: String?
    package var flavor: ServerFlavor?
    /// In a cluster: master or replica; `nil` for a pool's server.
    package var role: NodeRole?
    /// In a cluster: how many of the 16,384 slots the master serves (0 for a replica).
    package var slots: Int?
    /// In a cluster: online, suspected, failed, loading… as the cluster sees it, when it says.
    package var health: NodeHealth?
    /// The `host:port` of a replica's master.
    package var replicaOf: String?
    /// Whether its counters are part of the backend's totals: a pool's servers and a cluster's masters are;
    /// replicas are not (they hold copies of their master's keys and replay its writes).
    package var countsInTotals = true

    package init(address: String, up: Bool, error: String? = nil) {
        self.address = address
        self.up = up
        self.error = error
    }
}

/// One server around a Sentinel-managed master, as `e` lists it.
package struct TopologyMember: Sendable, Hashable {
    package enum Role: String, Sendable, Hashable {
        case master, replica, sentinel
    }

    package var role: Role
    package var address: String
    package var up: Bool
    /// What else to say (the sentinels' flags, the quorum).
    package var detail: String?

    package init(role: Role, address: String, up: Bool, detail: String? = nil) {
        self.role = role
        self.address = address
        self.up = up
        self.detail = detail
    }
}
