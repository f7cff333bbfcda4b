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
    let members: [BackendSnapshot]
    let totals: FleetTotals
    /// The worst of its members' conditions.
    let worst: BackendCondition
    /// Keys over the members that are up.
    let keys: Int
    let collapsed: Bool

    init(key: OverviewGroupKey, members: [BackendSnapshot], collapsed: Bool) {
        self.key = key
        self.members = members
        totals = FleetTotals(members)
        worst = members.map(BackendCondition.init).max() ?? .up
        keys = members.filter { $0.status == .up }.reduce(0) { $0 + ($1.sample?.keys ?? 0) }
        self.collapsed = collapsed
    }
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
