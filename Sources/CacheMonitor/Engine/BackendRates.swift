/// What happened between two samples of one backend: counts, per-second rates and the hit ratio of the
/// interval — the live figures, as opposed to the lifetime ratio of the counters themselves.
public struct BackendRates: Sendable, Hashable {
    /// Seconds between the samples.
    public var seconds: Double
    /// Application hits and misses within the interval (the monitor's own lookups left out).
    public var hits: UInt64
    public var misses: UInt64
    public var evictions: UInt64
    public var expired: UInt64
    /// Operations within the interval, when the backend counts them.
    public var operations: UInt64?
    /// Whether the counters went back (a restart, `CONFIG RESETSTAT`): the interval is then measured from
    /// zero and may undercount, but is never negative.
    public var countersReset: Bool

    public var hitsPerSecond: Double { perSecond(hits) }
    public var missesPerSecond: Double { perSecond(misses) }
    public var evictionsPerSecond: Double { perSecond(evictions) }
    public var expiredPerSecond: Double { perSecond(expired) }
    public var operationsPerSecond: Double? { operations.map(perSecond) }

    /// hits / (hits + misses) within the interval; `nil` when there was no read at all ("no data", not 0%).
    public var hitRatio: Double? { BackendRates.ratio(hits, misses) }

    private func perSecond(_ count: UInt64) -> Double { seconds > 0 ? Double(count) / seconds : 0 }

    /// hits / (hits + misses), `nil` for no reads.
    public static func ratio(_ hits: UInt64, _ misses: UInt64) -> Double? {
        let total = Double(hits) + Double(misses)
        return total > 0 ? Double(hits) / total : nil
    }

    /// The interval from `previous` to `current`, `seconds` apart. When the server restarted (its uptime
    /// went down) or any counter went back, each counter counts from zero instead of going negative.
    public init(from previous: SourceSample, to current: SourceSample, seconds: Double) {
        let restarted = {
            guard let before = previous.uptimeSeconds, let now = current.uptimeSeconds else { return false }
            return now < before
        }()
        var reset = restarted
        func delta(_ before: UInt64, _ now: UInt64) -> UInt64 {
            if restarted { return now }
            if now < before {
                reset = true
                return now
            }
            return now - before
        }
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
        countersReset = reset
    }
}
