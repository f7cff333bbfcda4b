import CacheMonitor

/// What the keys do on the health screen, and opening it.
enum HealthActions {
    /// `h`: the health of the selected backend (or of the one whose keys or insights are open); on the health
    /// screen, of the backend just selected (Tab).
    static func open(_ state: inout AppState) -> [DashboardEffect] {
        let backend = state.screen == .health ? state.selectedSnapshot?.backend : state.focusedBackend
        guard let backend, backend.health != nil else { return [] }
        if state.health?.backend.id != backend.id { state.health = HealthState(backend: backend) }
        state.selectedBackend = backend.id
        state.screen = .health
        return []
    }

    /// `]` and `[`: the next or previous tab.
    static func switchTab(by step: Int, _ state: inout AppState) {
        guard var health = state.health else { return }
        let tabs = HealthTab.tabs(for: health.backend, health: state.snapshot.backend(health.backend.id)?.health)
        guard !tabs.isEmpty else { return }
        let index = tabs.firstIndex(of: health.tab) ?? 0
        health.tab = tabs[(index + step + tabs.count) % tabs.count]
        health.selection = 0
        health.scroll = 0
        state.health = health
    }

    /// A tab by its place in the tab bar (a click).
    static func select(tab: HealthTab, _ state: inout AppState) {
        guard var health = state.health, health.tab != tab else { return }
        health.tab = tab
        health.selection = 0
        health.scroll = 0
        state.health = health
    }

    /// `>` and `<`: the next or previous server — all of them merged, then each one.
    static func switchNode(by step: Int, _ state: inout AppState) {
        guard var health = state.health else { return }
        let nodes = nodes(of: health, state)
        guard nodes.count > 1 else {
            Actions.note("\(health.backend.name) is a single server", &state)
            return
        }
        let index = nodes.firstIndex(of: health.node) ?? 0
        health.node = nodes[(index + step + nodes.count) % nodes.count]
        health.selection = 0
        health.scroll = 0
        state.health = health
        Actions.note(health.node.map { "server \($0)" } ?? "every server, merged", &state)
    }

    /// `s`: the next order of the commands or the clients.
    static func sort(_ state: inout AppState) {
        guard var health = state.health else { return }
        switch health.tab {
        case .commands:
            health.commandSort = health.commandSort.next
            Actions.note("commands sorted by \(health.commandSort.rawValue)", &state)
        case .clients:
            health.clientSort = health.clientSort.next
            Actions.note("clients sorted by \(health.clientSort.rawValue)", &state)
        default:
            Actions.note("the \(health.tab.rawValue) tab has one order; s sorts commands and clients", &state)
            return
        }
        health.selection = 0
        health.scroll = 0
        state.health = health
    }

    static func move(_ action: DashboardAction, _ state: inout AppState) {
        guard var health = state.health, let data = state.snapshot.backend(health.backend.id)?.health else { return }
        let rows = Layout.healthRows(height: state.height)
        let count = HealthRows.count(health.tab, data, health)
        health.selection = Actions.step(health.selection, action, count: count, page: max(1, rows - 1))
        health.clampSelection(count: count, visibleRows: rows)
        state.health = health
    }

    /// `K` on the clients tab: close the selected client, through the confirm dialog — never one of
    /// cachescope's own connections.
    static func kill(_ state: inout AppState) -> [DashboardEffect] {
        guard let health = state.health, health.tab == .clients else {
            Actions.note("K closes a client: open the clients tab first (] switches tabs)", role: .warning, &state)
            return []
        }
        guard let data = state.snapshot.backend(health.backend.id)?.health else { return [] }
        let clients = HealthRows.clients(data, node: health.node, sort: health.clientSort)
        guard clients.indices.contains(health.selection) else {
            Actions.note("no client selected", role: .warning, &state)
            return []
        }
        let (node, client) = clients[health.selection]
        guard !client.isCachescope else {
            Actions.note("client \(client.id) is one of cachescope's own connections: it is never closed from here", role: .warning, &state)
            return []
        }
        let target = ClientToKill(id: client.id, node: node, name: client.name, address: client.address)
        return ChangeRequests.open(PendingChange(.killClient(target), on: health.backend), &state)
    }

    /// The servers to choose from: all merged (`nil`) first when there are several.
    static func nodes(of health: HealthState, _ state: AppState) -> [String?] {
        guard let data = state.snapshot.backend(health.backend.id)?.health else { return [nil] }
        let addresses = data.servers.map(\.address) + data.missing.map(\.address)
        return addresses.count > 1 ? [nil] + addresses : [nil]
    }
}
