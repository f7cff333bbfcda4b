import CacheMonitor

/// The overview's column to sort by (`s` cycles, `S` reverses), as the config's `[ui] sort` names it.
package enum OverviewSortColumn: String, Sendable, Hashable, CaseIterable {
    /// The order given (config file, then flags): the backends' numbers.
    case number
    case name, type, address, status, attention
    case hitRatio = "hit"
    case lifetime = "life"
    case hits, misses, ops, keys, memory, evictions, latency

    /// Whether the natural order is largest first: figures where more is what one looks for (ops/s,
    /// memory, evictions, latency, trouble), while names go A–Z and hit ratios worst (lowest) first.
    var descendsNaturally: Bool {
        switch self {
        case .number, .name, .type, .address, .hitRatio, .lifetime: false
        case .status, .attention, .hits, .misses, .ops, .keys, .memory, .evictions, .latency: true
        }
    }

    /// The column after this one in the `s` cycle.
    var next: OverviewSortColumn {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    /// How the status line names it.
    var label: String {
        switch self {
        case .number: "the order given"
        case .hitRatio: "hit%"
        case .lifetime: "life%"
        case .hits: "hits/s"
        case .misses: "miss/s"
        case .ops: "ops/s"
        case .evictions: "evict/s"
        case .attention: "attention (⚠)"
        default: rawValue
        }
    }
}

/// How the overview's rows are grouped (`v` cycles): one list, one group per tag, one group per type.
package enum OverviewGrouping: String, Sendable, Hashable, CaseIterable {
    case none, tag, type

    var next: OverviewGrouping {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }
}

/// What the overview shows of many backends: the sort column and direction, the grouping, the filter and
/// the problems-only toggle. The sort, its direction and the grouping are remembered in the config's `[ui]`.
package struct OverviewOptions: Sendable, Hashable {
    package var sort: OverviewSortColumn
    /// Against the column's natural order.
    package var reversed: Bool
    package var grouping: OverviewGrouping
    /// What `/` typed: words that must each be found in a backend's name, address, type, tags or status.
    package var filter = ""
    /// Only the backends with a problem (`!`): down, needing attention, evicting, hit ratio under the warning.
    package var problemsOnly = false

    package init(sort: OverviewSortColumn = .number, reversed: Bool = false, grouping: OverviewGrouping = .none) {
        self.sort = sort
        self.reversed = reversed
        self.grouping = grouping
    }

    /// Whether rows are left out (the header then says how many of how many are shown).
    var narrows: Bool { !filter.isEmpty || problemsOnly }

    /// The part the config's `[ui]` keeps.
    package var remembered: RememberedOverview { RememberedOverview(sort: sort, reversed: reversed, grouping: grouping) }
}

/// The overview's choices kept across runs in the config's `[ui]` table: `sort`, `sort_reverse`, `group`.
package struct RememberedOverview: Sendable, Hashable {
    package var sort: OverviewSortColumn
    package var reversed: Bool
    package var grouping: OverviewGrouping

    package init(sort: OverviewSortColumn, reversed: Bool, grouping: OverviewGrouping) {
        self.sort = sort
        self.reversed = reversed
        self.grouping = grouping
    }
}
