import Basics

/// A figure that needs the operator's attention, in words: which rule fired, on which node, and why.
package struct Attention: Sendable, Hashable {
    /// The rules, by their ids (a contract: `snapshot --json` and `health --json` carry them).
    package enum Rule: String, Sendable, Hashable, CaseIterable {
        case fragmentation
        case replicaLink = "replica-link"
        case replicaLag = "replica-lag"
        case slowlog
        case rejectedConnections = "rejected-connections"
        case evictedUnfetched = "evicted-unfetched"
        case memory
        case persistence
        case noevictionFull = "noeviction-full"
        /// Forecasts from the last hour of readings (``Forecasts``).
        case memoryForecast = "memory-forecast"
        case evictionsSoon = "evictions-soon"
        case hitRatioDrop = "hit-ratio-drop"

        /// Whether the rule is a forecast from the readings (not from a health reading).
        package var isForecast: Bool { self == .memoryForecast || self == .evictionsSoon || self == .hitRatioDrop }
    }

    package var rule: Rule
    /// One line: what is wrong, with the figures.
    package var message: String
    /// The node or server it is about (`host:port`).
    package var node: String?
    /// For a forecast of a limit reached: when, with its band.
    package var eta: ForecastETA?

    package init(rule: Rule, message: String, node: String?, eta: ForecastETA? = nil) {
        self.rule = rule
        self.message = message
        self.node = node
        self.eta = eta
    }
}

/// Where the attention rules draw their lines (the config file's `[thresholds]`).
package struct AttentionThresholds: Sendable, Hashable {
    /// RSS over used memory above this, with more than ``fragmentationBytes`` wasted.
    package var fragmentationRatio: Double
    package var fragmentationBytes: Int64
    /// A replica this many seconds behind.
    package var replicaLagSeconds: Int64
    /// Used memory over maxmemory above this fraction.
    package var memoryWarning: Double
    /// `memory-forecast` fires when memory is forecast to reach its limit within this many seconds.
    package var memoryForecastSeconds: Double
    /// `evictions-soon` fires when a cache that has not evicted yet reaches its limit within this many seconds.
    package var evictionsSoonSeconds: Double
    /// `hit-ratio-drop` fires when the last minute's hit ratio is at least this far below its baseline (and
    /// three times the baseline's own minute-to-minute spread).
    package var hitRatioDrop: Double

    package init(
        fragmentationRatio: Double = 1.5, fragmentationBytes: Int64 = 100 << 20, replicaLagSeconds: Int64 = 10, memoryWarning: Double = 0.8,
        memoryForecastSeconds: Double = 6 * 3_600, evictionsSoonSeconds: Double = 3_600, hitRatioDrop: Double = 0.10
    ) {
        self.fragmentationRatio = fragmentationRatio
        self.fragmentationBytes = fragmentationBytes
        self.replicaLagSeconds = replicaLagSeconds
        self.memoryWarning = memoryWarning
        self.memoryForecastSeconds = memoryForecastSeconds
        self.evictionsSoonSeconds = evictionsSoonSeconds
        self.hitRatioDrop = hitRatioDrop
    }
}

/// Turns a server's health into words: each rule that fires gives one ``Attention``.
package enum AttentionRules {
    /// The rules that fire for `health`.
    /// - Parameters:
    ///   - newSlowEntries: slow-log entries that arrived since the last reading.
    ///   - newRejectedConnections: connections refused since the last reading (`rejected_connections`,
    ///     memcached `rejected_conns`).
    ///   - newEvictedUnfetched: items evicted without ever being read since the last reading (memcached).
    package static func evaluate(
        _ health: ServerHealth, thresholds: AttentionThresholds = AttentionThresholds(), newSlowEntries: Int = 0, newRejectedConnections: Int64 = 0,
        newEvictedUnfetched: Int64 = 0
    ) -> [Attention] {
        var found: [Attention] = []
        let node = health.address
        func add(_ rule: Attention.Rule, _ message: String) { found.append(Attention(rule: rule, message: message, node: node)) }
        if let memory = health.memory.value {
            if let ratio = memory.fragmentationRatio, let wasted = memory.fragmentationBytes, ratio > thresholds.fragmentationRatio,
                wasted > thresholds.fragmentationBytes
            {
                add(
                    .fragmentation,
                    "memory fragmented: RSS is \(HumanUnits.oneDecimal(ratio))× what is used, \(HumanUnits.size(Int(wasted))) wasted "
                        + "(activedefrag yes, or a restart, gives it back)")
            }
            if let limit = memory.maxmemoryBytes, limit > 0 {
                let used = Double(memory.usedBytes) / Double(limit)
                if memory.policy == "noeviction", memory.usedBytes >= limit {
                    add(.noevictionFull, "memory full under maxmemory-policy noeviction: writes are refused with OOM errors")
                } else if used > thresholds.memoryWarning {
                    add(
                        .memory,
                        "memory at \(Int((used * 100).rounded()))% of maxmemory (\(HumanUnits.size(Int(memory.usedBytes))) of "
                            + "\(HumanUnits.size(Int(limit))))")
                }
            }
        }
        if let replication = health.replication.value {
            if let master = replication.masterAddress, replication.linkUp == false {
                add(.replicaLink, "the link to master \(master) is down")
            }
            for replica in replication.replicas {
                if replica.state != "online" {
                    add(.replicaLink, "replica \(replica.address) is \(replica.state)")
                } else if let lag = replica.lagSeconds, lag > thresholds.replicaLagSeconds {
                    add(.replicaLag, "replica \(replica.address) is \(lag) s behind")
                }
            }
        }
        if let persistence = health.persistence.value, persistence.failed {
            let what = persistence.rdbLastStatus == "err" ? "the last RDB save failed" : "the last AOF write failed"
            add(.persistence, "\(what): writes may be refused (stop-writes-on-bgsave-error) — see the server's log")
        }
        if newSlowEntries > 0 {
            add(.slowlog, "\(newSlowEntries) new slow-log \(newSlowEntries == 1 ? "entry" : "entries")")
        }
        if newRejectedConnections > 0 {
            add(.rejectedConnections, "\(newRejectedConnections) connections rejected (maxclients reached)")
        }
        if newEvictedUnfetched > 0 {
            add(.evictedUnfetched, "\(newEvictedUnfetched) items evicted without ever being read: the cache is too small for what is stored")
        }
        return found
    }
}
