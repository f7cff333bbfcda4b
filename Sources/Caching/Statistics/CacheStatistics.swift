import Synchronization

/// The hit/miss counters of one ``Cache``: a total, and one ``CacheGroupCounters`` per route, memoized
/// function or named group. The dashboard reads them through ``snapshot()``.
public final class CacheStatistics: Sendable {
    /// Every lookup through the cache.
    public let total: CacheGroupCounters
    private let groups = Mutex<[GroupID: CacheGroupCounters]>([:])

    private struct GroupID: Hashable {
        var name: String
        var kind: CacheGroupCounters.Kind
    }

    init(cacheName: String) {
        total = CacheGroupCounters(name: cacheName, kind: .cache)
    }

    /// The counters of a group, created on first use.
    public func group(_ name: String, kind: CacheGroupCounters.Kind) -> CacheGroupCounters {
        groups.withLock { groups in
            let id = GroupID(name: name, kind: kind)
            if let existing = groups[id] { return existing }
            let created = CacheGroupCounters(name: name, kind: kind)
            groups[id] = created
            return created
        }
    }

    /// The total and every group's counts now, groups sorted by kind then name.
    public func snapshot() -> Snapshot {
        let all = groups.withLock { Array($0.values) }
        let sorted = all.map(\.snapshot).sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
        return Snapshot(total: total.snapshot, groups: sorted)
    }

    /// Counts of a cache at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// Every lookup through the cache.
        public var total: CacheGroupCounters.Snapshot
        /// One entry per group that was used.
        public var groups: [CacheGroupCounters.Snapshot]

        /// The counts of one group, if it was used.
        public func group(_ name: String, kind: CacheGroupCounters.Kind) -> CacheGroupCounters.Snapshot? {
            groups.first { $0.name == name && $0.kind == kind }
        }
    }
}
