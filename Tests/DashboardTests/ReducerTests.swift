import Basics
import CacheMonitor
import Testing

@testable import Dashboard

/// Key sequences through the pure reducer: the state they leave and the effects they ask for.
@Suite struct ReducerTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func enterOnABackendOpensItsKeys() {
        var state = Fixtures.state()
        Fixtures.press([.down], &state)
        let effects = Fixtures.press([.enter], &state)
        #expect(effects == [.loadKeys(Fixtures.pages, filter: .all)])
        #expect(state.screen == .keys)
        #expect(state.context == .keyBrowser)
    }

    @Test func digitsSelectBackendsAndSayWhenThereIsNone() {
        var state = Fixtures.state()
        Fixtures.press([.character("3")], &state)
        #expect(state.selectedBackend == Fixtures.reports.id)
        Fixtures.press([.character("9")], &state)
        #expect(state.selectedBackend == Fixtures.reports.id)
        #expect(state.message?.text == "there is no backend 9")
        Fixtures.press([.tab], &state)
        #expect(state.selectedBackend == Fixtures.sessions.id, "Tab wraps around")
    }

    @Test func typingAFilterNarrowsLiveThenEnterAsksTheBackend() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("/")], &state)
        #expect(state.context == .input)
        Fixtures.type("user:1", &state)
        #expect(state.keyBrowser?.rows.count == 2, "narrowed to what is loaded while typing")
        #expect(DashboardView.render(state).text().contains("2 match"))
        let effects = Fixtures.press([.enter], &state)
        #expect(effects == [.loadKeys(Fixtures.sessions, filter: .prefix(bytes("user:1")))])
        #expect(state.input == nil)
        #expect(state.keyBrowser?.filterText == "user:1")
    }

    @Test func aFilterWithWildcardsIsAGlob() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("/")], &state)
        Fixtures.type("user:*:name", &state)
        #expect(state.keyBrowser?.rows.map { String(decoding: $0.key, as: UTF8.self) } == ["user:1:name", "user:2:name"])
        #expect(Fixtures.press([.enter], &state) == [.loadKeys(Fixtures.sessions, filter: .glob(bytes("user:*:name")))])
    }

    @Test func aBadEscapeKeepsTheInputOpenWithAReason() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("/")], &state)
        Fixtures.type("a\\q", &state)
        #expect(Fixtures.press([.enter], &state).isEmpty)
        #expect(state.input != nil)
        #expect(state.message?.role == .error)
        #expect(state.message?.text.contains("unknown escape") == true)
    }

    @Test func qTypesItselfInAnInputAndEscLeavesTheInputFirst() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("/")], &state)
        #expect(Fixtures.press([.character("q")], &state).isEmpty)
        #expect(state.input?.text == "q")
        #expect(!state.isQuitting)
        Fixtures.press([.escape], &state)
        #expect(state.input == nil)
        #expect(state.keyBrowser?.rows.count == Fixtures.keys.count, "leaving the input drops the narrowing")
        #expect(Fixtures.press([.character("q")], &state) == [.quit])
        #expect(state.isQuitting)
    }

    @Test func ctrlCQuitsFromAnywhere() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("/")], &state)
        #expect(Fixtures.press([.interrupt], &state) == [.quit])
    }

    @Test func deleteOpensADialogAndYesRunsIt() {
        var state = Fixtures.browsing()
        let key = state.keyBrowser?.selectedKey?.key ?? []
        #expect(Fixtures.press([.character("d")], &state).isEmpty, "nothing runs before the answer")
        let change = PendingChange(.deleteKeys([key]), on: Fixtures.sessions)
        #expect(state.dialog?.change == change)
        #expect(DashboardView.render(state).text().contains("Delete key 'bin\\x01ary\\xFF'"))
        let effects = Fixtures.press([.character("y")], &state)
        #expect(effects == [.run(change, expected: 1)])
        #expect(state.dialog == nil)
        #expect(state.context == .job)
        var outcome = ChangeOutcome(change: .deleteKeys([key]), backend: Fixtures.sessions, dryRun: false, elapsed: .milliseconds(3))
        outcome.keys = [key]
        outcome.totals = DeletionTotals(scanned: 1, matched: 1, deleted: 1, finished: true)
        let after = Reducer.reduce(&state, .jobFinished(outcome))
        #expect(after == [.loadKeys(Fixtures.sessions, filter: .all)])
        #expect(state.job == nil)
        #expect(state.keyBrowser?.rows.contains { $0.key == key } == false)
        #expect(state.message?.text == "deleted key 'bin\\x01ary\\xFF' on sessions in 3.0ms")
        #expect(state.message?.role == .good)
    }

    @Test func noAndEscCancelADialogAndTouchNothing() {
        for answer in [KeyPress.character("n"), .escape] {
            var state = Fixtures.browsing()
            Fixtures.press([.character("d")], &state)
            #expect(Fixtures.press([answer], &state).isEmpty, "a key's dialog counts nothing, so there is nothing to stop")
            #expect(state.dialog == nil)
            #expect(state.message?.text == "cancelled; nothing was touched")
        }
    }

    @Test func readOnlyRefusesWithAReasonAndOpensNoDialog() {
        var state = Fixtures.browsing(readOnly: true)
        for key in ["d", "D", "T"] {
            #expect(Fixtures.press([.character(Character(key))], &state).isEmpty)
            #expect(state.dialog == nil)
            #expect(state.input == nil)
            #expect(state.message?.text.hasPrefix("read-only mode: '\(key)'") == true)
        }
        Fixtures.press([.delete], &state)
        #expect(state.message?.text.hasPrefix("read-only mode: 'Del'") == true)
    }

    @Test func invalidatingATreeNodeCountsFirst() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("v"), .end], &state)
        #expect(state.keyBrowser?.selectedGroup?.prefix == bytes("user:"))
        let effects = Fixtures.press([.character("D")], &state)
        let change = PendingChange(.invalidatePrefix(bytes("user:")), on: Fixtures.sessions)
        #expect(effects == [.count(change)])
        #expect(state.dialog?.matchCount == .counting(soFar: 0))
        _ = Reducer.reduce(&state, .matchCount(change: change, count: .counted(3, more: false)))
        #expect(Fixtures.press([.enter], &state) == [.run(change, expected: 3)])
        _ = Reducer.reduce(&state, .jobFinished(ChangeOutcome(change: change.change, backend: change.backend, dryRun: false)))
        Fixtures.press([.character("D")], &state)
        #expect(Fixtures.press([.escape], &state) == [.stopCount], "closing a dialog still counting stops the count")
    }

    @Test func treeLevelsAreEnteredAndLeft() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("v"), .end, .enter], &state)
        #expect(state.keyBrowser?.treePath == [bytes("user:")])
        #expect(state.keyBrowser?.treeLevel.map(\.prefix) == [bytes("user:1:"), bytes("user:2:name")], "a group of one key is that key")
        Fixtures.press([.escape], &state)
        #expect(state.keyBrowser?.treePath == [])
        #expect(state.keyBrowser?.selectedGroup?.prefix == bytes("user:"), "the selection comes back to the node left")
        Fixtures.press([.escape], &state)
        #expect(state.screen == .overview)
    }

    @Test func invalidateOnAFlaskRouteKeyOffersTheRouteThenATypedPrefix() {
        var state = Fixtures.browsing()
        Fixtures.press([.down, .down], &state)
        #expect(state.keyBrowser?.selectedKey?.key == bytes("flask_cache_view//api/users"))
        let route = PendingChange(.invalidateRoute(path: "/api/users", keyPrefix: bytes("flask_cache_")), on: Fixtures.sessions)
        #expect(Fixtures.press([.character("D")], &state) == [.count(route)])
        Fixtures.press([.character("p")], &state)
        #expect(state.dialog == nil)
        #expect(state.input?.text == "flask_cache_view//api/users")
        #expect(state.input?.purpose == .prefix(Fixtures.sessions))
    }

    @Test func invalidateOnAVersionKeyIsDeleteMemoized() {
        var state = Fixtures.browsing()
        Fixtures.press([.down], &state)
        Fixtures.press([.character("D")], &state)
        #expect(
            state.dialog?.change
                == PendingChange(
                    .invalidateMemoized(function: "app.expensive", keyPrefix: bytes("flask_cache_"), sweep: false), on: Fixtures.sessions))
    }

    @Test func invalidateOnAPlainKeyAsksForAPrefixAndRefusesAnEmptyOne() {
        var state = Fixtures.browsing()
        Fixtures.press([.end], &state)
        Fixtures.press([.character("D")], &state)
        #expect(state.input?.text == "user:2:")
        Fixtures.press(Array(repeating: .backspace, count: 7), &state)
        #expect(Fixtures.press([.enter], &state).isEmpty)
        #expect(state.input != nil)
        #expect(state.message?.text.contains("empty one would match every key") == true)
        Fixtures.type("user:", &state)
        #expect(Fixtures.press([.enter], &state) == [.count(PendingChange(.invalidatePrefix(bytes("user:")), on: Fixtures.sessions))])
    }

    @Test func settingATTLGoesThroughADialog() {
        var state = Fixtures.browsing()
        Fixtures.press([.end], &state)
        Fixtures.press([.character("T")], &state)
        #expect(state.input?.purpose == .ttl(Fixtures.sessions, key: bytes("user:2:name")))
        #expect(state.input?.text == "", "a key without TTL starts empty")
        Fixtures.type("90", &state)
        Fixtures.press([.enter], &state)
        #expect(state.dialog?.change == PendingChange(.setExpiry(key: bytes("user:2:name"), milliseconds: 90_000), on: Fixtures.sessions))
        Fixtures.press([.escape], &state)
        Fixtures.press([.character("T")], &state)
        Fixtures.type("abc", &state)
        Fixtures.press([.enter], &state)
        #expect(state.message?.role == .error)
        #expect(state.dialog == nil)
    }

    @Test func freezeKeepsTheDisplayedSnapshotWhileSamplingGoesOn() {
        var state = Fixtures.state()
        Fixtures.press([.character("f")], &state)
        #expect(DashboardView.render(state).text().contains("FROZEN"))
        var newer = Fixtures.snapshot
        newer.backends.removeLast()
        _ = Reducer.reduce(&state, .snapshot(newer))
        #expect(state.snapshot.backends.count == 3)
        #expect(state.latestSnapshot.backends.count == 2)
        Fixtures.press([.character("f")], &state)
        #expect(state.snapshot.backends.count == 2)
    }

    @Test func helpOpensAndAnyKeyClosesItButQQuits() {
        var state = Fixtures.state()
        Fixtures.press([.function(1)], &state)
        #expect(state.showHelp)
        Fixtures.press([.character("x")], &state)
        #expect(!state.showHelp)
        Fixtures.press([.character("?")], &state)
        #expect(Fixtures.press([.character("q")], &state) == [.quit])
    }

    @Test func themesCycle() {
        var state = Fixtures.state()
        #expect(Fixtures.press([.character("t")], &state) == [.applyTheme("light")])
        #expect(Fixtures.press([.character("t")], &state) == [.applyTheme("default")])
    }

    @Test func resultsForAScreenLeftBehindAreDropped() {
        var state = Fixtures.browsing()
        Fixtures.press([.escape, .down, .enter], &state)
        _ = Reducer.reduce(&state, .keysLoaded(backend: Fixtures.sessions.id, filter: .all, window: KeyWindow.complete(Fixtures.keys)))
        #expect(state.keyBrowser?.backend == Fixtures.pages)
        #expect(state.keyBrowser?.window == nil, "keys of backend 0 do not land in backend 1's browser")
    }

    @Test func demoKeysExplainThereIsNoDemoWithoutOne() {
        var state = Fixtures.state()
        #expect(Fixtures.press([.character("p")], &state).isEmpty)
        #expect(state.message?.text.contains("no demo here") == true)
        state.hasDemo = true
        #expect(Fixtures.press([.character("+")], &state) == [.traffic(.faster)])
    }

    @Test func demoTrafficFollowsUnlessFrozen() {
        var state = Fixtures.state()
        state.hasDemo = true
        _ = Reducer.reduce(&state, .demoTraffic(Fixtures.demoTraffic))
        #expect(state.demoTraffic == Fixtures.demoTraffic)
        Fixtures.press([.character("f")], &state)
        var paused = Fixtures.demoTraffic
        paused.paused = true
        _ = Reducer.reduce(&state, .demoTraffic(paused))
        #expect(state.demoTraffic?.paused == false, "a frozen display keeps the figures it froze")
        #expect(Fixtures.press([.character("c")], &state).isEmpty, "c opens a confirmation first")
        #expect(state.dialog?.change == PendingChange(.clearDemoCache, on: nil))
    }
}
