import CacheMonitor

/// Results of the loop's work arriving: keys, details, counts, job progress and results. Results for a
/// screen the operator has left are dropped.
enum DataEvents {
    static func apply(_ event: DashboardEvent, _ state: inout AppState) -> [DashboardEffect] {
        switch event {
        case .keysLoaded(let backend, let filter, let window):
            guard var browser = state.keyBrowser, browser.backend.id == backend, browser.filter == filter else { return [] }
            browser.window = window
            browser.loadError = nil
            let typing = state.input.flatMap { $0.purpose == .filter ? try? InputEditing.parseFilter($0.text) : nil }
            browser.rebuild(at: state.now, narrowing: typing)
            browser.clampSelection(visibleRows: Layout.keyRows(height: state.height))
            state.keyBrowser = browser
        case .keysFailed(let backend, let error):
            guard state.keyBrowser?.backend.id == backend else { return [] }
            state.keyBrowser?.loadError = error
        case .detailsLoaded(let key, let details):
            guard state.screen == .details, state.detailsKey?.key == key.key else { return [] }
            state.details = details
            state.detailsError = details == nil ? "the key is gone (expired or deleted)" : nil
        case .detailsFailed(let key, let error):
            guard state.screen == .details, state.detailsKey?.key == key.key else { return [] }
            state.detailsError = error
        case .matchCount(let change, let count):
            guard state.dialog?.change == change else { return [] }
            state.dialog?.matchCount = count
        case .jobProgress(let progress, let elapsed):
            state.job?.progress = progress
            state.job?.elapsed = elapsed
        case .keyspaceProgress(let backend, let progress):
            InsightsActions.progress(backend, progress, &state)
        case .keyspaceAnalyzed(let outcome):
            InsightsActions.finished(outcome, &state)
        case .insightsReplayed(let backend, let replayed):
            InsightsActions.replayed(backend, replayed, &state)
        case .trafficPreflight(let backend, let preflight):
            return TrafficActions.preflight(backend, preflight, &state)
        case .trafficUnavailable(let backend, let reason):
            TrafficActions.unavailable(backend, reason, &state)
        case .trafficProgress(let backend, let progress):
            TrafficActions.progress(backend, progress, &state)
        case .trafficSampled(let outcome):
            TrafficActions.finished(outcome, &state)
        case .capabilitiesChecked(let backend, let report):
            CapabilitiesActions.checked(backend, report, &state)
        case .capabilitiesFailed(let backend, let error):
            CapabilitiesActions.failed(backend, error, &state)
        case .jobFinished(let outcome):
            state.job = nil
            state.message = StatusMessage(.change(outcome), role: MessageText.role(of: outcome), at: state.now)
            var changedKeys = outcome.totals.deleted > 0
            if case .setExpiry = outcome.change, outcome.ending == .completed { changedKeys = true }
            if let backend = outcome.backend, changedKeys {
                // The insights of that backend were read before: they stay, marked as older than the change.
                state.insightsByBackend[backend.id]?.changedSinceRead = true
            }
            return afterChange(outcome, &state)
        default:
            break
        }
        return []
    }

    /// After a change: forget the keys known gone at once, leave the details of a deleted key, and reload
    /// the browser so it matches the backend again (also after a stop or a failure: some keys may be gone).
    private static func afterChange(_ outcome: ChangeOutcome, _ state: inout AppState) -> [DashboardEffect] {
        guard var browser = state.keyBrowser, let backend = outcome.backend, backend == browser.backend, outcome.ending != .refused else { return [] }
        let gone = Set(outcome.goneKeys)
        if !gone.isEmpty { browser.remove(gone, at: state.now) }
        state.keyBrowser = browser
        if state.screen == .details, let key = state.detailsKey {
            if gone.contains(key.key) {
                state.screen = .keys
                state.detailsKey = nil
                state.details = nil
            } else if case .setExpiry = outcome.change {
                return [
                    .loadDetails(backend, key: BrowsedKey(key: key.key, type: key.type, ttlMilliseconds: nil, size: nil)),
                    .loadKeys(backend, filter: browser.filter),
                ]
            }
        }
        return [.loadKeys(backend, filter: browser.filter)]
    }
}
