import CacheMonitor

/// The overview's table for a state: the backends the filter and the problems toggle leave, sorted, in
/// groups when grouped, each followed by its servers when expanded — what is drawn, what the cursor moves
/// over and what a click picks, made by one function.
struct OverviewRows {
    /// Every line, in order.
    let lines: [OverviewLine]
    /// The backends shown (each once, sorted).
    let shown: [BackendSnapshot]
    /// How many backends there are in all.
    let total: Int
    /// The line the cursor is on, if it is on one.
    let selected: Int?

    init(_ state: AppState) {
        let options = state.overview.options
        let terms = BackendProblems.terms(options.filter)
        let kept = state.snapshot.backends.filter { backend in
            BackendProblems.matches(backend, terms: terms)
                && (!options.problemsOnly || BackendProblems.has(backend, thresholds: state.thresholds))
        }
        let shown = OverviewSorting.sorted(kept, by: options)
        var lines: [OverviewLine] = []
        func addBackend(_ backend: BackendSnapshot, group: OverviewGroupKey?) {
            lines.append(.backend(backend, group: group))
            guard state.expandedBackends.contains(backend.id) else { return }
            if backend.hasServerRows, let servers = backend.sample?.servers {
                for server in servers { lines.append(.server(server, of: backend)) }
            }
            // A Sentinel-managed master: its replicas and sentinels under it.
            for member in backend.sample?.topology ?? [] { lines.append(.topology(member, of: backend)) }
        }
        if options.grouping == .none {
            for backend in shown { addBackend(backend, group: nil) }
        } else {
            var members: [OverviewGroupKey: [BackendSnapshot]] = [:]
            for backend in shown {
                for key in OverviewGroupKey.keys(of: backend, grouping: options.grouping) { members[key, default: []].append(backend) }
            }
            let groups = members.map { OverviewGroup(key: $0.key, members: $0.value, collapsed: state.overview.collapsed.contains($0.key)) }
            for group in OverviewSorting.sorted(groups, by: options) {
                lines.append(.group(group))
                guard !group.collapsed else { continue }
                for backend in group.members { addBackend(backend, group: group.key) }
            }
        }
        self.lines = lines
        self.shown = shown
        total = state.snapshot.backends.count
        selected = Self.find(state, in: lines)
    }

    /// The line of the cursor: the group row it is on, else the selected backend's row under the cursor's
    /// group, else its first row anywhere.
    private static func find(_ state: AppState, in lines: [OverviewLine]) -> Int? {
        if let group = state.overview.groupRow {
            return lines.firstIndex { $0.cursor == .group(group) }
        }
        guard let id = state.selectedBackend else { return nil }
        return lines.firstIndex { $0.cursor == .backend(id, in: state.overview.backendGroup) }
            ?? lines.firstIndex {
                if case .backend(let backend, _) = $0 { return backend.id == id }
                return false
            }
    }

    /// The lines the cursor stops on (groups and backends, not the servers under them), as indices.
    var stops: [Int] { lines.indices.filter { lines[$0].cursor != nil } }

    /// The totals of the backends shown.
    var totals: FleetTotals { FleetTotals(shown) }
}
