import CacheMonitor
import Testing

@testable import Dashboard

/// The replay keys, header and timeline: the reducer asks the replay to move (and says where the keys work
/// outside one); the frame says it is a replay, shows the instant and the events on the timeline.
@Suite struct ReplayDashboardTests {
    private func replaying(_ state: AppState = Fixtures.state()) -> AppState {
        var state = state
        // 02:00 to 04:00 UTC with events at 03:00 and 03:30; the cursor at 03:10.
        let start: Int64 = 1_796_522_400_000
        state.replay = ReplayPosition(
            instant: start + 4_200_000, range: start...(start + 7_200_000), marks: [start + 3_600_000, start + 5_400_000],
            instantText: "2026-12-06 03:10:00")
        return state
    }

    @Test func theKeysAskTheReplayToMove() {
        var state = replaying()
        let cases: [(KeyPress, ReplayMove)] = [
            (.character(","), .step(-1)), (.character("."), .step(1)), (.character("["), .move(seconds: -60)), (.character("]"), .move(seconds: 60)),
            (.character("{"), .move(seconds: -3_600)), (.character("}"), .move(seconds: 3_600)), (.character(" "), .togglePlay),
            (.character(">"), .faster), (.character("<"), .slower), (.character("n"), .nextEvent), (.character("N"), .previousEvent),
        ]
        for (key, move) in cases {
            #expect(Reducer.reduce(&state, .key(key)) == [.replay(move)], "\(key)")
        }
        // `:` opens an input; Enter asks for the typed time.
        #expect(Reducer.reduce(&state, .key(.character(":"))).isEmpty)
        #expect(state.input?.purpose == .replayTime)
        for character in "-2h" { _ = Reducer.reduce(&state, .key(.character(character))) }
        #expect(Reducer.reduce(&state, .key(.enter)) == [.replay(.jump("-2h"))])
        #expect(state.input == nil)
    }

    @Test func outsideAReplayTheKeysSayWhereTheyWork() {
        var state = Fixtures.state()
        #expect(Reducer.reduce(&state, .key(.character(","))).isEmpty)
        #expect(state.message.map { MessageText.line($0.content, asciiOnly: false).contains("only in a replay") } == true)
        let footer = KeyMap.footer(for: .overview, readOnly: false).map(\.action)
        #expect(!footer.contains(.replayPlay))
        #expect(KeyMap.footer(for: .overview, readOnly: true, replay: true).map(\.action).contains(.replayPlay))
    }

    @Test func aMovedCursorIsTheNewPositionAndItsNoteIsShown() {
        var state = replaying()
        var moved = try! #require(state.replay)
        moved.instant += 1_000
        moved.instantText = "2026-12-06 03:10:01"
        moved.note = "the recording ends at 2026-12-06 04:00:00"
        _ = Reducer.reduce(&state, .replayMoved(moved))
        #expect(state.replay?.instantText == "2026-12-06 03:10:01")
        #expect(state.message.map { MessageText.line($0.content, asciiOnly: false) } == "the recording ends at 2026-12-06 04:00:00")
    }

