import CacheMonitor
import Caching
import TestSupport
import Testing

@testable import Dashboard

/// Features a backend lacks, or that its servers refused at run time, are greyed out where they are offered
/// (the footer) and say why when asked for — the same answer for every screen, from the backend's ports and
/// its kept answers.
@Suite struct FeatureAvailabilityTests {
    /// The overview with `backend` in the first row, selected.
    static func state(with backend: MonitoredBackend) -> AppState {
        var state = Fixtures.state()
        state.snapshot.backends[0].backend = backend
        state.latestSnapshot = state.snapshot
        state.selectedBackend = backend.id
        return state
    }

    /// The footer's cell of `key` (the hint `key label`), on the last line.
    static func footerKeyRole(_ key: String, label: String, in canvas: Canvas) -> StyleRole? {
        let line = Array(canvas.text().split(separator: "\n", omittingEmptySubsequences: false).last ?? "")
        let hint = Array("\(key) \(label)")
        guard let start = (0...max(0, line.count - hint.count)).first(where: { Array(line[$0..<$0 + hint.count]) == hint }) else { return nil }
        return canvas[start, canvas.height - 1].role
    }

    @Test func aRefusedDeletionIsGreyedOutAndSaysWhyInTheServersWords() async {
        let source = FakeSource(name: "sessions", address: Fixtures.sessions.address)
        source.add(["user:1"])
        let backend = MonitoredBackend(id: Fixtures.sessions.id, name: "sessions", kind: .redis, address: Fixtures.sessions.address, source: source)
        var state = Self.state(with: backend)
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .keysLoaded(backend: backend.id, filter: .all, window: KeyWindow.complete([Fixtures.key("user:1", ttl: nil)])))
        #expect(Self.footerKeyRole("d", label: "delete", in: DashboardView.render(state)) == .keyHint, "nothing refused yet")
        // A deletion refused by the server (an ACL user without UNLINK): the backend keeps the answer.
        source.refuse(.keyDeletion, with: Refusal(.noPermission, command: "UNLINK", message: "NOPERM no permissions to run the 'unlink' command"))
        _ = await ChangeRunner(readOnly: false).start(.deleteKeys([Array("user:1".utf8)]), on: backend).outcome
        let frame = DashboardView.render(state)
        #expect(Self.footerKeyRole("d", label: "delete", in: frame) == .dim, "greyed out")
        #expect(Self.footerKeyRole("D", label: "invalidate", in: frame) == .dim, "every deletion is")
        #expect(Self.footerKeyRole("/", label: "filter", in: frame) == .keyHint, "the rest is not")
        #expect(Fixtures.press([.character("d")], &state).isEmpty)
        #expect(state.dialog == nil, "no dialog for what the server refuses")
        #expect(state.message?.text.contains("fake:1: UNLINK refused: NOPERM no permissions to run the 'unlink' command") == true)
        #expect(state.message?.role == .warning)
        #expect(DashboardView.render(state).text().contains("NOPERM"), "the status line shows it")
    }

    @Test func whatABackendsTypeLacksIsGreyedOutEverywhere() {
        let demo = MonitoredBackend(id: Fixtures.sessions.id, source: InProcessSource(name: "demo", backend: NullCache()))
        var state = Self.state(with: demo)
        #expect(Self.footerKeyRole("h", label: "health", in: DashboardView.render(state)) == .dim)
        #expect(Self.footerKeyRole("i", label: "insights", in: DashboardView.render(state)) == .keyHint)
        #expect(Fixtures.press([.character("h")], &state).isEmpty)
        #expect(state.screen == .overview)
        #expect(state.message?.text == "demo is an in-process cache: it has no server health")
    }

    @Test func aRefusedTrafficSampleIsNotAskedForAgain() {
        let demo = MonitoredBackend(id: Fixtures.sessions.id, source: InProcessSource(name: "demo", backend: NullCache()))
        var state = Self.state(with: demo)
        _ = Reducer.reduce(&state, .key(.character("i")))
        #expect(state.screen == .insights)
        #expect(Fixtures.press([.character("w")], &state) == [.preflightTraffic(demo)], "not asked yet: asked")
        demo.answers.record(
            .refused(Refusal(.notSupported, command: "traffic sample", message: "a null cache keeps no per-key traffic log")), for: .traffic)
        #expect(Self.footerKeyRole("w", label: "traffic", in: DashboardView.render(state)) == .dim)
        #expect(Fixtures.press([.character("w")], &state).isEmpty, "refused: not asked again")
        #expect(state.message?.text.contains("a null cache keeps no per-key traffic log") == true)
    }
}
