import CacheMonitor

/// Opening the capabilities screen, asking again, and the answer arriving.
enum CapabilitiesActions {
    /// `c`: what the focused backend's servers allow; on the capabilities screen, of the backend just selected
    /// (Tab). A backend already checked shows its last answer while it is asked again.
    static func open(_ state: inout AppState) -> [DashboardEffect] {
        let backend = state.screen == .capabilities ? state.selectedSnapshot?.backend : state.focusedBackend
        guard let backend else { return [] }
        guard backend.capabilities != nil else {
            Actions.note("\(backend.name) cannot say what it allows", role: .warning, &state)
            return []
        }
        var screen = state.capabilitiesByBackend[backend.id] ?? CapabilitiesState(backend: backend)
        screen.isChecking = true
        state.capabilitiesByBackend[backend.id] = screen
        state.capabilitiesBackend = backend.id
        state.selectedBackend = backend.id
        state.screen = .capabilities
        return [.checkCapabilities(backend, readOnly: state.readOnly)]
    }

    /// `r`: ask again.
    static func recheck(_ state: inout AppState) -> [DashboardEffect] {
        guard var screen = state.capabilities else { return [] }
        screen.isChecking = true
        state.capabilities = screen
        Actions.note("asking \(screen.backend.name)'s servers again", &state)
        return [.checkCapabilities(screen.backend, readOnly: state.readOnly)]
    }

    static func checked(_ backend: BackendID, _ report: CapabilityReport, _ state: inout AppState) {
        guard var screen = state.capabilitiesByBackend[backend] else { return }
        screen.report = report
        screen.error = nil
        screen.isChecking = false
        screen.checkedAt = state.now
        screen.clampSelection(visibleRows: Layout.capabilityRows(height: state.height))
        state.capabilitiesByBackend[backend] = screen
    }

    static func failed(_ backend: BackendID, _ error: String, _ state: inout AppState) {
        guard var screen = state.capabilitiesByBackend[backend] else { return }
        screen.error = error
        screen.isChecking = false
        state.capabilitiesByBackend[backend] = screen
    }

    static func move(_ action: DashboardAction, _ state: inout AppState) {
        guard var screen = state.capabilities else { return }
        let visible = Layout.capabilityRows(height: state.height)
        screen.selection = Actions.step(screen.selection, action, count: screen.rowCount, page: max(1, visible - 1))
        screen.clampSelection(visibleRows: visible)
        state.capabilities = screen
    }
}
