/// One memcached server's `stats`, with the fields the monitor reads by name.
public struct MemcachedServerStats: Sendable, Hashable {
    /// Every `STAT` line, by name.
    public var values: [String: String]
    /// How long the `stats` round trip took.
    public var latency: Duration

    public init(values: [String: String], latency: Duration) {
        self.values = values
        self.latency = latency
    }

    /// A numeric field, `nil` when the server does not report it.
    public func number(_ name: String) -> UInt64? { values[name].flatMap { UInt64($0) } }

    public var getHits: UInt64 { number("get_hits") ?? 0 }
    public var getMisses: UInt64 { number("get_misses") ?? 0 }
    /// Gets that found an expired item (1.4.26+).
    public var getExpired: UInt64 { number("get_expired") ?? 0 }
    /// Gets that found an item invalidated by `flush_all` (1.4.28+).
    public var getFlushed: UInt64 { number("get_flushed") ?? 0 }
    public var cmdGet: UInt64 { number("cmd_get") ?? 0 }
    public var cmdSet: UInt64 { number("cmd_set") ?? 0 }
    public var currItems: UInt64 { number("curr_items") ?? 0 }
    public var totalItems: UInt64 { number("total_items") ?? 0 }
    public var bytes: UInt64 { number("bytes") ?? 0 }
    public var limitMaxbytes: UInt64 { number("limit_maxbytes") ?? 0 }
    public var evictions: UInt64 { number("evictions") ?? 0 }
    /// Items stored in memory an expired item freed.
    public var reclaimed: UInt64 { number("reclaimed") ?? 0 }
    public var currConnections: UInt64 { number("curr_connections") ?? 0 }
    /// Seconds since the server started; a smaller value than last time means it restarted (counters reset).
    public var uptime: UInt64 { number("uptime") ?? 0 }
    /// The server's clock (unix seconds): item expiry times are on this clock, not ours.
    public var time: Int64? { values["time"].flatMap { Int64($0) } }
    public var version: String { values["version"] ?? "?" }
}

/// One server of a memcached backend at one sample: its stats, or why it could not be read.
public struct MemcachedServerSample: Sendable, Hashable {
    /// `host:port`.
    public var address: String
    /// The stats, or the error's one-line message.
    public var result: Result<MemcachedServerStats, MemcachedSampleError>

    public init(address: String, result: Result<MemcachedServerStats, MemcachedSampleError>) {
        self.address = address
        self.result = result
    }

    /// The stats, when the server answered.
    public var stats: MemcachedServerStats? { try? result.get() }
}

/// Why a server's stats could not be read (one line).
public struct MemcachedSampleError: Error, Sendable, Hashable {
    public var message: String
}

/// A memcached backend (one server or a pool) at one sample: each server, and sums over those that answered.
public struct MemcachedStats: Sendable, Hashable {
    /// Every server, in the order given.
    public var servers: [MemcachedServerSample]
    /// The monitor's own lookups up to this sample (previews read values with `get`).
    public var ownReadHits: UInt64
    public var ownReadMisses: UInt64

    public init(servers: [MemcachedServerSample], ownReadHits: UInt64, ownReadMisses: UInt64) {
        self.servers = servers
        self.ownReadHits = ownReadHits
        self.ownReadMisses = ownReadMisses
    }

    /// Servers that answered.
    public var up: [MemcachedServerStats] { servers.compactMap(\.stats) }

    private func sum(_ field: (MemcachedServerStats) -> UInt64) -> UInt64 { up.reduce(0) { $0 + field($1) } }

    public var getHits: UInt64 { sum(\.getHits) }
    public var getMisses: UInt64 { sum(\.getMisses) }
    public var getExpired: UInt64 { sum(\.getExpired) }
    public var getFlushed: UInt64 { sum(\.getFlushed) }
    public var cmdGet: UInt64 { sum(\.cmdGet) }
    public var cmdSet: UInt64 { sum(\.cmdSet) }
    public var currItems: UInt64 { sum(\.currItems) }
    public var totalItems: UInt64 { sum(\.totalItems) }
    public var bytes: UInt64 { sum(\.bytes) }
    public var limitMaxbytes: UInt64 { sum(\.limitMaxbytes) }
    public var evictions: UInt64 { sum(\.evictions) }
    public var reclaimed: UInt64 { sum(\.reclaimed) }
    public var currConnections: UInt64 { sum(\.currConnections) }
    /// The smallest uptime: the server restarted most recently decides when counters last reset.
    public var uptime: UInt64 { up.map(\.uptime).min() ?? 0 }
    /// The slowest server's `stats` round trip.
    public var latency: Duration? { up.map(\.latency).max() }
    /// The servers' versions, distinct, in server order.
    public var versions: [String] { up.map(\.version).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }

    /// Hits not caused by the monitor.
    public var applicationHits: UInt64 { getHits >= ownReadHits ? getHits - ownReadHits : 0 }
    /// Misses not caused by the monitor.
    public var applicationMisses: UInt64 { getMisses >= ownReadMisses ? getMisses - ownReadMisses : 0 }
}
