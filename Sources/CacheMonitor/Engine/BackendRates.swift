/// What happened between two samples of one backend: counts, per-second rates and the hit ratio of the
/// interval — the live figures, as opposed to the lifetime ratio of the counters themselves.
package struct BackendRates: Sendable, Hashable {
    /// Seconds between the samples.
    package var seconds: Double
    /// Application hits and misses within the interval (the monitor's own lookups left out).
    package var hits: UInt64
    package var misses: UInt64
    package var evictions: UInt64
    package var expired: UInt64
    /// Operations within the interval, when the backend counts them.
    package var operations: UInt64?
    /// Whether the counters went back (a restart, `CONFIG RESETSTAT`): the interval is then measured from
    /// zero and may undercount, but is never negative.
    package var countersReset: Bool
    /// Each server's (node's) own interval, by address, for pools and clusters.
    package var servers: [String: ServerRates] = [:]

    package var hitsPerSecond: Double { perSecond(hits) }
    package var missesPerSecond: Double { perSecond(misses) }
    package var evictionsPerSecond: Double { perSecond(evictions) }
    package var expiredPerSecond: Double { perSecond(expired) }
    package var operationsPerSecond: Double? { operations.map(perSecond) }

    /// hits / (hits + misses) within the interval; `nil` when there was no read at all ("no data", not 0%).
    package var hitRatio: Double? { BackendRates.ratio(hits, misses) }

    private func perSecond(_ count: UInt64) -> Double { seconds > 0 ? Double(count) / seconds : 0 }

    /// hits / (hits + misses), `nil` for no reads.
    package static func ratio(_ hits: UInt64, _ misses: UInt64) -> Double? {
        let total = Double(hits) + Double(misses)
        return total > 0 ? Double(hits) / total : nil
    }

    /// The interval from `previous` to `current`, `seconds` apart. When the server restarted (its uptime
    /// went down) or any counter went back, each counter counts from zero instead of going negative.
    ///
    /// A backend made of servers (a pool, a cluster) is measured server by server: its counts are the sums
    /// of the intervals of the servers that answered both times, so a server going down or coming back
    /// moves no rate (its whole counters would otherwise leave or join the totals at once).
    package init(from previous: SourceSample, to current: SourceSample, seconds: Double) {
        if !current.servers.isEmpty, !previous.servers.isEmpty {
            self.init(servers: previous, to: current, seconds: seconds)
        } else {
            self.init(totals: previous, to: current, seconds: seconds)
        }
    }

    private init(totals previous: SourceSample, to current: SourceSample, seconds: Double) {
        var counters = CounterDeltas(before: previous.uptimeSeconds, now: current.uptimeSeconds)
        func delta(_ before: UInt64, _ now: UInt64) -> UInt64 { counters.delta(before, now) }
        self.seconds = max(0, seconds)
        hits = delta(previous.applicationHits, current.applicationHits)
        misses = delta(previous.applicationMisses, current.applicationMisses)
        evictions = delta(previous.evictions, current.evictions)
        expired = delta(previous.expired, current.expired)
        if let before = previous.operations, let now = current.operations {
            operations = delta(before, now)
        } else {
            operations = nil
        }
        countersReset = counters.reset
    }

    private init(servers previous: SourceSample, to current: SourceSample, seconds: Double) {
        self.seconds = max(0, seconds)
        let before = Dictionary(previous.servers.filter(\.up).map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var reset = false
        var hits: UInt64 = 0
        var misses: UInt64 = 0
        var evictions: UInt64 = 0
        var expired: UInt64 = 0
        var operations: UInt64? = 0
        // The monitor's commands each server's own interval already leaves out.
        var nodeOwn: UInt64 = 0
        for server in current.servers where server.up {
            guard let earlier = before[server.address] else { continue }
            let interval = ServerRates(from: earlier, to: server, seconds: seconds)
            servers[server.address] = interval
            reset = reset || interval.countersReset
            guard server.countsInTotals else { continue }
            nodeOwn += server.ownCommands.subtractingClamped(earlier.ownCommands)
            hits += interval.hits
            misses += interval.misses
            evictions += interval.evictions
            expired += interval.expired
            operations = operations.flatMap { sum in interval.operations.map { sum + $0 } }
        }
        // The monitor's own lookups are known for the whole backend only: taken off the sums.
        func ownDelta(_ before: UInt64, _ now: UInt64) -> UInt64 { now >= before ? now - before : now }
        self.hits = hits - min(hits, ownDelta(previous.ownReadHits, current.ownReadHits))
        self.misses = misses - min(misses, ownDelta(previous.ownReadMisses, current.ownReadMisses))
        self.evictions = evictions
        self.expired = expired
        if current.operations == nil || previous.operations == nil {
            self.operations = nil
        } else if let operations {
            // The backend's operations leave all the monitor's commands out; the servers' intervals leave out
            // only those known per server, so the rest is taken off the sum.
            func counted(_ sample: SourceSample) -> UInt64 {
                sample.servers.filter { $0.up && $0.countsInTotals }.compactMap(\.operations).reduce(0, +)
            }
            let ownBefore = counted(previous).subtractingClamped(previous.operations ?? 0)
            let ownNow = counted(current).subtractingClamped(current.operations ?? 0)
            self.operations = operations.subtractingClamped(ownDelta(ownBefore, ownNow).subtractingClamped(nodeOwn))
        } else {
            let (before, now) = (previous.operations ?? 0, current.operations ?? 0)
            self.operations = now >= before ? now - before : now
        }
        countersReset = reset
    }
}

/// One server's (node's) interval between two samples.
package struct ServerRates: Sendable, Hashable {
    package var seconds: Double
    package var hits: UInt64
    package var misses: UInt64
    package var evictions: UInt64
    package var expired: UInt64
    package var operations: UInt64?
    package var countersReset: Bool

    package var hitsPerSecond: Double { seconds > 0 ? Double(hits) / seconds : 0 }
    package var missesPerSecond: Double { seconds > 0 ? Double(misses) / seconds : 0 }
    package var operationsPerSecond: Double? { operations.map { seconds > 0 ? Double($0) / seconds : 0 } }
    /// `nil` when there was no read.
    package var hitRatio: Double? { BackendRates.ratio(hits, misses) }

    package init(from previous: ServerReading, to current: ServerReading, seconds: Double) {
        var counters = CounterDeltas(before: previous.uptimeSeconds, now: current.uptimeSeconds)
        func delta(_ before: UInt64, _ now: UInt64) -> UInt64 { counters.delta(before, now) }
        self.seconds = max(0, seconds)
        hits = delta(previous.hits, current.hits)
        misses = delta(previous.misses, current.misses)
        evictions = delta(previous.evictions, current.evictions)
        expired = delta(previous.expired, current.expired)
        let own = current.ownCommands >= previous.ownCommands ? current.ownCommands - previous.ownCommands : 0
        operations = previous.operations.flatMap { before in current.operations.map { delta(before, $0) } }.map { $0 - min($0, own) }
        countersReset = counters.reset
    }
}

/// Differences of counters between two readings of one server, never negative: after a restart (its
/// uptime went down) every counter counts from zero, and a counter that went back (`CONFIG RESETSTAT`)
/// counts from zero too; ``reset`` says whether either happened.
struct CounterDeltas {
    private let restarted: Bool
    private(set) var reset: Bool

    init(before: UInt64?, now: UInt64?) {
        restarted = before.flatMap { before in now.map { $0 < before } } ?? false
        reset = restarted
    }

    mutating func delta(_ before: UInt64, _ now: UInt64) -> UInt64 {
        if restarted { return now }
        if now < before {
            reset = true
            return now
        }
        return now - before
    }
}

extension UInt64 {
    /// `self - other`, or 0 when `other` is larger.
    fileprivate func subtractingClamped(_ other: UInt64) -> UInt64 { self >= other ? self - other : 0 }
}
