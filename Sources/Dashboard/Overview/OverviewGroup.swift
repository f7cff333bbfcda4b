import CacheMonitor

/// Which group a row of the group view belongs to: a tag (a backend with three tags is in three groups),
/// the backends without tags, or a type.
package enum OverviewGroupKey: Sendable, Hashable, Comparable {
    case tag(BackendTag)
    case untagged
    case type(String)

    /// The group row's name.
    var title: String {
        switch self {
        case .tag(let tag): tag.name
        case .untagged: "(no tag)"
        case .type(let kind): kind
        }
    }

    package static func < (lhs: OverviewGroupKey, rhs: OverviewGroupKey) -> Bool {
        switch (lhs, rhs) {
        case (.tag(let a), .tag(let b)): a < b
        case (.type(let a), .type(let b)): a < b
        case (.tag, _), (.type, .untagged): true
        default: false
        }
    }

    /// The groups `backend` is in under `grouping` (none when not grouped).
    static func keys(of backend: BackendSnapshot, grouping: OverviewGrouping) -> [OverviewGroupKey] {
        switch grouping {
        case .none: []
        case .tag: backend.backend.tags.isEmpty ? [.untagged] : backend.backend.tags.map(OverviewGroupKey.tag)
        case .type: [.type(OverviewRow.kindText(backend.kind))]
        }
    }
}

/// A group's row: its members summed by the fleet's rules (``FleetTotals``), its worst status and what
/// needs attention on its members.
struct OverviewGroup: Sendable, Hashable {
    let key: OverviewGroupKey
    /// Its members' places in the snapshot's list, in the order shown.
    let members: [Int]
    let totals: FleetTotals
    /// The worst of its members' conditions.
    let worst: BackendCondition
    /// Keys over the members that are up.
    let keys: Int
    /// Memory used by the members up that have a limit, and those limits (the row's gauge).
    let limitedMemory: (used: UInt64, limit: UInt64)
    let collapsed: Bool

    init(key: OverviewGroupKey, members: [Int], of backends: [BackendSnapshot], collapsed: Bool) {
        self.key = key
        self.members = members
        var totals = FleetTotals()
        var worst = BackendCondition.up
        var keys = 0
        var limited: (used: UInt64, limit: UInt64) = (0, 0)
        for index in members {
            let backend = backends[index]
            totals.add(backend)
            worst = max(worst, BackendCondition(backend))
            guard backend.status == .up, let sample = backend.sample else { continue }
            keys += sample.keys
            if let limit = sample.maxMemoryBytes, limit > 0 {
                limited.used += sample.memoryBytes ?? 0
                limited.limit += limit
            }
        }
        self.totals = totals
        self.worst = worst
        self.keys = keys
        limitedMemory = limited
        self.collapsed = collapsed
    }

    static func == (lhs: OverviewGroup, rhs: OverviewGroup) -> Bool { lhs.key == rhs.key && lhs.members == rhs.members }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

/// How well a backend is, worst last: what the status column shows, what sorting by status orders by and
/// what a group row says of its worst member.
enum BackendCondition: Int, Sendable, Hashable, Comparable {
    case up, connecting, needsAttention, partlyDown, down

    init(_ backend: BackendSnapshot) {
        switch backend.status {
        case .down, .authFailed: self = .down
        case .connecting: self = .connecting
        case .up:
            if backend.sample?.servers.contains(where: { $0.countsInTotals && !$0.up }) == true {
                self = .partlyDown
            } else if !(backend.health?.attention.isEmpty ?? true) {
                self = .needsAttention
            } else {
                self = .up
            }
        }
    }

    static func < (lhs: BackendCondition, rhs: BackendCondition) -> Bool { lhs.rawValue < rhs.rawValue }
}
