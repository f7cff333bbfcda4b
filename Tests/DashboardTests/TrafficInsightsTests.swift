import Basics
import CacheMonitor
import Testing

@testable import Dashboard

/// Traffic on the insights screen: `w` asks before changing a setting (never in `--read-only`), the sample's
/// figures join the keyspace's groups, sort by hit ratio, hot keys and miss storms; Esc stops a sample.
@Suite struct TrafficInsightsTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let preflight = TrafficPreflight(
        method: .monitorKeymiss, methodWithoutChanges: .monitor,
        changes: [SettingChange(server: "127.0.0.1:6379", name: "notify-keyspace-events", from: "", to: "Em")],
        cost: "MONITOR can halve a busy server's throughput while it runs")

    /// A sample of `sessions`: `user:` read 800 times (90% hits), `sess:` 200 (half missed), `gone:` 100 reads
    /// of keys not stored (all misses), one key missed in a storm.
    static func outcome() -> TrafficOutcome {
        var aggregator = TrafficAggregator()
        for id in 0..<800 { aggregator.record(Array("user:\(id % 4):\(id % 40)".utf8), .read(hit: id % 10 != 0)) }
        for id in 0..<200 { aggregator.record(Array("sess:\(id % 50)".utf8), .read(hit: id % 2 == 0)) }
        for _ in 0..<100 { aggregator.record(Array("gone:1".utf8), .read(hit: false)) }
        aggregator.record(Array("gone:2".utf8), .read(hit: false))
        let report = aggregator.report(method: .monitorKeymiss, duration: .seconds(10))
        return TrafficOutcome(
            backend: Fixtures.sessions, options: TrafficOptions(), report: report, ending: .completed, elapsed: .seconds(10))
    }

    static func sampled() -> AppState {
        var state = InsightsTests.analysed()
        _ = Fixtures.press([.character("w")], &state)
        _ = Reducer.reduce(&state, .trafficPreflight(Fixtures.sessions, preflight))
        _ = Fixtures.press([.character("y")], &state)
        _ = Reducer.reduce(&state, .trafficSampled(outcome()))
        return state
    }

    @Test func wAsksBeforeChangingASettingAndMSamplesWithout() {
        var state = InsightsTests.analysed()
        #expect(Fixtures.press([.character("w")], &state) == [.preflightTraffic(Fixtures.sessions)])
        #expect(Reducer.reduce(&state, .trafficPreflight(Fixtures.sessions, Self.preflight)).isEmpty)
        #expect(state.trafficConsent != nil && state.context == .dialog)
        let text = DashboardView.render(state).text()
        #expect(text.contains("notify-keyspace-events \"\" → \"Em\" on 127.0.0.1:6379"))
        #expect(text.contains("MONITOR can halve a busy server's throughput"))
        #expect(Fixtures.press([.character("m")], &state) == [.sampleTraffic(Fixtures.sessions, mayChangeSettings: false)])
        #expect(state.trafficConsent == nil && state.insights?.isSampling == true)
        #expect(DashboardView.render(state).text().contains("listening… 10 s left"))
        // Esc stops the sample, it does not leave the screen.
        #expect(Fixtures.press([.escape], &state) == [.stopTraffic(Fixtures.sessions.id)])
        #expect(state.screen == .insights)
    }

    @Test func yChangesTheSettingAndEscCancelsWithNothingTouched() {
        var state = InsightsTests.analysed()
        _ = Fixtures.press([.character("w")], &state)
        _ = Reducer.reduce(&state, .trafficPreflight(Fixtures.sessions, Self.preflight))
        #expect(Fixtures.press([.character("y")], &state) == [.sampleTraffic(Fixtures.sessions, mayChangeSettings: true)])
        var cancelled = InsightsTests.analysed()
        _ = Fixtures.press([.character("w")], &cancelled)
        _ = Reducer.reduce(&cancelled, .trafficPreflight(Fixtures.sessions, Self.preflight))
        #expect(Fixtures.press([.escape], &cancelled).isEmpty)
        #expect(cancelled.trafficConsent == nil && cancelled.insights?.isSampling == false)
    }

    @Test func readOnlyNeverAsksAndNeverChanges() {
        var state = InsightsTests.analysed()
        state.readOnly = true
        _ = Fixtures.press([.character("w")], &state)
        #expect(
            Reducer.reduce(&state, .trafficPreflight(Fixtures.sessions, Self.preflight)) == [
                .sampleTraffic(Fixtures.sessions, mayChangeSettings: false)
            ])
        #expect(state.trafficConsent == nil)
    }

    @Test func theSampleJoinsTheKeyspaceGroupsAndSortsByHitRatio() {
        var state = Self.sampled()
        let rows = state.insights?.level ?? []
        let user = rows.first { $0.prefix == bytes("user:") }
        #expect(user?.keyspace?.keys == 4_000 && user?.traffic?.reads == 800 && user?.traffic?.hitRatio == 0.9)
        // Read but never stored: a row of its own.
        let gone = rows.first { $0.prefix == bytes("gone:") }
        #expect(gone?.keyspace == nil && gone?.traffic?.hitRatio == 0)
        let text = DashboardView.render(state).text()
        #expect(text.contains("hit ratio") && text.contains("reads/s"))
        let userLine = text.split(separator: "\n").first { $0.contains("▸ user:") } ?? ""
        #expect(userLine.contains("90.0%"), "\(userLine)")
        Fixtures.press([.character("s"), .character("s"), .character("s"), .character("s")], &state)
        #expect(state.insights?.sort == .hitRatio)
        #expect(state.insights?.level.map(\.prefix).prefix(3) == [bytes("gone:"), bytes("sess:"), bytes("user:")])
    }

    @Test func hotKeysAndMissStormsHaveAViewOfTheirOwn() {
        var state = Self.sampled()
        Fixtures.press([.character("H")], &state)
        #expect(state.insights?.view == .hotKeys)
        let text = DashboardView.render(state).text()
        #expect(text.contains("hot key") && text.contains("gone:1"))
        #expect(text.contains("miss storm"))
        Fixtures.press([.escape], &state)
        #expect(state.insights?.view == .prefixes)
    }

    @Test func aFailedSampleKeepsTheLastFiguresAndSaysWhy() {
        var state = Self.sampled()
        _ = Fixtures.press([.character("w")], &state)
        _ = Reducer.reduce(&state, .trafficPreflight(Fixtures.sessions, TrafficPreflight(method: .watch)))
        var failed = Self.outcome()
        failed.report = nil
        failed.ending = .failed("127.0.0.1:6379 refused MONITOR: NOPERM")
        _ = Reducer.reduce(&state, .trafficSampled(failed))
        #expect(state.insights?.trafficReport != nil)
        #expect(state.message?.text.contains("refused MONITOR") == true)
    }
}
