import Basics
import CacheMonitor
import Foundation
import Testing

@testable import Dashboard

/// The overview with 200 backends: sorting, filtering as you type, problems only, the group view, jumping
/// by name, scrolling that keeps the cursor in view, and the totals line — through the reducer, then drawn.
@Suite struct OverviewFleetTests {
    /// The backends' names in the order the table lists them (group rows as `[title]`).
    static func order(_ state: AppState) -> [String] {
        let rows = OverviewRows(state)
        return rows.lines.compactMap { line in
            if case .group(let group) = line { return "[\(group.key.title)]" }
            return rows.name(of: line)
        }
    }

    static func lines(_ state: AppState) -> [Substring] { DashboardView.render(state).text().split(separator: "\n") }

    @Test func sCyclesTheSortColumnSReversesItAndTheHeaderMarksIt() {
        var state = FleetFixtures.state()
        #expect(Self.order(state).prefix(3) == ["sessions-eu-000", "pages-us-001", "carts-ap-002"], "the order given first")
        var effects: [DashboardEffect] = []
        // number → name → type → address → status → attention → hit% → life% → hits/s → miss/s → ops/s
        for _ in 0..<10 { effects += Fixtures.press([.character("s")], &state) }
        #expect(state.overview.options.sort == .ops)
        #expect(effects.last == .rememberOverview(RememberedOverview(sort: .ops, reversed: false, grouping: .none)))
        let shown = OverviewRows(state).shown
        let rates = shown.compactMap { $0.status == .up ? $0.rates?.operationsPerSecond : nil }
        #expect(rates == rates.sorted(by: >), "largest first")
        #expect(shown.suffix(8).allSatisfy { $0.status == .down }, "a backend with no figure goes last")
        #expect(Self.lines(state)[2].contains("ops/s▾"), "the header marks the column: \(Self.lines(state)[2])")
        Fixtures.press([.character("S")], &state)
        let reversed = OverviewRows(state).shown.compactMap { $0.status == .up ? $0.rates?.operationsPerSecond : nil }
        #expect(reversed == reversed.sorted(by: <))
        #expect(Self.lines(state)[2].contains("ops/s▴"))
        #expect(state.message?.text.contains("smallest first") == true)
    }

    @Test func aHiddenColumnThatIsSortedComesIntoView() {
        var state = FleetFixtures.state(width: 80, height: 24)
        #expect(!Self.lines(state)[2].contains("latency"))
        state.overview.options.sort = .latency
        #expect(Self.lines(state)[2].contains("latency▾"), "\(Self.lines(state)[2])")
    }

    @Test func theFilterNarrowsAsItIsTypedAndTheHeaderSaysHowMany() {
        var state = FleetFixtures.state()
        Fixtures.press([.character("/")], &state)
        Fixtures.type("carts", &state)
        let carts = OverviewRows(state).shown
        #expect(carts.count == 50 && carts.allSatisfy { $0.name.hasPrefix("carts") })
        #expect(Self.lines(state)[0].contains("50 of 200"), "\(Self.lines(state)[0])")
        Fixtures.type(" eu", &state)
        #expect(OverviewRows(state).shown.allSatisfy { $0.name.hasPrefix("carts") && $0.backend.tags.contains { $0.name == "eu" } })
        Fixtures.press([.enter], &state)
        #expect(state.input == nil && state.overview.options.filter == "carts eu")
        // By address, type, tag and status too.
        for (filter, check) in [
            ("10.1.", { (b: BackendSnapshot) in b.address.hasPrefix("10.1.") }), ("memcached", { $0.kind == .memcached }),
            ("staging", { $0.backend.tags.contains { $0.name == "staging" } }), ("down", { $0.status == .down }),
        ] {
            state.overview.options.filter = filter
            let shown = OverviewRows(state).shown
            #expect(!shown.isEmpty && shown.allSatisfy(check), "filter '\(filter)'")
        }
        state.overview.options.filter = "nothing-like-this"
        #expect(DashboardView.render(state).text().contains("No backend matches 'nothing-like-this'"))
        Fixtures.press([.escape], &state)
        #expect(state.overview.options.filter.isEmpty && OverviewRows(state).shown.count == 200, "Esc clears the filter")
        // Esc inside the input puts back what was there.
        state.overview.options.filter = "pages"
        Fixtures.press([.character("/")], &state)
        Fixtures.type("x", &state)
        #expect(OverviewRows(state).shown.isEmpty)
        Fixtures.press([.escape], &state)
        #expect(state.overview.options.filter == "pages" && OverviewRows(state).shown.count == 50)
    }

    @Test func problemsOnlyKeepsDownAttentionEvictingAndLowHitRatios() {
        var state = FleetFixtures.state()
        Fixtures.press([.character("!")], &state)
        let shown = OverviewRows(state).shown
        #expect(!shown.isEmpty && shown.count < 200)
        for backend in shown {
            let low = (backend.rates?.hitRatio ?? 1) < state.thresholds.hitRatioWarning
            let evicting = (backend.rates?.evictions ?? 0) > 0
            #expect(backend.status == .down || low || evicting, "\(backend.name) is no problem")
        }
        let all = FleetFixtures.snapshot().backends
        #expect(shown.count == all.filter { BackendProblems.has($0, thresholds: state.thresholds) }.count)
        #expect(shown.contains { $0.status == .down } && shown.contains { ($0.rates?.evictions ?? 0) > 0 })
        #expect(Self.lines(state)[0].contains("\(shown.count) of 200 · problems"))
        Fixtures.press([.character("!")], &state)
        #expect(OverviewRows(state).shown.count == 200)
    }

