import CacheMonitor

/// Orders backends (and the group view's groups) by the overview's sort column: numbers by value, text
/// A–Z, what has no value (a backend that is down has no rates) always last, ties in the order given.
enum OverviewSorting {
    enum Value: Comparable {
        case number(Double)
        case text(String)
    }

    /// The places `indices` of `backends`, in the sort's order.
    static func sorted(_ indices: [Int], of backends: [BackendSnapshot], by options: OverviewOptions) -> [Int] {
        order(indices, by: options, value: { value(of: backends[$0], options.sort) }, tie: { backends[$0].id.position })
    }

    static func sorted(_ groups: [OverviewGroup], by options: OverviewOptions) -> [OverviewGroup] {
        let keys = groups.map(\.key).sorted()
        return order(groups, by: options, value: { value(of: $0, options.sort) }, tie: { group in keys.firstIndex(of: group.key) ?? 0 })
    }

    private static func order<Item>(_ items: [Item], by options: OverviewOptions, value: (Item) -> Value?, tie: (Item) -> Int) -> [Item] {
        let descending = options.sort.descendsNaturally != options.reversed
        // Small keys are sorted, not the items (a backend's snapshot is large to move around).
        let keys = items.indices.map { (index: $0, value: value(items[$0]), tie: tie(items[$0])) }
        return keys.sorted { a, b in
            switch (a.value, b.value) {
            case (nil, nil): return a.tie < b.tie
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x == y { return a.tie < b.tie }
                return descending ? x > y : x < y
            }
        }.map { items[$0.index] }
    }

    static func value(of backend: BackendSnapshot, _ column: OverviewSortColumn) -> Value? {
        let up = backend.status == .up
        let rates = up ? backend.rates : nil
        switch column {
        case .number: return .number(Double(backend.id.position))
        case .name: return .text(backend.name.lowercased())
        case .type: return .text(OverviewRow.kindText(backend.kind))
        case .address: return .text(backend.address.lowercased())
        case .status: return .number(Double(BackendCondition(backend).rawValue))
        case .attention: return .number(Double(backend.health?.attention.count ?? 0))
        case .hitRatio: return rates?.hitRatio.map(Value.number)
        case .lifetime: return up ? backend.lifetimeHitRatio.map(Value.number) : nil
        case .hits: return rates.map { .number($0.hitsPerSecond) }
        case .misses: return rates.map { .number($0.missesPerSecond) }
        case .ops: return rates?.operationsPerSecond.map(Value.number)
        case .keys: return up ? backend.sample.map { .number(Double($0.keys)) } : nil
        case .memory: return up ? backend.sample?.memoryBytes.map { .number(Double($0)) } : nil
        case .evictions: return rates.map { .number($0.evictionsPerSecond) }
        case .latency: return up ? backend.sample?.latency.map { .number($0.inSeconds) } : nil
        }
    }

    static func value(of group: OverviewGroup, _ column: OverviewSortColumn) -> Value? {
        // The backends without a tag come after every tag, whatever the order.
        guard group.key != .untagged else { return nil }
        let totals = group.totals
        switch column {
        case .name, .type, .address: return .text(group.key.title.lowercased())
        case .number, .latency, .lifetime: return nil
        case .status: return .number(Double(group.worst.rawValue))
        case .attention: return .number(Double(totals.attention))
        case .hitRatio: return totals.hitRatio.map(Value.number)
        case .hits: return .number(totals.hitsPerSecond)
        case .misses: return .number(totals.missesPerSecond)
        case .ops: return totals.operationsPerSecond.map(Value.number)
        case .keys: return .number(Double(group.keys))
        case .memory: return .number(Double(totals.memoryBytes))
        case .evictions: return .number(totals.evictionsPerSecond)
        }
    }
}
