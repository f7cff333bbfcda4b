import CacheMonitor

/// The destructive keys: each opens a confirmation dialog (or first an input line for what to type),
/// never changes anything by itself.
enum ChangeRequests {
    static func request(_ action: DashboardAction, _ state: inout AppState) -> [DashboardEffect] {
        switch action {
        case .clearDemoCache:
            guard state.hasDemo else {
                Actions.note("no demo cache here (the demo runs when no backend is configured, or with --demo)", &state)
                return []
            }
            return open(.clearDemoCache, name: "demo", &state)
        case .typePrefix:
            guard let dialog = state.dialog, dialog.offersTypedPrefix, let backend = dialog.change.backend else { return [] }
            state.dialog = nil
            state.input = InputLine(purpose: .prefix(backend: backend), text: suggestedPrefix(for: dialog.change))
            return []
        default:
            break
        }
        guard state.screen != .overview, let browser = state.keyBrowser else { return [] }
        let backend = browser.backend
        let key = state.screen == .details ? state.detailsKey : browser.selectedKey
        switch action {
        case .deleteKey:
            guard let key else {
                Actions.note(browser.selectedGroup == nil ? "no key selected" : "d deletes one key; D invalidates this whole prefix", role: .warning, &state)
                return []
            }
            return open(.deleteKey(backend: backend, key: key.key), name: state.backendName(backend), &state)
        case .setTTL:
            guard let key else {
                Actions.note("select a key to change its TTL", role: .warning, &state)
                return []
            }
            let seconds = key.remainingMilliseconds(at: state.now).map { String(max(1, ($0 + 999) / 1000)) } ?? ""
            state.input = InputLine(purpose: .ttl(backend: backend, key: key.key), text: seconds)
            return []
        default:
            break
        }
        // D: the selected tree node, a Flask-Caching route or memoized function, else a prefix to type.
        if state.screen == .keys, let group = browser.selectedGroup {
            return open(.invalidatePrefix(backend: backend, prefix: group.prefix), name: state.backendName(backend), &state)
        }
        if let key {
            if let route = FlaskCachingKeyParts.route(of: key.key) {
                return open(.invalidateRoute(backend: backend, path: route.path, keyPrefix: route.keyPrefix), name: state.backendName(backend), offersTypedPrefix: true, &state)
            }
            if let memoized = FlaskCachingKeyParts.memoizedFunction(of: key.key, keyPrefix: state.keyPrefix(of: backend)) {
                return open(.invalidateMemoized(backend: backend, function: memoized.function, keyPrefix: memoized.keyPrefix), name: state.backendName(backend), offersTypedPrefix: true, &state)
            }
        }
        let typed = key.map { KeyEscaping.escape(parentPrefix(of: $0.key)) } ?? browser.filterText
        state.input = InputLine(purpose: .prefix(backend: backend), text: typed)
        return []
    }

    /// Opens the dialog for `change` and, for prefixes and routes, asks for the count of what it touches.
    static func open(_ change: PendingChange, name: String, offersTypedPrefix: Bool = false, _ state: inout AppState) -> [DashboardEffect] {
        state.dialog = Dialog(change: change, backendName: name, offersTypedPrefix: offersTypedPrefix)
        return change.needsCount ? [.count(change)] : []
    }

    /// The key up to and including its last delimiter (`user:42:name` → `user:42:`), the whole key when it
    /// has none.
    static func parentPrefix(of key: [UInt8]) -> [UInt8] {
        guard let last = key.dropLast().lastIndex(where: { KeyTree.defaultDelimiters.contains($0) }) else { return key }
        return Array(key[...last])
    }

    private static func suggestedPrefix(for change: PendingChange) -> String {
        switch change {
        case .invalidateRoute(_, let path, let keyPrefix): KeyEscaping.escape(keyPrefix + Array("view/\(path)".utf8))
        case .invalidateMemoized(_, let function, let keyPrefix): KeyEscaping.escape(keyPrefix + Array(function.utf8))
        case .invalidatePrefix(_, let prefix): KeyEscaping.escape(prefix)
        case .deleteKey(_, let key), .setTTL(_, let key, _): KeyEscaping.escape(parentPrefix(of: key))
        case .clearDemoCache: ""
        }
    }
}
