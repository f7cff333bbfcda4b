import CacheMonitor

/// The dashboard's logic as one pure function: an event changes the state and names the work to do
/// (effects), which the loop runs and answers with more events. No I/O, no clock, no terminal — so every
/// key sequence can be tested.
package enum Reducer {
    /// Applies `event` to `state`.
    /// - Returns: the work to run, in order.
    package static func reduce(_ state: inout AppState, _ event: DashboardEvent) -> [DashboardEffect] {
        let effects = apply(event, &state)
        // The overview's cursor stays on a row that is shown, and in view.
        OverviewActions.settle(&state)
        return effects
    }

    private static func apply(_ event: DashboardEvent, _ state: inout AppState) -> [DashboardEffect] {
        switch event {
        case .key(let key):
            return handle(key, &state) + focus(&state)
        case .mouse(let event):
            return MouseActions.handle(event, &state) + focus(&state)
        case .tick(let now, let clock, let unixTime):
            state.now = now
            state.clockText = clock
            if unixTime > 0 { state.unixTime = unixTime }
            if let message = state.message, now - message.shownAt > 10 { state.message = nil }
            return TrafficActions.tick(&state)
        case .resize(let width, let height):
            state.width = max(0, width)
            state.height = max(0, height)
            state.keyBrowser?.clampSelection(visibleRows: Layout.keyRows(height: state.height))
            return []
        case .snapshot(let snapshot):
            state.latestSnapshot = snapshot
            if !state.frozen { state.snapshot = snapshot }
            if state.selectedBackend.map({ snapshot.backend($0) == nil }) ?? true { state.selectedBackend = snapshot.backends.first?.id }
            return TrendActions.refresh(&state)
        case .notice(let text, let role):
            state.message = StatusMessage(text, role: role, at: state.now)
            return []
        case .trendsLoaded(let trends, let zoom):
            guard zoom == state.trendZoom else { return [] }
            state.zoomedTrends = trends
            if trends == nil, let name = state.selectedSnapshot?.name {
                state.message = StatusMessage("the recording has no \(zoom.title) of \(name)", role: .warning, at: state.now)
            }
            return []
        case .replayMoved(let position):
            state.replay = position
            if let note = position.note { state.message = StatusMessage(note, role: .warning, at: state.now) }
            // The insights open follow the cursor: the analysis recorded by then.
            if state.screen == .insights, let insights = state.insights { return [.replayInsights(insights.backend)] }
            return []
        case .demoAction(let result):
            state.message = StatusMessage(.demo(result), role: MessageText.role(of: result), at: state.now)
            return []
        case .demoTraffic(let traffic):
            if !state.frozen { state.demoTraffic = traffic }
            return []
        default:
            return DataEvents.apply(event, &state)
        }
    }

    private static func handle(_ key: KeyPress, _ state: inout AppState) -> [DashboardEffect] {
        if key == .interrupt { return quit(&state) }
        if state.showHelp {
            let action = lookUp(key, in: state.context, state)
            if action == .quit { return quit(&state) }
            state.showHelp = false
            return []
        }
        if state.input != nil, lookUp(key, in: .input, state) == nil {
            InputEditing.edit(key, &state)
            return []
        }
        guard let binding = binding(for: key, in: state.context, state) else {
            explainMissing(key, &state)
            return []
        }
        if binding.requiresDemo, !state.hasDemo {
            Actions.note(
                "no demo here: '\(key.name)' (\(binding.description)) works while the demo runs (with no backend configured, or with --demo)", &state)
            return []
        }
        return Actions.perform(binding.action, key: key, &state)
    }

    static func lookUp(_ key: KeyPress, in context: KeyContext, _ state: AppState) -> DashboardAction? {
        binding(for: key, in: context, state)?.action
    }

    private static func binding(for key: KeyPress, in context: KeyContext, _ state: AppState) -> KeyBinding? {
        for name in key.tableNames {
            if let binding = KeyMap.binding(for: name, in: context, readOnly: state.readOnly) { return binding }
        }
        return nil
    }

    /// A key that does nothing here: in `--read-only`, say why a dangerous one is off.
    private static func explainMissing(_ key: KeyPress, _ state: inout AppState) {
        guard state.readOnly else { return }
        for name in key.tableNames {
            if let binding = KeyMap.all.first(where: { $0.isDangerous && $0.contexts.contains(state.context) && $0.keys.contains(name) }) {
                state.message = StatusMessage("read-only mode: '\(name)' (\(binding.description)) is switched off", role: .warning, at: state.now)
                return
            }
        }
    }

    /// The health the poller should read fully: the backend whose health screen is open.
    private static func focus(_ state: inout AppState) -> [DashboardEffect] {
        let wanted = state.screen == .health && !state.isQuitting ? state.health?.backend.id : nil
        guard wanted != state.healthFocus else { return [] }
        state.healthFocus = wanted
        return [.focusHealth(wanted)]
    }

    static func quit(_ state: inout AppState) -> [DashboardEffect] {
        state.isQuitting = true
        return [.quit]
    }
}
