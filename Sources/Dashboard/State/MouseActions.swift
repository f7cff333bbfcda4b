/// What a click or the wheel does, as htop and k9s users expect: a click selects the row (or the health
/// tab) under it, a double click opens it, the wheel moves the selection three rows. Ignored while a
/// dialog, an input line, a running change or the help has the focus.
enum MouseActions {
    static func handle(_ event: MouseEvent, _ state: inout AppState) -> [DashboardEffect] {
        guard state.dialog == nil, state.input == nil, state.trafficConsent == nil, state.job == nil, !state.showHelp, !state.isQuitting else {
            return []
        }
        switch event.kind {
        case .wheelUp, .wheelDown:
            var effects: [DashboardEffect] = []
            for _ in 0..<3 { effects += Actions.perform(event.kind == .wheelUp ? .moveUp : .moveDown, key: .up, &state) }
            return effects
        case .click, .doubleClick:
            guard select(at: event, &state) else { return [] }
            return event.kind == .doubleClick ? Actions.perform(.open, key: .enter, &state) : []
        }
    }

    /// Selects what is under the click; whether there was something.
    private static func select(at event: MouseEvent, _ state: inout AppState) -> Bool {
        let body = Layout.body(width: state.width, height: state.height, replay: state.replay != nil)
        switch state.screen {
        case .overview:
            guard let cursor = OverviewScreen.cursor(atLine: event.y, state) else { return false }
            OverviewActions.place(cursor, &state)
            return true
        case .keys:
            guard var browser = state.keyBrowser, let row = row(at: event.y, firstRowY: body.y + 2, scroll: browser.scroll, count: browser.rowCount)
            else { return false }
            browser.selection = row
            browser.clampSelection(visibleRows: Layout.keyRows(height: state.height))
            state.keyBrowser = browser
            return true
        case .insights:
            guard var insights = state.insights, insights.view != .hotKeys || insights.trafficReport?.missStorms.isEmpty ?? true,
                let row = row(at: event.y, firstRowY: body.y + 3, scroll: insights.scroll, count: insights.rowCount)
            else { return false }
            insights.selection = row
            insights.clampSelection(visibleRows: Layout.insightsRows(height: state.height))
            state.insights = insights
            return true
        case .health:
            guard var health = state.health else { return false }
            if event.y == body.y + 1 {
                let tabs = HealthTab.tabs(for: health.backend, health: state.snapshot.backend(health.backend.id)?.health)
                guard let hit = HealthScreen.tabPositions(tabs, width: body.width).first(where: { event.x >= $0.x && event.x < $0.x + $0.width })
                else { return false }
                HealthActions.select(tab: hit.tab, &state)
                return false
            }
            guard health.tab.isList, let data = state.snapshot.backend(health.backend.id)?.health,
                let row = row(at: event.y, firstRowY: body.y + 4, scroll: health.scroll, count: HealthRows.count(health.tab, data, health))
            else { return false }
            health.selection = row
            state.health = health
            return true
        case .capabilities:
            guard var screen = state.capabilities,
                let row = row(at: event.y, firstRowY: body.y + 3, scroll: screen.scroll, count: screen.rowCount)
            else { return false }
            screen.selection = row
            state.capabilities = screen
            return true
        case .details:
            return false
        }
    }

    /// The row index drawn on line `y` of a table whose first row is on `firstRowY`.
    private static func row(at y: Int, firstRowY: Int, scroll: Int, count: Int) -> Int? {
        let index = scroll + y - firstRowY
        return y >= firstRowY && (0..<count).contains(index) ? index : nil
    }
}
