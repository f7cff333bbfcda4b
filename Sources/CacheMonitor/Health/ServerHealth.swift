import RESP

/// One view of a node's health: its figures, or why the server would not give them (one line naming the
/// permission or setting that is missing), or nothing because the view is not this kind of server's.
package enum HealthView<Value: Sendable & Hashable>: Sendable, Hashable {
    case value(Value)
    case refused(String)
    case notApplicable

    /// The figures, when there are some.
    package var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// How much of a server's health to read.
package enum HealthScope: Sendable, Hashable {
    /// Every view (the health screen, `cachescope health`).
    case full
    /// Only what the attention rules need (the overview's periodic reading): no clients, commands, latency
    /// events or advice — the reading stays cheap on a server with thousands of clients.
    case attention
}

/// One server's health at one moment (a cluster's node, a pool's server): what was slow, which commands
/// cost what, who is connected, memory, replication and persistence (Redis); slab classes and settings
/// (memcached). Each view is read on its own, so a refused one never hides the others.
package struct ServerHealth: Sendable, Hashable {
    package var address: String
    package var slowLog: HealthView<[SlowLogEntry]> = .notApplicable
    /// Valkey ≥ 8.1's command log of large requests and large replies (`COMMANDLOG`); not applicable
    /// elsewhere.
    package var largeRequests: HealthView<[LargeCommandEntry]> = .notApplicable
    package var largeReplies: HealthView<[LargeCommandEntry]> = .notApplicable
    /// A cluster master's hottest slots (`CLUSTER SLOT-STATS`, Valkey ≥ 8.0, Redis ≥ 8.2); not applicable
    /// elsewhere.
    package var hotSlots: HealthView<[SlotStat]> = .notApplicable
    package var commands: HealthView<[CommandStat]> = .notApplicable
    /// `LATENCY LATEST`; refused with the way to turn it on when `latency-monitor-threshold` is 0.
    package var latencyEvents: HealthView<[LatencyEvent]> = .notApplicable
    package var clients: HealthView<[RedisClientInfo]> = .notApplicable
    package var memory: HealthView<MemoryHealth> = .notApplicable
    package var replication: HealthView<ReplicationHealth> = .notApplicable
    package var persistence: HealthView<PersistenceHealth> = .notApplicable
    package var slabs: HealthView<[SlabClass]> = .notApplicable
    /// memcached `stats settings`, in the server's order.
    package var settings: HealthView<[Setting]> = .notApplicable
    /// memcached `stats conns`: its client connections.
    package var connections: HealthView<[MemcachedConnectionInfo]> = .notApplicable
    /// Connections refused since the server started (`rejected_connections`, memcached `rejected_conns`).
    package var rejectedConnections: Int64?

    package init(address: String) {
        self.address = address
    }

    /// One `name value` pair of a server's settings.
    package struct Setting: Sendable, Hashable {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}

/// One latency event the server tracked (`LATENCY LATEST`): its latest and worst spike.
package struct LatencyEvent: Sendable, Hashable {
    package var event: String
    /// Unix seconds of the latest spike.
    package var time: Int64
    package var latestMilliseconds: Int64
    package var maxMilliseconds: Int64

    /// The events of a `LATENCY LATEST` reply.
    package static func parse(_ reply: RESPValue) -> [LatencyEvent] {
        (reply.array ?? []).compactMap { row in
            guard let fields = row.array, fields.count >= 4, let name = fields[0].string, let time = fields[1].integer,
                let latest = fields[2].integer, let most = fields[3].integer
            else { return nil }
            return LatencyEvent(event: name, time: time, latestMilliseconds: latest, maxMilliseconds: most)
        }
    }
}

/// Memory as Redis counts it (`INFO memory`, `MEMORY STATS`) and `MEMORY DOCTOR`'s advice.
package struct MemoryHealth: Sendable, Hashable {
    package var usedBytes: Int64
    package var rssBytes: Int64?
    package var fragmentationRatio: Double?
    /// RSS beyond what is used (`mem_fragmentation_bytes`).
    package var fragmentationBytes: Int64?
    package var peakBytes: Int64?
    package var maxmemoryBytes: Int64?
    package var policy: String?
    package var datasetBytes: Int64?
    package var overheadBytes: Int64?
    /// `MEMORY DOCTOR`'s text, when it was read.
    package var doctor: String?

    /// From `INFO memory` (fields of any `INFO` reply that holds the section).
    package init?(_ info: RedisInfo) {
        guard let used = info.integer("used_memory") else { return nil }
        usedBytes = used
        rssBytes = info.integer("used_memory_rss")
        fragmentationRatio = info.double("mem_fragmentation_ratio")
        fragmentationBytes = info.integer("mem_fragmentation_bytes")
        peakBytes = info.integer("used_memory_peak")
        maxmemoryBytes = info.maxMemory
        policy = info.maxMemoryPolicy
        datasetBytes = info.integer("used_memory_dataset")
        overheadBytes = info.integer("used_memory_overhead")
    }
}

/// A server's replication (`INFO replication`): its role, its master's link, its replicas and their lag.
package struct ReplicationHealth: Sendable, Hashable {
    package struct Replica: Sendable, Hashable {
        package var address: String
        package var state: String
        package var offset: Int64
        /// Seconds since the replica last acknowledged (`lag=`).
        package var lagSeconds: Int64?
    }

    /// `master` or `slave` (as the server says).
    package var role: String
    /// For a replica: its master and whether the link is up.
    package var masterAddress: String?
    package var linkUp: Bool?
    /// Seconds since the last interaction with the master, for a replica.
    package var masterLastIOSeconds: Int64?
    package var replicas: [Replica]
    package var masterOffset: Int64?

    package init?(_ info: RedisInfo) {
        guard let role = info.fields["role"] else { return nil }
        self.role = role
        if let host = info.fields["master_host"], let port = info.fields["master_port"] {
            masterAddress = "\(host):\(port)"
            linkUp = info.fields["master_link_status"].map { $0 == "up" }
            masterLastIOSeconds = info.integer("master_last_io_seconds_ago")
        }
        masterOffset = info.integer("master_repl_offset")
        var replicas: [Replica] = []
        let count = Int(info.integer("connected_slaves") ?? 0)
        for index in 0..<max(0, count) {
            // `slave0:ip=127.0.0.1,port=6380,state=online,offset=123,lag=0`
            guard let text = info.fields["slave\(index)"] else { continue }
            var fields: [String: String] = [:]
            for part in text.split(separator: ",") {
                guard let equals = part.firstIndex(of: "=") else { continue }
                fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
            }
            replicas.append(
                Replica(
                    address: "\(fields["ip"] ?? "?"):\(fields["port"] ?? "?")", state: fields["state"] ?? "?",
                    offset: fields["offset"].flatMap { Int64($0) } ?? 0, lagSeconds: fields["lag"].flatMap { Int64($0) }))
        }
        self.replicas = replicas
    }
}

/// A server's persistence (`INFO persistence`): the last RDB save and its status, AOF, the last fork.
package struct PersistenceHealth: Sendable, Hashable {
    package var rdbLastSaveTime: Int64?
    /// `ok` or `err`.
    package var rdbLastStatus: String?
    package var rdbChangesSinceLastSave: Int64?
    package var aofEnabled: Bool
    package var aofLastStatus: String?
    /// Microseconds the last fork took (`latest_fork_usec`, `INFO stats`).
    package var lastForkMicroseconds: Int64?

    package init?(_ info: RedisInfo) {
        guard info.fields["rdb_last_bgsave_status"] != nil || info.fields["aof_enabled"] != nil else { return nil }
        rdbLastSaveTime = info.integer("rdb_last_save_time")
        rdbLastStatus = info.fields["rdb_last_bgsave_status"]
        rdbChangesSinceLastSave = info.integer("rdb_changes_since_last_save")
        aofEnabled = info.integer("aof_enabled") == 1
        aofLastStatus = info.fields["aof_last_write_status"]
        lastForkMicroseconds = info.integer("latest_fork_usec")
    }

    /// Whether the last save or AOF write failed.
    package var failed: Bool { rdbLastStatus == "err" || (aofEnabled && aofLastStatus == "err") }
}
