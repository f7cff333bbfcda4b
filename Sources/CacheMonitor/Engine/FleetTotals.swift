/// Figures summed over several backends — the whole fleet (the overview's totals line, `snapshot --json`'s
/// `totals`) or one group of the group view — by the same rules everywhere: rates add up over the backends
/// that are up, the hit ratio is the summed hits over the summed reads (weighted by reads, never an average
/// of ratios), memory adds up, and the limit adds up over the backends that have one.
package struct FleetTotals: Sendable, Hashable {
    /// How many backends, and how many of them are up, down (or refused the login) and not sampled yet.
    package var backends = 0
    package var up = 0
    package var down = 0
    package var connecting = 0
    /// Summed over the backends that are up and have two readings; `nil` when none counts operations.
    package var operationsPerSecond: Double?
    package var hitsPerSecond: Double = 0
    package var missesPerSecond: Double = 0
    package var evictionsPerSecond: Double = 0
    /// Memory used by the backends that are up and say it.
    package var memoryBytes: UInt64 = 0
    /// The memory limits of the backends that are up and have one (`maxmemory` > 0, memcached's `-m`);
    /// `nil` when none has.
    package var maxMemoryBytes: UInt64?
    /// What needs attention on their servers, counted over every backend.
    package var attention = 0

    package init() {}

    /// The totals of `backends`.
    package init<Backends: Sequence>(_ backends: Backends) where Backends.Element == BackendSnapshot {
        for backend in backends { add(backend) }
    }

    /// hits / (hits + misses) per second summed over the backends; `nil` when none served a read.
    package var hitRatio: Double? {
        let reads = hitsPerSecond + missesPerSecond
        return reads > 0 ? hitsPerSecond / reads : nil
    }

    /// Counts `backend` in.
    package mutating func add(_ backend: BackendSnapshot) {
        backends += 1
        switch backend.status {
        case .up: up += 1
        case .down, .authFailed: down += 1
        case .connecting: connecting += 1
        }
        attention += backend.health?.attention.count ?? 0
        guard backend.status == .up else { return }
        if let sample = backend.sample {
            memoryBytes += sample.memoryBytes ?? 0
            if let limit = sample.maxMemoryBytes, limit > 0 { maxMemoryBytes = (maxMemoryBytes ?? 0) + limit }
        }
        guard let rates = backend.rates else { return }
        hitsPerSecond += rates.hitsPerSecond
        missesPerSecond += rates.missesPerSecond
        evictionsPerSecond += rates.evictionsPerSecond
        if let operations = rates.operationsPerSecond { operationsPerSecond = (operationsPerSecond ?? 0) + operations }
    }
}
