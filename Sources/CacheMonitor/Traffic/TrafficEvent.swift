/// One thing a traffic sample saw happen to a key.
package enum TrafficEvent: Sendable, Hashable {
    /// A read; `hit` says whether the key was there, `nil` when the stream does not say (Redis `MONITOR`,
    /// whose misses arrive apart, as ``miss``).
    case read(hit: Bool?)
    /// A miss reported apart from its read (Redis key-miss events): counts a miss, not a read.
    case miss
    /// A write (set, delete, increment, expire…).
    case write
}

/// How a traffic sample learned what it shows — also the `method` of `cachescope traffic --json`.
package enum TrafficMethod: String, Sendable, Hashable, Codable {
    /// memcached `watch fetchers mutations`: every read with its hit or miss.
    case watch
    /// Redis `MONITOR` for reads and writes, key-miss events for misses.
    case monitorKeymiss = "monitor+keymiss"
    /// Redis `MONITOR`, and key-miss events that were on already (their setting could not be read, so it was
    /// left alone): misses as they arrived.
    case monitorKeymissExisting = "monitor+keymiss-existing"
    /// Redis `MONITOR` alone: reads and writes, hit ratio unknown.
    case monitor
    /// Redis `CLIENT TRACKING … BCAST PREFIX` on the prefixes a keyspace sample found: writes, expiries and
    /// evictions per prefix; no reads, so neither hit ratio nor read rates.
    case tracking
    /// The `Caching` library's own counters, in this process.
    case inProcess = "in-process"

    /// Whether misses (so hit ratios) are known.
    package var knowsMisses: Bool { self != .monitor && self != .tracking }
    /// Whether reads are seen (not by key tracking, which hears only of changes).
    package var knowsReads: Bool { self != .tracking }
}

/// Reads, misses and writes of one group (or key), counted.
struct TrafficCounts: Sendable, Hashable, PrefixCounts {
    var reads = 0
    var misses = 0
    var writes = 0

    var isEmpty: Bool { reads == 0 && misses == 0 && writes == 0 }
    var events: Int { reads + misses + writes }
    /// How busy the group was.
    var weight: Int { events }

    mutating func add(_ event: TrafficEvent) {
        switch event {
        case .read(let hit):
            reads += 1
            if hit == false { misses += 1 }
        case .miss: misses += 1
        case .write: writes += 1
        }
    }

    mutating func merge(_ other: TrafficCounts) {
        reads += other.reads
        misses += other.misses
        writes += other.writes
    }
}
