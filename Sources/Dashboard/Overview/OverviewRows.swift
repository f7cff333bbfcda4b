import CacheMonitor

/// The overview's table for a state: the backends the filter and the problems toggle leave, sorted, in
/// groups when grouped, each followed by its servers when expanded — what is drawn, what the cursor moves
/// over and what a click picks, made by one function.
struct OverviewRows {
    /// The snapshot's backends, which the lines name by place.
    let backends: [BackendSnapshot]
    /// Every line, in order.
    let lines: [OverviewLine]
    /// The places of the backends shown (each once, sorted).
    let shownIndices: [Int]
    /// The line the cursor is on, if it is on one.
    let selected: Int?

    init(_ state: AppState) {
        let backends = state.snapshot.backends
        let options = state.overview.options
        let terms = BackendProblems.terms(options.filter)
        let kept = backends.indices.filter { index in
            BackendProblems.matches(backends[index], terms: terms)
                && (!options.problemsOnly || BackendProblems.has(backends[index], thresholds: state.thresholds))
        }
        let shown = OverviewSorting.sorted(kept, of: backends, by: options)
        var lines: [OverviewLine] = []
        lines.reserveCapacity(shown.count)
        func addBackend(_ index: Int, group: OverviewGroupKey?) {
            // Read in place: a copy of each backend's snapshot per frame costs more than the row.
            let id = backends[index].id
            lines.append(.backend(index, id: id, group: group))
            guard state.expandedBackends.contains(id) else { return }
            if backends[index].hasServerRows, let servers = backends[index].sample?.servers {
                for server in servers { lines.append(.server(server, of: index)) }
            }
            // A Sentinel-managed master: its replicas and sentinels under it.
            for member in backends[index].sample?.topology ?? [] { lines.append(.topology(member, of: index)) }
        }
        if options.grouping == .none {
            for index in shown { addBackend(index, group: nil) }
        } else {
            var members: [OverviewGroupKey: [Int]] = [:]
            for index in shown {
                for key in OverviewGroupKey.keys(of: backends[index], grouping: options.grouping) { members[key, default: []].append(index) }
            }
            let groups = members.map { key, indices in
                OverviewGroup(key: key, members: indices, of: backends, collapsed: state.overview.collapsed.contains(key))
            }
            for group in OverviewSorting.sorted(groups, by: options) {
                lines.append(.group(group))
                guard !group.collapsed else { continue }
                for index in group.members { addBackend(index, group: group.key) }
            }
        }
        self.backends = backends
        self.lines = lines
        shownIndices = shown
        selected = Self.find(state, in: lines)
    }

    /// The line of the cursor: the group row it is on, else the selected backend's row under the cursor's
    /// group, else its first row anywhere.
    private static func find(_ state: AppState, in lines: [OverviewLine]) -> Int? {
        if let group = state.overview.groupRow {
            return lines.firstIndex { $0.cursor == .group(group) }
        }
        guard let id = state.selectedBackend else { return nil }
        let wanted = state.overview.backendGroup
        var anywhere: Int?
        for (position, line) in lines.enumerated() {
            guard case .backend(_, let lineID, let group) = line, lineID == id else { continue }
            if group == wanted { return position }
            if anywhere == nil { anywhere = position }
        }
        return anywhere
    }

    /// The backends shown (each once, sorted).
    var shown: [BackendSnapshot] { shownIndices.map { backends[$0] } }

    /// The lines the cursor stops on (groups and backends, not the servers under them), as indices.
    var stops: [Int] { lines.indices.filter { lines[$0].cursor != nil } }

    /// The totals of the backends shown.
    var totals: FleetTotals {
        var totals = FleetTotals()
        for index in shownIndices { totals.add(backends[index]) }
        return totals
    }

    /// The name a line's backend has (none for a group).
    func name(of line: OverviewLine) -> String? {
        if case .backend(let index, _, _) = line { return backends[index].name }
        return nil
    }
}
