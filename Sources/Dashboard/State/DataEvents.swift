import CacheMonitor

/// Results of the loop's work arriving: keys, details, counts, job progress and results. Results for a
/// screen the operator has left are dropped.
enum DataEvents {
    static func apply(_ event: DashboardEvent, _ state: inout AppState) -> [DashboardEffect] {
        switch event {
        case .keysLoaded(let backend, let filter, let window):
            guard var browser = state.keyBrowser, browser.backend == backend, browser.filter == filter else { return [] }
            browser.window = window
            browser.loadError = nil
            let typing = state.input.flatMap { $0.purpose == .filter ? try? InputEditing.parseFilter($0.text) : nil }
            browser.rebuild(at: state.now, narrowing: typing)
            browser.clampSelection(visibleRows: Layout.keyRows(height: state.height))
            state.keyBrowser = browser
        case .keysFailed(let backend, let error):
            guard state.keyBrowser?.backend == backend else { return [] }
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
        case .jobFinished(let text, let deletedKeys, let failed):
            let change = state.job?.change
            state.job = nil
            state.message = StatusMessage(text, role: failed ? .error : .good, at: state.now)
            return afterChange(change, deletedKeys: deletedKeys, &state)
        default:
            break
        }
        return []
    }

    /// After a change: forget deleted keys at once, leave the details of a deleted key, and reload the
    /// browser so it matches the backend again.
    private static func afterChange(_ change: PendingChange?, deletedKeys: [[UInt8]], _ state: inout AppState) -> [DashboardEffect] {
        guard var browser = state.keyBrowser, let change, change.backend == browser.backend else { return [] }
        let deleted = Set(deletedKeys)
        if !deleted.isEmpty { browser.remove(deleted, at: state.now) }
        if state.screen == .details, let key = state.detailsKey?.key {
            if deleted.contains(key) {
                state.screen = .keys
                state.detailsKey = nil
                state.details = nil
            } else if case .setTTL = change {
                state.keyBrowser = browser
                return [.loadDetails(backend: browser.backend, key: BrowsedKey(key: key, type: state.detailsKey?.type ?? "", ttlMilliseconds: nil, size: nil)), .loadKeys(backend: browser.backend, filter: browser.filter)]
            }
        }
        state.keyBrowser = browser
        return [.loadKeys(backend: browser.backend, filter: browser.filter)]
    }
}