    @Test func theGroupViewSumsEachGroupByTheFleetsRules() {
        var state = FleetFixtures.state()
        let effects = Fixtures.press([.character("v")], &state)
        #expect(effects == [.rememberOverview(RememberedOverview(sort: .number, reversed: false, grouping: .tag))])
        let rows = OverviewRows(state)
        let groups = rows.lines.compactMap { line -> OverviewGroup? in
            if case .group(let group) = line { return group }
            return nil
        }
        #expect(groups.map(\.key.title) == ["ap", "carts", "eu", "pages", "prod", "search", "sessions", "staging", "us"])
        let eu = groups.first { $0.key.title == "eu" }
        let members = FleetFixtures.snapshot().backends.filter { $0.backend.tags.contains { $0.name == "eu" } }
        #expect(eu?.members.count == members.count)
        let hits = members.filter { $0.status == .up }.reduce(0.0) { $0 + ($1.rates?.hitsPerSecond ?? 0) }
        let misses = members.filter { $0.status == .up }.reduce(0.0) { $0 + ($1.rates?.missesPerSecond ?? 0) }
        #expect(eu?.totals.hitRatio == hits / (hits + misses), "weighted by reads")
        #expect(eu?.worst == .down, "a member is down")
        let frame = DashboardView.render(state).text()
        let euRow = frame.split(separator: "\n").first { $0.contains("▾ eu (") } ?? ""
        #expect(euRow.contains("✖ down") && euRow.contains("of \(members.count) up"), "\(euRow)")
        #expect(euRow.contains(HumanUnits.ratio(hits / (hits + misses))), "\(euRow)")
        // Enter on a group row folds it; again unfolds it.
        OverviewActions.place(.group(.tag(BackendTag("ap")!)), &state)
        Fixtures.press([.enter], &state)
        #expect(Self.order(state).prefix(2) == ["[ap]", "[carts]"], "ap is folded")
        #expect(DashboardView.render(state).text().contains("▸ ap ("))
        Fixtures.press([.character("e")], &state)
        #expect(Self.order(state)[1] != "[carts]")
        // By type, then one list again.
        Fixtures.press([.character("v")], &state)
        #expect(Self.order(state).filter { $0.hasPrefix("[") } == ["[memcached]", "[redis]"])
        Fixtures.press([.character("v")], &state)
        #expect(!Self.order(state).contains { $0.hasPrefix("[") })
    }

    @Test func groupsSortByTheirSumsAndUntaggedComesLast() {
        var snapshot = FleetFixtures.snapshot(count: 30)
        let plain = MonitoredBackend(id: BackendID(30), name: "plain", kind: .redis, address: "p:1", source: snapshot.backends[0].backend.source)
        snapshot.backends.append(BackendSnapshot(backend: plain, status: .connecting))
        var state = AppState(snapshot: snapshot, width: 120, height: 40)
        state.overview.options = OverviewOptions(sort: .ops, grouping: .tag)
        let groups = OverviewRows(state).lines.compactMap { line -> OverviewGroup? in
            if case .group(let group) = line { return group }
            return nil
        }
        #expect(groups.last?.key == .untagged)
        let ops = groups.dropLast().map { $0.totals.operationsPerSecond ?? 0 }
        #expect(ops == ops.sorted(by: >), "\(ops)")
    }

    @Test func movingScrollsOnlyWhenTheCursorLeavesTheView() {
        var state = FleetFixtures.state(width: 120, height: 40)
        let visible = 40 - 3 - 1 - 1  // header, status, footer; totals line; table header
        Fixtures.press(Array(repeating: .down, count: visible + 4), &state)
        let cursor = state.selectedBackend
        #expect(state.overview.scroll == 5, "\(state.overview.scroll)")
        var frame = DashboardView.render(state).text()
        #expect(frame.contains(FleetFixtures.name(visible + 4)))
        // Up a few rows: the view stays where it is (as htop), the cursor moves within it.
        Fixtures.press([.up, .up, .up], &state)
        #expect(state.overview.scroll == 5)
        #expect(state.selectedBackend != cursor)
        Fixtures.press([.end], &state)
        #expect(state.selectedBackend == BackendID(199))
        frame = DashboardView.render(state).text()
        #expect(frame.contains(FleetFixtures.name(199)) && !frame.contains(FleetFixtures.name(0)))
        Fixtures.press([.pageUp], &state)
        #expect(DashboardView.render(state).text().contains(FleetFixtures.name(state.selectedBackend?.position ?? -1)))
        Fixtures.press([.home], &state)
        #expect(state.overview.scroll == 0 && state.selectedBackend == BackendID(0))
        // A new snapshot that reorders the rows keeps the cursor on its backend, in view.
        state.overview.options.sort = .ops
        Fixtures.press([.end], &state)
        let last = state.selectedBackend
        _ = Reducer.reduce(&state, .snapshot(FleetFixtures.snapshot()))
        #expect(state.selectedBackend == last)
        let selectedLine = OverviewRows(state).selected ?? -1
        #expect(selectedLine >= state.overview.scroll && selectedLine < state.overview.scroll + visible)
    }

