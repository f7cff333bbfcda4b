/// `z`: the backend panel's trends zoomed out to the last hour or day, read from a recording — and kept fresh
/// while zoomed (every 10 s live, at every move in a replay).
enum TrendActions {
    static func zoom(_ state: inout AppState) -> [DashboardEffect] {
        guard state.hasTrendArchive else {
            Actions.note("trends zoom out from a recording: run with --record FILE, or replay one", role: .warning, &state)
            return []
        }
        state.trendZoom = state.trendZoom.next
        state.zoomedTrends = nil
        Actions.note("trends: \(state.trendZoom.title)", &state)
        state.trendsAskedAt = -.infinity
        return refresh(&state)
    }

    /// Asks for the selected backend's zoomed trends when they are missing or stale.
    static func refresh(_ state: inout AppState) -> [DashboardEffect] {
        guard state.trendZoom != .live, state.hasTrendArchive, let selected = state.selectedSnapshot else { return [] }
        let instant = state.replay?.instant
        let stale = state.zoomedTrends?.backend != selected.id || state.now - state.trendsAskedAt >= 10 || instant != state.trendsAskedInstant
        guard stale else { return [] }
        state.trendsAskedAt = state.now
        state.trendsAskedInstant = instant
        return [
            .loadTrends(
                selected.backend, state.trendZoom, points: BackendPanel.graphWidth(panelWidth: state.width), endingAt: instant)
        ]
    }
}