    @Test func insightsShowTheAnalysisTheRecordingKeptAndFollowTheCursor() throws {
        var state = replaying(Fixtures.state(width: 120, height: 30))
        // `i` reads no server in a replay: it asks the recording.
        #expect(Fixtures.press([.character("i")], &state) == [.replayInsights(Fixtures.sessions)])
        #expect(state.screen == .insights)
        let recorded = ReplayedInsights(
            keyspace: .init(InsightsTests.outcome(), takenAtText: "2026-12-06 03:00:00", secondsBeforeCursor: 600))
        _ = Reducer.reduce(&state, .insightsReplayed(Fixtures.sessions, recorded))
        let frame = DashboardView.render(state).text()
        #expect(frame.contains("sess:") && frame.contains("recorded 2026-12-06 03:00:00, 10m0s ago"), "\(frame)")
        // A traffic sample recorded too: its hit ratios, and when it was taken.
        _ = Reducer.reduce(
            &state,
            .insightsReplayed(
                Fixtures.sessions,
                ReplayedInsights(
                    keyspace: .init(InsightsTests.outcome(), takenAtText: "2026-12-06 03:00:00", secondsBeforeCursor: 600),
                    traffic: .init(TrafficInsightsTests.outcome(), takenAtText: "2026-12-06 03:05:00", secondsBeforeCursor: 300))))
        #expect(state.insights?.trafficReport != nil)
        var wide = state
        wide.width = 240
        #expect(DashboardView.render(wide).text().contains("recorded 2026-12-06 03:05:00, 5m0s ago: hit ratio"))
        // The cursor moves: the recording is asked again; `r` asks it again too.
        var moved = try #require(state.replay)
        moved.instant -= 3_600_000
        #expect(Reducer.reduce(&state, .replayMoved(moved)) == [.replayInsights(Fixtures.sessions)])
        #expect(Fixtures.press([.character("r")], &state) == [.replayInsights(Fixtures.sessions)])
        // None recorded by then: the screen empties and says how a recording gets them.
        _ = Reducer.reduce(&state, .insightsReplayed(Fixtures.sessions, ReplayedInsights()))
        #expect(state.insights?.outcome == nil)
        #expect(
            state.message.map { MessageText.line($0.content, asciiOnly: false).contains("no keyspace or traffic sample of sessions was recorded") }
                == true)
    }

    @Test func theFrameSaysItIsAReplayAndShowsTheTimeline() {
        let state = replaying(Fixtures.state(width: 100, height: 30))
        let lines = DashboardView.render(state).text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].contains(" REPLAY ") && lines[0].hasSuffix("2026-12-06 03:10:00 "), "\(lines[0])")
        #expect(!lines[0].contains("every 1s"))
        let bar = lines[27]
        #expect(bar.contains("‖ paused"), "\(bar)")
        // Two marks and the cursor on the track.
        #expect(bar.filter { $0 == "│" }.count == 2, "\(bar)")
        #expect(bar.contains("●"))
        // The cursor (03:10) sits after the first mark (03:00) and before the second (03:30).
        let cursor = bar.distance(from: bar.startIndex, to: bar.firstIndex(of: "●") ?? bar.startIndex)
        let marks = bar.indices.filter { bar[$0] == "│" }.map { bar.distance(from: bar.startIndex, to: $0) }
        #expect(marks.count == 2 && marks[0] < cursor && cursor < marks[1], "\(bar)")
        #expect(lines[29].contains("Space play"))
    }

    @Test func zoomedTrendsComeFromTheRecordingAndShowInThePanel() {
        var state = Fixtures.state()
        #expect(Reducer.reduce(&state, .key(.character("z"))).isEmpty)
        #expect(state.message.map { MessageText.line($0.content, asciiOnly: false).contains("--record FILE") } == true)
        state.hasTrendArchive = true
        let effects = Reducer.reduce(&state, .key(.character("z")))
        guard case .loadTrends(let backend, let zoom, let points, nil) = effects.first else {
            Issue.record("no trends asked for: \(effects)")
            return
        }
        #expect(zoom == .hour && backend.id == state.selectedSnapshot?.id && points == BackendPanel.graphWidth(panelWidth: state.width))
        #expect(DashboardView.render(state).text().contains("trends: last hour (reading…)"))
        let trends = ZoomedTrends(
            backend: backend.id, zoom: .hour, hitRatio: Array(repeating: 0.5, count: points),
            operationsPerSecond: Array(repeating: 10, count: points),
            memoryBytes: Array(repeating: 1e6, count: points))
        _ = Reducer.reduce(&state, .trendsLoaded(trends, zoom: .hour))
        #expect(state.zoomedTrends == trends)
        let frame = DashboardView.render(state).text()
        #expect(frame.contains("trends: last hour") && !frame.contains("reading…"))
        // z again: the last day; a third time: live, nothing to read.
        _ = Reducer.reduce(&state, .key(.character("z")))
        #expect(state.trendZoom == .day && state.zoomedTrends == nil)
        #expect(Reducer.reduce(&state, .key(.character("z"))).isEmpty)
        #expect(state.trendZoom == .live)
    }
}
