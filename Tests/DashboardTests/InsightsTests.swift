import Basics
import CacheMonitor
import Testing

@testable import Dashboard

/// The insights screen: `i` analyses a backend, the groups are browsed, sorted and invalidated, the
/// results stay until read again.
@Suite struct InsightsTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// An analysis of `sessions`: 1,000 keys read of 10,000, under `sess:` and `user:` (with `user:1:` …).
    static func outcome(ending: KeyspaceOutcome.Ending = .completed) -> KeyspaceOutcome {
        var aggregator = KeyspaceAggregator(topKeys: 3)
        for id in 0..<600 {
            aggregator.add(SampledKey(key: Array("sess:\(id)".utf8), type: "string", ttlMilliseconds: 30_000, memoryBytes: 100, elements: 40))
        }
        for id in 0..<400 {
            aggregator.add(
                SampledKey(
                    key: Array("user:\(id % 4):\(id)".utf8), type: "hash", ttlMilliseconds: id % 2 == 0 ? nil : 7_200_000, memoryBytes: 400,
                    elements: 8))
        }
        aggregator.add(SampledKey(key: Array("big:blob".utf8), type: "string", ttlMilliseconds: nil, memoryBytes: 900_000, elements: 900_000))
        let report = aggregator.report(KeyspaceCensus(totalKeys: 10_010, sampledKeys: 1001, memorySource: .memoryUsage))
        return KeyspaceOutcome(backend: Fixtures.sessions, options: KeyspaceOptions(), report: report, ending: ending, elapsed: .milliseconds(480))
    }

    /// The overview with `i` pressed on `sessions` and the analysis arrived.
    static func analysed(width: Int = 120, height: Int = 40) -> AppState {
        var state = Fixtures.state(width: width, height: height)
        _ = Fixtures.press([.character("i")], &state)
        _ = Reducer.reduce(&state, .keyspaceAnalyzed(outcome()))
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now + 5, clock: "12:35:01"))
        return state
    }

    @Test func iAnalysesTheSelectedBackendAndShowsItsGroups() {
        var state = Fixtures.state()
        #expect(Fixtures.press([.character("i")], &state) == [.analyzeKeyspace(Fixtures.sessions)])
        #expect(state.screen == .insights && state.context == .insights && state.insights?.isRunning == true)
        _ = Reducer.reduce(&state, .keyspaceProgress(backend: Fixtures.sessions.id, KeyspaceProgress(sampled: 420, target: 50_000)))
        #expect(DashboardView.render(state).text().contains("reading keys… 420 of about 50,000 (Esc stops)"))
        #expect(Fixtures.press([.escape], &state) == [.stopAnalysis(Fixtures.sessions.id)], "Esc stops a running analysis")
        _ = Reducer.reduce(&state, .keyspaceAnalyzed(Self.outcome(ending: .stopped)))
        #expect(state.insights?.isRunning == false)
        #expect(
            state.insights?.level.map { String(decoding: $0.prefix, as: UTF8.self) } == ["user:", "big:blob", "sess:"],
            "most memory first; a lone key is shown as itself")
    }

    @Test func theServersOwnKeySizesShowFirstWhileTheKeysAreRead() throws {
        var state = Fixtures.state()
        Fixtures.press([.character("i")], &state)
        let sizes = try #require(
            KeySizeDistribution(info: [
                "db0_distrib_strings_sizes": "32=1,512=14,1K=23", "db0_distrib_hashes_items": "1=1,2=4", "db1_distrib_strings_sizes": "1K=2",
            ]))
        #expect(sizes.histograms.map(\.type) == ["strings", "hashes"] && sizes.histograms[0].keys == 40, "databases summed")
        let other = try #require(KeySizeDistribution(info: ["db0_distrib_strings_sizes": "32=2,64=1", "db0_distrib_lists_items": "4=3"]))
        let masters = try #require(KeySizeDistribution.sum([sizes, other]))
        #expect(masters.histograms.map(\.type) == ["strings", "hashes", "lists"], "a cluster's masters summed per type")
        #expect(masters.histograms[0].buckets.map(\.lowerBound) == [32, 64, 512, 1024] && masters.histograms[0].keys == 43)
        _ = Reducer.reduce(
            &state, .keyspaceProgress(backend: Fixtures.sessions.id, KeyspaceProgress(sampled: 0, target: 50_000, keySizes: sizes)))
        let text = DashboardView.render(state).text()
        #expect(text.contains("key sizes (INFO keysizes)") && text.contains("1.0K–2.0K") && text.contains("25"), "\(text)")
        #expect(text.contains("hashes") && text.contains("2–3 items"))
        _ = Reducer.reduce(&state, .keyspaceAnalyzed(Self.outcome()))
        #expect(!DashboardView.render(state).text().contains("key sizes (INFO keysizes)"), "the prefix groups once read")
    }

    @Test func groupsAreEnteredSortedAndLeft() {
        var state = Self.analysed()
        #expect(state.insights?.selectedGroup?.prefix == bytes("user:"))
        Fixtures.press([.enter], &state)
        #expect(state.insights?.path == [bytes("user:")])
        #expect(state.insights?.level.count == 4, "user:0: … user:3:")
        Fixtures.press([.escape], &state)
        #expect(state.insights?.path == [] && state.insights?.selectedGroup?.prefix == bytes("user:"), "back where it was")
        Fixtures.press([.character("s")], &state)
        #expect(state.insights?.sort == .keys && state.insights?.level.first?.prefix == bytes("sess:"))
        Fixtures.press([.character("s")], &state)
        #expect(state.insights?.sort == .noTTL && state.insights?.level.first?.prefix == bytes("user:"))
        Fixtures.press([.escape], &state)
        #expect(state.screen == .overview)
    }

    @Test func resultsStayUntilReadAgain() {
        var state = Self.analysed()
        Fixtures.press([.escape], &state)
        #expect(Fixtures.press([.character("i")], &state).isEmpty, "the last analysis is shown again, not repeated")
        #expect(state.insights?.outcome != nil)
        #expect(Fixtures.press([.character("r")], &state) == [.analyzeKeyspace(Fixtures.sessions)])
        #expect(state.insights?.outcome != nil, "the old figures stay on screen while reading again")
    }

    @Test func dOnAGroupInvalidatesItThroughTheCountingDialog() {
        var state = Self.analysed()
        Fixtures.press([.down, .down], &state)
        let change = PendingChange(.invalidatePrefix(bytes("sess:")), on: Fixtures.sessions)
        #expect(Fixtures.press([.character("D")], &state) == [.count(change)])
        #expect(state.dialog?.change == change)
        var readOnly = Self.analysed()
        readOnly.readOnly = true
        #expect(Fixtures.press([.character("D")], &readOnly).isEmpty && readOnly.dialog == nil)
    }

    @Test func theScreenShowsWhatWasReadAndTheFigures() {
        let canvas = DashboardView.render(Self.analysed())
        assertSnapshot(canvas, named: "insights-120x40")
        let text = canvas.text()
        #expect(text.contains("sessions › insights"))
        #expect(text.contains("10,010 keys, sampled 1,001 (estimates) · read 5s ago in 480ms"))
        let users = text.split(separator: "\n").first { $0.contains("▸ user:") } ?? ""
        #expect(users.contains("4,000") && users.contains("50%"), "keys scaled, half without TTL: \(users)")
    }

    @Test func bigKeysAreAViewOfTheirOwn() {
        var state = Self.analysed()
        Fixtures.press([.character("b")], &state)
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "insights-big-keys-120x40")
        #expect(canvas.text().contains("big:blob") && canvas.text().contains("900,000"))
        Fixtures.press([.escape], &state)
        #expect(state.insights?.view == .prefixes)
    }

    @Test func anAsciiTerminalGetsTheSameLayout() {
        var state = Self.analysed()
        state.asciiOnly = true
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "ascii-insights-120x40")
        #expect(canvas.cells.allSatisfy { $0.scalar.isASCII })
        #expect(canvas.roles() == DashboardView.render(Self.analysed()).roles())
    }
    /// Flask-Caching's groups: a route invalidates only that route (not longer paths under its prefix), a
    /// memoized function is `delete_memoized` with its results swept, stale results have nothing to run.
    @Test func dOnFlaskCachingGroupsRunsTheirOwnInvalidation() {
        var aggregator = KeyspaceAggregator()
        let digests = ["0Kb3lDKnQwwINdkO", "Gt9xvvcm1xc/vp5u", "QtU/408qTAJVufrV"]
        for digest in digests {
            for version in ["FxvLvy", "oldVer"] {
                aggregator.add(SampledKey(key: bytes("flask_cache_\(digest)\(version)"), type: "string", ttlMilliseconds: 60_000, memoryBytes: 100))
            }
        }
        for suffix in ["", String(repeating: "ab12", count: 8)] {
            aggregator.add(SampledKey(key: bytes("flask_cache_view//api/users\(suffix)"), type: "string", ttlMilliseconds: nil, memoryBytes: 10))
        }
        let functions = MemoizedFunctions(byVersion: [bytes("FxvLvy"): "app.expensive"], complete: true)
        let report = aggregator.report(KeyspaceCensus(totalKeys: 8, sampledKeys: 8, memorySource: .memoryUsage), functions: functions)
        var state = Fixtures.state()
        _ = Fixtures.press([.character("i")], &state)
        _ = Reducer.reduce(
            &state,
            .keyspaceAnalyzed(
                KeyspaceOutcome(backend: Fixtures.sessions, options: KeyspaceOptions(), report: report, ending: .completed, elapsed: .zero)))
        Fixtures.press([.enter], &state)
        let names = state.insights?.level.map { $0.name(keyText: { String(decoding: $0, as: UTF8.self) }) }
        #expect(names == ["flask_cache_ [memoized app.expensive]", "flask_cache_ [stale memoized, unreachable]", "flask_cache_view//api/users"])
        #expect(DashboardView.render(state).text().contains("flask_cache_ [memoized app.expensive]"))
        let memoized = PendingChange(
            .invalidateMemoized(function: "app.expensive", keyPrefix: bytes("flask_cache_"), sweep: true), on: Fixtures.sessions)
        #expect(Fixtures.press([.character("D")], &state) == [.count(memoized)], "delete_memoized and its results, counted first")
        Fixtures.press([.escape, .down], &state)
        #expect(Fixtures.press([.character("D")], &state).isEmpty && state.dialog == nil)
        #expect(DashboardView.render(state).text().contains("go when they expire"))
        Fixtures.press([.down], &state)
        let route = PendingChange(.invalidateRoute(path: "/api/users", keyPrefix: bytes("flask_cache_")), on: Fixtures.sessions)
        #expect(Fixtures.press([.character("D")], &state) == [.count(route)], "the route, not /api/users/7 under the same prefix")
        Fixtures.press([.character("y")], &state)
        var done = ChangeOutcome(change: route.change, backend: Fixtures.sessions, dryRun: false)
        done.totals = DeletionTotals(matched: 2, deleted: 2)
        _ = Reducer.reduce(&state, .jobFinished(done))
        #expect(DashboardView.render(state).text().contains("changed since: r reads again"))
    }
}
