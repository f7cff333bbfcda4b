import CacheMonitor

/// What the overview's keys do to many rows: sort (`s`, `S`), filter as you type (`/`), problems only
/// (`!`), group view (`v`), fold a group (`e`, Enter), jump to a backend by name (`g`), move and scroll.
enum OverviewActions {
    static func cycleSort(_ state: inout AppState) -> [DashboardEffect] {
        state.overview.options.sort = state.overview.options.sort.next
        state.overview.options.reversed = false
        state.overview.scroll = 0
        return remember(sortNote(state), &state)
    }

    static func reverseSort(_ state: inout AppState) -> [DashboardEffect] {
        state.overview.options.reversed.toggle()
        state.overview.scroll = 0
        return remember(sortNote(state), &state)
    }

    static func cycleGrouping(_ state: inout AppState) -> [DashboardEffect] {
        state.overview.options.grouping = state.overview.options.grouping.next
        state.overview.scroll = 0
        state.overview.groupRow = nil
        state.overview.backendGroup = nil
        let note =
            switch state.overview.options.grouping {
            case .none: "one list of backends"
            case .tag: "grouped by tag (a backend with several tags is under each); e or Enter folds a group"
            case .type: "grouped by type; e or Enter folds a group"
            }
        return remember(note, &state)
    }

    static func toggleProblems(_ state: inout AppState) {
        state.overview.options.problemsOnly.toggle()
        state.overview.scroll = 0
        Actions.note(
            state.overview.options.problemsOnly
                ? "problems only: down, attention, evicting, hit ratio under \(Int(state.thresholds.hitRatioWarning * 100))% (! shows all)"
                : "every backend shown", &state)
    }

    /// Esc on the overview: the filter and the problems toggle off.
    static func clearNarrowing(_ state: inout AppState) {
        guard state.overview.options.narrows else { return }
        state.overview.options.filter = ""
        state.overview.options.problemsOnly = false
        Actions.note("filter cleared: every backend shown", &state)
    }

    static func openFilter(_ state: inout AppState) {
        state.input = InputLine(purpose: .backendFilter, text: state.overview.options.filter)
    }

    static func openJump(_ state: inout AppState) {
        state.input = InputLine(purpose: .jump(from: cursor(state)))
    }

    /// The filter as typed so far.
    static func narrow(to text: String, _ state: inout AppState) {
        state.overview.options.filter = text
        state.overview.scroll = 0
    }

    /// The cursor to the first backend shown whose name starts with `text` (else contains it); whether one did.
    @discardableResult
    static func jump(to text: String, _ state: inout AppState) -> Bool {
        let wanted = text.lowercased()
        guard !wanted.isEmpty else { return true }
        let rows = OverviewRows(state)
        let names = rows.lines.enumerated().compactMap { index, line -> (index: Int, name: String)? in
            rows.name(of: line).map { (index, $0.lowercased()) }
        }
        guard let hit = names.first(where: { $0.name.hasPrefix(wanted) }) ?? names.first(where: { $0.name.contains(wanted) }),
            let cursor = rows.lines[hit.index].cursor
        else { return false }
        place(cursor, &state)
        return true
    }

    /// A group row: fold or unfold it; whether the cursor was on one.
    static func toggleGroup(_ state: inout AppState) -> Bool {
        guard let key = state.overview.groupRow else { return false }
        if state.overview.collapsed.remove(key) == nil { state.overview.collapsed.insert(key) }
        return true
    }

    static func move(_ action: DashboardAction, _ state: inout AppState) {
        let rows = OverviewRows(state)
        let stops = rows.stops
        guard !stops.isEmpty else { return }
        let current = rows.selected.flatMap { line in stops.lastIndex { $0 <= line } } ?? 0
        let page = max(1, visibleRows(state) - 1)
        let target = Actions.step(current, action, count: stops.count, page: page)
        if let cursor = rows.lines[stops[target]].cursor { place(cursor, &state) }
    }

    /// Tab and Shift-Tab: the next or previous backend shown, round the end.
    static func stepBackend(by offset: Int, _ state: inout AppState) {
        let rows = OverviewRows(state)
        let backends = rows.lines.indices.filter {
            if case .backend = rows.lines[$0] { return true }
            return false
        }
        guard !backends.isEmpty else { return }
        let current = rows.selected.flatMap { line in backends.lastIndex { $0 <= line } }
        let next = current.map { (($0 + offset) % backends.count + backends.count) % backends.count } ?? 0
        if let cursor = rows.lines[backends[next]].cursor { place(cursor, &state) }
    }

    /// Puts the cursor on `cursor`'s row.
    static func place(_ cursor: OverviewCursor, _ state: inout AppState) {
        switch cursor {
        case .group(let key):
            state.overview.groupRow = key
        case .backend(let id, let group):
            state.overview.groupRow = nil
            state.overview.backendGroup = group
            state.selectedBackend = id
        }
    }

    /// Where the cursor is now.
    static func cursor(_ state: AppState) -> OverviewCursor? {
        if let group = state.overview.groupRow { return .group(group) }
        return state.selectedBackend.map { .backend($0, in: state.overview.backendGroup) }
    }

    /// After every event: the cursor on a row that is shown (the first one when its row went away — filtered
    /// out, its group folded), and the scroll keeping it in view.
    static func settle(_ state: inout AppState) {
        let rows = OverviewRows(state)
        if rows.selected == nil, let first = rows.stops.first, let cursor = rows.lines[first].cursor {
            place(cursor, &state)
            return settle(&state)
        }
        let rect = OverviewScreen.tableArea(state)
        state.overview.scroll = OverviewScreen.geometry(state, rect: rect, rowCount: rows.lines.count, selectedRow: rows.selected).first
    }

    /// The rows of the table that fit on screen.
    private static func visibleRows(_ state: AppState) -> Int {
        let rows = OverviewRows(state)
        return max(
            1, OverviewScreen.geometry(state, rect: OverviewScreen.tableArea(state), rowCount: rows.lines.count, selectedRow: rows.selected).table - 1
        )
    }

    private static func sortNote(_ state: AppState) -> String {
        let options = state.overview.options
        let descending = options.sort.descendsNaturally != options.reversed
        guard options.sort != .number else { return options.reversed ? "in the order given, reversed" : "in the order given" }
        let text: Bool = [.name, .type, .address].contains(options.sort)
        let order = text ? (descending ? "Z–A" : "A–Z") : (descending ? "largest first" : "smallest first")
        return "sorted by \(options.sort.label), \(order) (S reverses)"
    }

    /// Says what changed and asks the loop to keep the choice in the config's `[ui]`.
    private static func remember(_ note: String, _ state: inout AppState) -> [DashboardEffect] {
        Actions.note(note, &state)
        return [.rememberOverview(state.overview.options.remembered)]
    }
}
