import CacheMonitor

/// What each key-table action does to the state.
enum Actions {
    static func perform(_ action: DashboardAction, key: KeyPress, _ state: inout AppState) -> [DashboardEffect] {
        // A feature the focused backend lacks, or its servers refused: why, instead of the action.
        if let feature = state.feature(of: action), let reason = state.focusedBackend?.unavailableReason(feature) {
            note(reason, role: .warning, &state)
            return []
        }
        switch action {
        case .help:
            state.showHelp.toggle()
        case .quit:
            return Reducer.quit(&state)
        case .freeze:
            state.frozen.toggle()
            if !state.frozen { state.snapshot = state.latestSnapshot }
            note(state.frozen ? "display frozen (sampling goes on); f to resume" : "display live again", &state)
        case .refresh:
            return refresh(&state)
        case .nextTheme:
            state.themeIndex = (state.themeIndex + 1) % state.themeNames.count
            note("theme: \(state.themeName)", &state)
            return [.applyTheme(state.themeName)]
        case .nextBackend, .previousBackend, .selectBackend:
            return selectBackend(action, key: key, &state)
        case .moveUp, .moveDown, .pageUp, .pageDown, .home, .end:
            move(action, &state)
        case .open:
            return open(&state)
        case .back where state.screen == .overview:
            OverviewActions.clearNarrowing(&state)
        case .back:
            if state.screen == .insights { return InsightsActions.back(&state) }
            if state.screen == .health || state.screen == .capabilities {
                state.screen = .overview
                return []
            }
            back(&state)
        case .expand:
            if OverviewActions.toggleGroup(&state) { break }
            guard let selected = state.selectedSnapshot else { break }
            guard selected.hasServerRows else {
                note("\(selected.name) is a single server: there is nothing to expand", &state)
                break
            }
            if state.expandedBackends.remove(selected.id) == nil { state.expandedBackends.insert(selected.id) }
        case .filter where state.screen == .overview:
            OverviewActions.openFilter(&state)
        case .toggleView where state.screen == .overview:
            return OverviewActions.cycleGrouping(&state)
        case .sort where state.screen == .overview:
            return OverviewActions.cycleSort(&state)
        case .reverseSort:
            return OverviewActions.reverseSort(&state)
        case .problemsOnly:
            OverviewActions.toggleProblems(&state)
        case .jump:
            OverviewActions.openJump(&state)
        case .filter:
            state.input = InputLine(purpose: .filter, text: state.keyBrowser?.filterText ?? "")
        case .toggleView:
            guard var browser = state.keyBrowser else { break }
            browser.viewMode = browser.viewMode == .list ? .tree : .list
            browser.treePath = []
            browser.selection = 0
            browser.scroll = 0
            browser.rebuild(at: state.now)
            state.keyBrowser = browser
        case .insights:
            return InsightsActions.open(&state)
        case .bigKeys:
            InsightsActions.toggleBigKeys(&state)
        case .hotKeys:
            TrafficActions.toggleHotKeys(&state)
        case .health:
            return HealthActions.open(&state)
        case .nextTab, .previousTab:
            HealthActions.switchTab(by: action == .nextTab ? 1 : -1, &state)
        case .nextNode, .previousNode:
            HealthActions.switchNode(by: action == .nextNode ? 1 : -1, &state)
        case .killClient:
            return HealthActions.kill(&state)
        case .capabilities:
            return CapabilitiesActions.open(&state)
        case .sort where state.screen == .health:
            HealthActions.sort(&state)
        case .sampleTraffic:
            return TrafficActions.request(&state)
        case .monitorOnly:
            return TrafficActions.answer(changeSettings: false, &state)
        case .sort where state.screen == .insights:
            InsightsActions.sort(&state)
        case .sort:
            guard var browser = state.keyBrowser else { break }
            browser.sort = browser.sort.next
            browser.rebuild(at: state.now)
            state.keyBrowser = browser
            note("sorted by \(browser.sort.rawValue)", &state)
        case .deleteKey, .invalidatePrefix, .setTTL, .clearDemoCache, .typePrefix:
            return ChangeRequests.request(action, &state)
        case .pauseTraffic, .fasterTraffic, .slowerTraffic, .updateUser:
            let command: TrafficCommand =
                switch action {
                case .pauseTraffic: .pauseOrResume
                case .fasterTraffic: .faster
                case .slowerTraffic: .slower
                default: .updateRandomUser
                }
            return [.traffic(command)]
        case .zoomTrends:
            return TrendActions.zoom(&state)
        case .replayStepBack, .replayStepForward, .replayMinuteBack, .replayMinuteForward, .replayHourBack, .replayHourForward, .replayJump,
            .replayPlay, .replayFaster, .replaySlower, .replayNextEvent, .replayPreviousEvent:
            return ReplayActions.perform(action, &state)
        case .confirm:
            return confirm(&state)
        case .cancel where state.trafficConsent != nil:
            state.trafficConsent = nil
            note("no traffic sample; nothing was changed", &state)
        case .cancel:
            if state.input != nil {
                InputEditing.cancel(&state)
            } else if let dialog = state.dialog {
                state.dialog = nil
                note("cancelled; nothing was touched", &state)
                // A count still scanning stops with its dialog: no load on a server for nothing.
                if case .counting = dialog.matchCount { return [.stopCount] }
            }
        case .stopJob:
            guard var job = state.job, !job.stopping else { break }
            job.stopping = true
            state.job = job
            return [.stopJob]
        }
        return []
    }

    static func note(_ text: String, role: StyleRole = .text, _ state: inout AppState) {
        state.message = StatusMessage(text, role: role, at: state.now)
    }

