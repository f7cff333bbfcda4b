import CacheMonitor

/// The destructive keys: each opens a confirmation dialog (or first an input line for what to type),
/// never changes anything by itself.
enum ChangeRequests {
    static func request(_ action: DashboardAction, _ state: inout AppState) -> [DashboardEffect] {
        switch action {
        case .clearDemoCache:
            return open(PendingChange(.clearDemoCache, on: nil), &state)
        case .typePrefix:
            guard let dialog = state.dialog, dialog.offersTypedPrefix, let backend = dialog.change.backend else { return [] }
            state.dialog = nil
            state.input = InputLine(
                purpose: .prefix(backend), text: state.keyText(suggestedPrefix(for: dialog.change.change, delimiters: backend.delimiters)))
            if case .counting = dialog.matchCount { return [.stopCount] }
            return []
        default:
            break
        }
        if state.screen == .insights {
            // D on the insights screen: the selected prefix group, counted live in the dialog.
            guard action == .invalidatePrefix, let insights = state.insights else { return [] }
            guard let group = insights.selectedGroup else {
                Actions.note("select a prefix group to invalidate it", role: .warning, &state)
                return []
            }
            switch group.flask {
            case .route(let path, let keyPrefix):
                return open(PendingChange(.invalidateRoute(path: path, keyPrefix: keyPrefix), on: insights.backend), &state)
            case .memoized(let function?, let keyPrefix):
                // delete_memoized, and its results swept now rather than left to expire.
                let change = Change.invalidateMemoized(function: function, keyPrefix: keyPrefix, sweep: true)
                return open(PendingChange(change, on: insights.backend), &state)
            case .memoized(nil, _), .staleMemoized:
                Actions.note("these results carry no function name or prefix of their own: they go when they expire", role: .warning, &state)
                return []
            case nil:
                return open(PendingChange(.invalidatePrefix(group.prefix), on: insights.backend), &state)
            }
        }
        guard state.screen != .overview, let browser = state.keyBrowser else { return [] }
        let backend = browser.backend
        let key = state.screen == .details ? state.detailsKey : browser.selectedKey
        switch action {
        case .deleteKey:
            guard let key else {
                Actions.note(
                    browser.selectedGroup == nil ? "no key selected" : "d deletes one key; D invalidates this whole prefix", role: .warning, &state)
                return []
            }
            return open(PendingChange(.deleteKeys([key.key]), on: backend), &state)
        case .setTTL:
            guard let key else {
                Actions.note("select a key to change its TTL", role: .warning, &state)
                return []
            }
            guard permits(.setExpiry(key: key.key, milliseconds: nil), on: backend, &state) else { return [] }
            let seconds = key.remainingMilliseconds(at: state.now).map { String(max(1, ($0 + 999) / 1000)) } ?? ""
            state.input = InputLine(purpose: .ttl(backend, key: key.key), text: seconds)
            return []
        default:
            break
        }
        // D: the selected tree node, a Flask-Caching route or memoized function, else a prefix to type.
        if state.screen == .keys, let group = browser.selectedGroup {
            return open(PendingChange(.invalidatePrefix(group.prefix), on: backend), &state)
        }
        if let key {
            if let route = FlaskCachingKeyParts.route(of: key.key) {
                return open(
                    PendingChange(.invalidateRoute(path: route.path, keyPrefix: route.keyPrefix), on: backend), offersTypedPrefix: true, &state)
            }
            if let memoized = FlaskCachingKeyParts.memoizedFunction(of: key.key, keyPrefix: backend.keyPrefix) {
                let change = Change.invalidateMemoized(function: memoized.function, keyPrefix: memoized.keyPrefix, sweep: false)
                return open(PendingChange(change, on: backend), offersTypedPrefix: true, &state)
            }
        }
        let typed = key.map { state.keyText(backend.delimiters.parentPrefix(of: $0.key)) } ?? browser.filterText
        state.input = InputLine(purpose: .prefix(backend), text: typed)
        return []
    }

    /// Opens the dialog for `change` and, for prefixes and routes, asks for the count of what it touches —
    /// unless the backend cannot do it, which is said instead.
    static func open(_ change: PendingChange, offersTypedPrefix: Bool = false, _ state: inout AppState) -> [DashboardEffect] {
        if let backend = change.backend, !permits(change.change, on: backend, &state) { return [] }
        state.dialog = Dialog(change: change, offersTypedPrefix: offersTypedPrefix)
        return change.needsCount ? [.count(change)] : []
    }

    /// Whether `backend` can do `change`; when not, the status line says so.
    private static func permits(_ change: Change, on backend: MonitoredBackend, _ state: inout AppState) -> Bool {
        guard let reason = backend.reasonCannotRun(change) else { return true }
        Actions.note("cannot \(ChangeText.summary(change, keyText: state.keyText)): \(reason)", role: .warning, &state)
        return false
    }

    /// What `p` offers to type instead of a route or memoized function: the keys' common start.
    private static func suggestedPrefix(for change: Change, delimiters: KeyDelimiters) -> [UInt8] {
        switch change {
        case .invalidateRoute(let path, let keyPrefix): keyPrefix + Array("view/\(path)".utf8)
        case .invalidateMemoized(let function, let keyPrefix, _): keyPrefix + Array(function.utf8)
        case .invalidatePrefix(let prefix): prefix
        case .deleteKeys(let keys): keys.first.map(delimiters.parentPrefix(of:)) ?? []
        case .setExpiry(let key, _): delimiters.parentPrefix(of: key)
        case .clearDemoCache, .killClient: []
        }
    }
}
