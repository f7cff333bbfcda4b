import CacheMonitor

/// A traffic sample that needs server settings changed first, waiting for the operator's answer: what
/// would change, and what the sample costs.
package struct TrafficConsent: Sendable, Hashable {
    package var backend: MonitoredBackend
    package var preflight: TrafficPreflight
}

/// What `w` does on the insights screen, and what a traffic sample's events do to the state.
enum TrafficActions {
    /// `w`: learn what a sample needs first (nothing changes yet).
    static func request(_ state: inout AppState) -> [DashboardEffect] {
        guard let insights = state.insights else { return [] }
        guard !insights.isSampling else {
            Actions.note("a traffic sample is already running (Esc stops it)", role: .warning, &state)
            return []
        }
        Actions.note("preparing a traffic sample of \(insights.backend.name)…", &state)
        return [.preflightTraffic(insights.backend)]
    }

    /// The preflight came back: start at once when nothing must change (or nothing may: `--read-only`),
    /// else ask.
    static func preflight(_ backend: MonitoredBackend, _ preflight: TrafficPreflight, _ state: inout AppState) -> [DashboardEffect] {
        if !preflight.changes.isEmpty, !state.readOnly {
            state.trafficConsent = TrafficConsent(backend: backend, preflight: preflight)
            return []
        }
        if !preflight.changes.isEmpty {
            Actions.note("--read-only: no setting changed, hit ratios unknown (MONITOR counts reads and writes)", role: .warning, &state)
        }
        return start(backend, mayChangeSettings: false, &state)
    }

    /// y (change the settings and sample) or m (sample without changing them).
    static func answer(changeSettings: Bool, _ state: inout AppState) -> [DashboardEffect] {
        guard let consent = state.trafficConsent else { return [] }
        state.trafficConsent = nil
        if !changeSettings { Actions.note("sampling without changing a setting: hit ratios unknown", &state) }
        return start(consent.backend, mayChangeSettings: changeSettings && !state.readOnly, &state)
    }

    private static func start(_ backend: MonitoredBackend, mayChangeSettings: Bool, _ state: inout AppState) -> [DashboardEffect] {
        var insights = state.insightsByBackend[backend.id] ?? InsightsState(backend: backend)
        insights.trafficProgress = TrafficProgress(elapsed: .zero, duration: TrafficOptions.defaultDuration, events: 0)
        state.insightsByBackend[backend.id] = insights
        return [.sampleTraffic(backend, mayChangeSettings: mayChangeSettings)]
    }

    static func unavailable(_ backend: BackendID, _ reason: String, _ state: inout AppState) {
        Actions.note("no traffic sample: \(reason)", role: .error, &state)
    }

    static func progress(_ backend: BackendID, _ progress: TrafficProgress, _ state: inout AppState) {
        guard var insights = state.insightsByBackend[backend], insights.isSampling else { return }
        insights.trafficProgress = progress
        state.insightsByBackend[backend] = insights
    }

    /// A sample ended: its figures replace the last ones (a failure keeps them and says why).
    static func finished(_ outcome: TrafficOutcome, _ state: inout AppState) {
        var insights = state.insightsByBackend[outcome.backend.id] ?? InsightsState(backend: outcome.backend)
        insights.trafficProgress = nil
        switch outcome.ending {
        case .failed(let reason):
            insights.trafficFailure = reason
            Actions.note("sampling \(outcome.backend.name)'s traffic failed: \(reason)", role: .error, &state)
        case .refused:
            Actions.note(MonitorError.readOnly.description, role: .warning, &state)
        case .completed, .stopped:
            insights.trafficFailure = nil
            insights.traffic = outcome
            insights.trafficFinishedAt = state.now
            if let lost = outcome.report?.settingsNotRestored.first { Actions.note(lost, role: .error, &state) }
            insights.clampSelection(visibleRows: Layout.insightsRows(height: state.height))
        }
        state.insightsByBackend[outcome.backend.id] = insights
    }

    /// Each second: the insights of a backend whose traffic costs nothing to read (an in-process cache's log)
    /// follow it live — read back every two seconds while they are shown.
    static func tick(_ state: inout AppState) -> [DashboardEffect] {
        guard state.screen == .insights, let insights = state.insights, insights.backend.traffic?.trafficCost == .free, !insights.isSampling,
            insights.trafficFailure == nil
        else { return [] }
        if let last = insights.trafficFinishedAt, state.now - last < 2 { return [] }
        return start(insights.backend, mayChangeSettings: false, &state)
    }

    /// `H`: the hottest keys, or back to the prefix groups.
    static func toggleHotKeys(_ state: inout AppState) {
        guard var insights = state.insights else { return }
        insights.view = insights.view == .hotKeys ? .prefixes : .hotKeys
        insights.selection = 0
        insights.scroll = 0
        state.insights = insights
        if insights.view == .hotKeys, insights.trafficReport == nil, !insights.isSampling {
            Actions.note("no traffic sample yet: w listens for 10 s", &state)
        }
    }
}