    private static func refresh(_ state: inout AppState) -> [DashboardEffect] {
        var effects: [DashboardEffect] = [.refreshNow]
        switch state.screen {
        case .overview:
            break
        case .keys:
            if var browser = state.keyBrowser {
                browser.window = nil
                browser.loadError = nil
                state.keyBrowser = browser
                effects.append(.loadKeys(browser.backend, filter: browser.filter))
            }
        case .details:
            if let key = state.detailsKey, let backend = state.keyBrowser?.backend {
                effects.append(.loadDetails(backend, key: key))
            }
        case .insights:
            note("reading the keys again", &state)
            return InsightsActions.start(&state)
        case .health:
            break
        case .capabilities:
            return effects + CapabilitiesActions.recheck(&state)
        }
        note("refreshing", &state)
        return effects
    }

    private static func selectBackend(_ action: DashboardAction, key: KeyPress, _ state: inout AppState) -> [DashboardEffect] {
        let backends = state.snapshot.backends
        guard !backends.isEmpty else { return [] }
        switch action {
        case .nextBackend, .previousBackend:
            // In the order the overview shows them (sorted, filtered), wherever the keys are pressed.
            OverviewActions.stepBackend(by: action == .nextBackend ? 1 : -1, &state)
        default:
            guard case .character(let character) = key, let digit = character.wholeNumberValue, digit <= backends.count else {
                note("there is no backend \(key.name)", role: .warning, &state)
                return []
            }
            OverviewActions.place(.backend(backends[digit - 1].id, in: nil), &state)
        }
        guard let chosen = state.selectedSnapshot else { return [] }
        switch state.screen {
        case .overview: return []
        case .insights:
            state.screen = .overview
            return InsightsActions.open(&state)
        case .health:
            return HealthActions.open(&state)
        case .capabilities:
            return CapabilitiesActions.open(&state)
        default: return openKeys(of: chosen.backend, &state)
        }
    }

    private static func move(_ action: DashboardAction, _ state: inout AppState) {
        if state.screen == .overview {
            OverviewActions.move(action, &state)
            return
        }
        if state.screen == .insights {
            InsightsActions.move(action, &state)
            return
        }
        if state.screen == .health {
            HealthActions.move(action, &state)
            return
        }
        if state.screen == .capabilities {
            CapabilitiesActions.move(action, &state)
            return
        }
        guard var browser = state.keyBrowser else { return }
        let rows = Layout.keyRows(height: state.height)
        browser.selection = step(browser.selection, action, count: browser.rowCount, page: max(1, rows - 1))
        browser.clampSelection(visibleRows: rows)
        state.keyBrowser = browser
    }

    static func step(_ index: Int, _ action: DashboardAction, count: Int, page: Int) -> Int {
        guard count > 0 else { return 0 }
        let target =
            switch action {
            case .moveUp: index - 1
            case .moveDown: index + 1
            case .pageUp: index - page
            case .pageDown: index + page
            case .home: 0
            default: count - 1
            }
        return max(0, min(count - 1, target))
    }

    private static func open(_ state: inout AppState) -> [DashboardEffect] {
        switch state.screen {
        case .overview:
            if OverviewActions.toggleGroup(&state) { return [] }
            guard let selected = state.selectedSnapshot else { return [] }
            return openKeys(of: selected.backend, &state)
        case .keys:
            guard var browser = state.keyBrowser else { return [] }
            if let group = browser.selectedGroup {
                browser.treePath.append(group.prefix)
                browser.selection = 0
                browser.scroll = 0
                state.keyBrowser = browser
                return []
            }
            guard let key = browser.selectedKey else { return [] }
            state.screen = .details
            state.detailsKey = key
            state.details = nil
            state.detailsError = nil
            return [.loadDetails(browser.backend, key: key)]
        case .details, .health, .capabilities:
            return []
        case .insights:
            InsightsActions.open(group: &state)
            return []
        }
    }

    static func openKeys(of backend: MonitoredBackend, _ state: inout AppState) -> [DashboardEffect] {
        var browser = KeyBrowserState(backend: backend)
        if let previous = state.keyBrowser {
            browser.viewMode = previous.viewMode
            browser.sort = previous.sort
        }
        state.keyBrowser = browser
        state.screen = .keys
        state.details = nil
        state.detailsKey = nil
        return [.loadKeys(backend, filter: browser.filter)]
    }

    private static func back(_ state: inout AppState) {
        switch state.screen {
        case .details:
            state.screen = .keys
            state.details = nil
            state.detailsKey = nil
        case .keys:
            if var browser = state.keyBrowser, !browser.treePath.isEmpty {
                let left = browser.treePath.removeLast()
                browser.selection = browser.treeLevel.firstIndex { $0.prefix == left } ?? 0
                browser.clampSelection(visibleRows: Layout.keyRows(height: state.height))
                state.keyBrowser = browser
            } else {
                state.screen = .overview
            }
        case .overview, .insights, .health, .capabilities:
            break
        }
    }

    private static func confirm(_ state: inout AppState) -> [DashboardEffect] {
        if state.input != nil { return InputEditing.apply(&state) }
        if state.trafficConsent != nil { return TrafficActions.answer(changeSettings: true, &state) }
        guard let dialog = state.dialog else { return [] }
        state.dialog = nil
        var expected: Int?
        if case .counted(let count, _) = dialog.matchCount { expected = count }
        if case .deleteKeys(let keys) = dialog.change.change { expected = keys.count }
        state.job = JobState(change: dialog.change, expected: expected)
        return [.run(dialog.change, expected: expected)]
    }
}