    @Test func gJumpsToABackendByNameAndEscGoesBack() {
        var state = FleetFixtures.state()
        Fixtures.press([.character("g")], &state)
        Fixtures.type("search-us-1", &state)
        #expect(state.selectedSnapshot?.name == "search-us-103", "the first name starting so: \(state.selectedSnapshot?.name ?? "none")")
        Fixtures.press([.enter], &state)
        #expect(state.input == nil && state.selectedSnapshot?.name == "search-us-103")
        #expect(DashboardView.render(state).text().contains("search-us-103"), "scrolled into view")
        Fixtures.press([.character("g")], &state)
        Fixtures.type("ap-19", &state)
        #expect(state.selectedSnapshot?.name == "search-ap-191", "else the first name containing it")
        Fixtures.press([.escape], &state)
        #expect(state.selectedSnapshot?.name == "search-us-103", "Esc goes back")
        Fixtures.press([.character("g")], &state)
        Fixtures.type("zzz", &state)
        #expect(state.message?.text.contains("no backend shown is named like 'zzz'") == true)
    }

    @Test func tabFollowsTheOrderShownAndDigitsTheNumbers() {
        var state = FleetFixtures.state()
        state.overview.options.sort = .name
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now, clock: "12:34:56"))
        let order = OverviewRows(state).shown.map(\.name)
        #expect(state.selectedSnapshot?.name == "sessions-eu-000")
        OverviewActions.place(.backend(OverviewRows(state).shown[0].id, in: nil), &state)
        Fixtures.press([.tab], &state)
        #expect(state.selectedSnapshot?.name == order[1])
        Fixtures.press([.backTab, .backTab], &state)
        #expect(state.selectedSnapshot?.name == order.last, "round the end")
        Fixtures.press([.character("3")], &state)
        #expect(state.selectedSnapshot?.name == FleetFixtures.name(2), "a digit is the backend's number, whatever the sort")
    }

    @Test func theTotalsLineSumsTheBackendsShown() {
        var state = FleetFixtures.state()
        let totals = FleetTotals(FleetFixtures.snapshot().backends)
        var line = String(Self.lines(state)[1])
        #expect(line.contains("Σ 200 backends") && line.contains("\(totals.up) up") && line.contains("\(totals.down) down"), "\(line)")
        #expect(line.contains("\(HumanUnits.rate(totals.operationsPerSecond)) ops/s"), "\(line)")
        #expect(line.contains("hit \(HumanUnits.ratio(totals.hitRatio))"), "\(line)")
        #expect(line.contains("mem \(HumanUnits.size(Int(totals.memoryBytes)))/\(HumanUnits.size(Int(totals.maxMemoryBytes ?? 0)))"), "\(line)")
        #expect(line.contains("evict 25/s"), "\(line)")
        state.overview.options.filter = "staging"
        line = String(Self.lines(state)[1])
        #expect(line.contains("Σ 40 backends"), "the totals of what is shown: \(line)")
    }

    @Test func aClickPicksAGroupOrABackendRow() {
        var state = FleetFixtures.state()
        state.overview.options.grouping = .type
        Fixtures.press([.home], &state)
        #expect(state.overview.scroll == 0)
        // Line 1 totals, 2 the table's header, 3 the first group, 4 its first backend.
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 3)))
        #expect(state.overview.groupRow == .type("memcached"))
        #expect(state.selectedSnapshot == nil, "no backend is selected on a group row")
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.doubleClick, x: 5, y: 3)))
        #expect(state.overview.collapsed.contains(.type("memcached")), "a double click folds it")
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 4)))
        #expect(state.overview.groupRow == .type("redis"))
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 5)))
        #expect(state.selectedSnapshot?.kind == .redis && state.overview.backendGroup == .type("redis"))
    }

    @Test func goldenFramesWith200Rows() {
        var state = FleetFixtures.state()
        state.overview.options.sort = .ops
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now, clock: "12:34:56"))
        assertSnapshot(DashboardView.render(state), named: "fleet-by-ops-120x40", roles: true)
        state.overview.options = OverviewOptions(sort: .status, grouping: .tag)
        state.overview.scroll = 0
        state.overview.collapsed = [.tag(BackendTag("carts")!), .tag(BackendTag("ap")!)]
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now, clock: "12:34:56"))
        assertSnapshot(DashboardView.render(state), named: "fleet-grouped-120x40")
        var narrow = FleetFixtures.state(width: 80, height: 24)
        narrow.overview.options.problemsOnly = true
        _ = Reducer.reduce(&narrow, .tick(now: Fixtures.now, clock: "12:34:56"))
        assertSnapshot(DashboardView.render(narrow), named: "fleet-problems-80x24")
    }
}
