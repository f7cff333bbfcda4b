import Basics

/// One memcached server's `stats`, with the fields the monitor reads by name.
package struct MemcachedServerStats: Sendable, Hashable {
    /// Every `STAT` line, by name.
    package var values: [String: String]
    /// How long the `stats` round trip took.
    package var latency: Duration

    package init(values: [String: String], latency: Duration) {
        self.values = values
        self.latency = latency
    }

    /// A numeric field, `nil` when the server does not report it.
    package func number(_ name: String) -> UInt64? { values[name].flatMap { UInt64($0) } }

    package var getHits: UInt64 { number("get_hits") ?? 0 }
    package var getMisses: UInt64 { number("get_misses") ?? 0 }
    /// Gets that found an expired item (1.4.26+).
    package var getExpired: UInt64 { number("get_expired") ?? 0 }
    /// Gets that found an item invalidated by `flush_all` (1.4.28+).
    package var getFlushed: UInt64 { number("get_flushed") ?? 0 }
    package var cmdGet: UInt64 { number("cmd_get") ?? 0 }
    package var cmdSet: UInt64 { number("cmd_set") ?? 0 }
    package var currItems: UInt64 { number("curr_items") ?? 0 }
    package var totalItems: UInt64 { number("total_items") ?? 0 }
    package var bytes: UInt64 { number("bytes") ?? 0 }
    package var limitMaxbytes: UInt64 { number("limit_maxbytes") ?? 0 }
    package var evictions: UInt64 { number("evictions") ?? 0 }
    /// Items stored in memory an expired item freed.
    package var reclaimed: UInt64 { number("reclaimed") ?? 0 }
    package var currConnections: UInt64 { number("curr_connections") ?? 0 }
    /// Seconds since the server started; a smaller value than last time means it restarted (counters reset).
    package var uptime: UInt64 { number("uptime") ?? 0 }
    /// The server's clock (unix seconds): item expiry times are on this clock, not ours.
    package var time: Int64? { values["time"].flatMap { Int64($0) } }
    package var version: String { values["version"] ?? "?" }

    /// The `stats` lines a sample reads (the accessors above, the operations counted, the attention rules'
    /// rejected connections): a fleet reads `stats` of every server every second, and the rest of its
    /// ninety lines is skipped unread.
    package static let sampleFields = FieldNames([
        "get_hits", "get_misses", "get_expired", "get_flushed", "cmd_get", "cmd_set", "cmd_touch", "curr_items", "total_items", "bytes",
        "limit_maxbytes", "evictions", "reclaimed", "curr_connections", "uptime", "time", "version", "delete_hits", "delete_misses",
        "incr_hits", "incr_misses", "decr_hits", "decr_misses", "rejected_connections", "rejected_conns",
    ])
}

/// One server of a memcached backend at one sample: its stats, or why it could not be read.
package struct MemcachedServerSample: Sendable, Hashable {
    /// `host:port`.
    package var address: String
    /// The stats, or the error's one-line message.
    package var result: Result<MemcachedServerStats, MonitorError>

    package init(address: String, result: Result<MemcachedServerStats, MonitorError>) {
        self.address = address
        self.result = result
    }

    /// The stats, when the server answered.
    package var stats: MemcachedServerStats? { try? result.get() }
}

/// A memcached backend (one server or a pool) at one sample: each server, and sums over those that answered.
package struct MemcachedStats: Sendable, Hashable {
    /// Every server, in the order given.
    package var servers: [MemcachedServerSample]
    /// The monitor's own lookups up to this sample (previews read values with `get`).
    package var ownReadHits: UInt64
    package var ownReadMisses: UInt64

    package init(servers: [MemcachedServerSample], ownReadHits: UInt64, ownReadMisses: UInt64) {
        self.servers = servers
        self.ownReadHits = ownReadHits
        self.ownReadMisses = ownReadMisses
    }

    /// Servers that answered.
    package var up: [MemcachedServerStats] { servers.compactMap(\.stats) }

    private func sum(_ field: (MemcachedServerStats) -> UInt64) -> UInt64 { up.reduce(0) { $0 + field($1) } }

    package var getHits: UInt64 { sum(\.getHits) }
    package var getMisses: UInt64 { sum(\.getMisses) }
    package var getExpired: UInt64 { sum(\.getExpired) }
    package var getFlushed: UInt64 { sum(\.getFlushed) }
    package var cmdGet: UInt64 { sum(\.cmdGet) }
    package var cmdSet: UInt64 { sum(\.cmdSet) }
    package var currItems: UInt64 { sum(\.currItems) }
    package var totalItems: UInt64 { sum(\.totalItems) }
    package var bytes: UInt64 { sum(\.bytes) }
    package var limitMaxbytes: UInt64 { sum(\.limitMaxbytes) }
    package var evictions: UInt64 { sum(\.evictions) }
    package var reclaimed: UInt64 { sum(\.reclaimed) }
    package var currConnections: UInt64 { sum(\.currConnections) }
    /// The smallest uptime: the server restarted most recently decides when counters last reset.
    package var uptime: UInt64 { up.map(\.uptime).min() ?? 0 }
    /// The slowest server's `stats` round trip.
    package var latency: Duration? { up.map(\.latency).max() }
    /// The servers' versions, distinct, in server order.
    package var versions: [String] { up.map(\.version).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }

    /// Hits not caused by the monitor.
    package var applicationHits: UInt64 { getHits >= ownReadHits ? getHits - ownReadHits : 0 }
    /// Misses not caused by the monitor.
    package var applicationMisses: UInt64 { getMisses >= ownReadMisses ? getMisses - ownReadMisses : 0 }
}
