import CacheMonitor

/// What the keys do on the insights screen, and opening it.
enum InsightsActions {
    /// `i`: the insights of the selected backend (or of the one whose keys are open) — the last analysis
    /// when there is one (results stay until re-sampled), else a new one; in a replay, the analysis the
    /// recording kept at the cursor.
    static func open(_ state: inout AppState) -> [DashboardEffect] {
        guard let backend = state.focusedBackend else { return [] }
        state.screen = .insights
        state.insightsBackend = backend.id
        if state.insightsByBackend[backend.id] != nil, state.replay == nil { return [] }
        state.insights = InsightsState(backend: backend)
        return start(&state)
    }

    /// Starts an analysis of the backend shown (the last results stay on screen until it ends); in a replay,
    /// reads the one the recording kept at the cursor instead.
    static func start(_ state: inout AppState) -> [DashboardEffect] {
        guard var insights = state.insights else { return [] }
        if state.replay != nil { return [.replayInsights(insights.backend)] }
        guard !insights.isRunning else { return [] }
        insights.progress = KeyspaceProgress(sampled: 0, target: nil)
        state.insights = insights
        return [.analyzeKeyspace(insights.backend)]
    }

    static func move(_ action: DashboardAction, _ state: inout AppState) {
        guard var insights = state.insights else { return }
        let rows = Layout.insightsRows(height: state.height)
        insights.selection = Actions.step(insights.selection, action, count: insights.rowCount, page: max(1, rows - 1))
        insights.clampSelection(visibleRows: rows)
        state.insights = insights
    }

    /// Enter: into the selected group, when it has groups of its own.
    static func open(group state: inout AppState) {
        guard var insights = state.insights, let group = insights.selectedGroup else { return }
        guard group.hasChildren else {
            Actions.note("\(group.name(keyText: state.keyText)) has no smaller groups", &state)
            return
        }
        insights.path.append(group.prefix)
        insights.selection = 0
        insights.scroll = 0
        state.insights = insights
    }

    /// Esc: stop a running analysis, else up one group, else back to the overview.
    static func back(_ state: inout AppState) -> [DashboardEffect] {
        guard var insights = state.insights else {
            state.screen = .overview
            return []
        }
        if insights.isSampling {
            Actions.note("stopping the traffic sample (what was counted is kept)", &state)
            return [.stopTraffic(insights.backend.id)]
        }
        if insights.isRunning {
            Actions.note("stopping the analysis (what was read is kept)", &state)
            return [.stopAnalysis(insights.backend.id)]
        }
        if insights.view != .prefixes {
            insights.view = .prefixes
        } else if let left = insights.path.popLast() {
            insights.selection = insights.level.firstIndex { $0.prefix == left } ?? 0
        } else {
            state.screen = .overview
        }
        insights.clampSelection(visibleRows: Layout.insightsRows(height: state.height))
        state.insights = insights
        return []
    }

    static func sort(_ state: inout AppState) {
        guard var insights = state.insights else { return }
        insights.sort = insights.sort.next
        insights.selection = 0
        insights.scroll = 0
        state.insights = insights
        Actions.note("sorted by \(insights.sort.rawValue)", &state)
    }

    /// `b`: the biggest keys, or back to the groups.
    static func toggleBigKeys(_ state: inout AppState) {
        guard var insights = state.insights else { return }
        insights.view = insights.view == .prefixes ? .bigKeys : .prefixes
        insights.selection = 0
        insights.scroll = 0
        state.insights = insights
    }

    /// A running analysis reports (also while another screen is shown).
    static func progress(_ backend: BackendID, _ progress: KeyspaceProgress, _ state: inout AppState) {
        guard var insights = state.insightsByBackend[backend], insights.isRunning else { return }
        insights.progress = progress
        state.insightsByBackend[backend] = insights
    }

    /// A replay's recorded insights by the cursor: the keyspace analysis and the traffic sample shown as the
    /// results, each with when it was taken; with neither recorded by then, the screen says so (and how a
    /// recording gets them).
    static func replayed(_ backend: MonitoredBackend, _ replayed: ReplayedInsights, _ state: inout AppState) {
        var insights = state.insightsByBackend[backend.id] ?? InsightsState(backend: backend)
        insights.progress = nil
        insights.outcome = replayed.keyspace?.outcome
        insights.replayedAt = replayed.keyspace.map { ($0.takenAtText, $0.secondsBeforeCursor) }
        insights.traffic = replayed.traffic?.outcome
        insights.trafficReplayedAt = replayed.traffic.map { ($0.takenAtText, $0.secondsBeforeCursor) }
        insights.path = insights.path.filter { prefix in
            insights.outcome?.report?.group(prefix) != nil || insights.trafficReport?.group(prefix) != nil
        }
        insights.clampSelection(visibleRows: Layout.insightsRows(height: state.height))
        if replayed.keyspace == nil, replayed.traffic == nil {
            let instant = state.replay.map { " by \($0.instantText)" } ?? ""
            Actions.note(
                "no keyspace or traffic sample of \(backend.name) was recorded\(instant) (record takes them with --keyspace-every, "
                    + "15m by default, and --traffic-every)",
                role: .warning, &state)
        }
        state.insightsByBackend[backend.id] = insights
    }

    /// An analysis ended: its results replace the last ones (a failure keeps them and says why).
    static func finished(_ outcome: KeyspaceOutcome, _ state: inout AppState) {
        var insights = state.insightsByBackend[outcome.backend.id] ?? InsightsState(backend: outcome.backend)
        insights.progress = nil
        switch outcome.ending {
        case .failed(let reason):
            Actions.note("analysing \(outcome.backend.name) failed: \(reason)", role: .error, &state)
        case .refused:
            Actions.note(MonitorError.readOnly.description, role: .warning, &state)
        case .completed, .stopped:
            insights.outcome = outcome
            insights.finishedAt = state.now
            insights.changedSinceRead = false
            insights.path = insights.path.filter { prefix in outcome.report?.group(prefix) != nil }
            insights.clampSelection(visibleRows: Layout.insightsRows(height: state.height))
        }
        state.insightsByBackend[outcome.backend.id] = insights
    }
}
