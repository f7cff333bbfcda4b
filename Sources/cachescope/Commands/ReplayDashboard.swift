import Basics
import CacheMonitor
import Dashboard
import Foundation
import Recording
import Settings
import TerminalNCurses

/// `cachescope replay FILE`: the dashboard on a recording — the same overview, backend panel and attention,
/// at a time cursor the replay keys move; nothing that reaches a server is offered.
enum ReplayDashboard {
    @MainActor
    static func run(reader: RecordingReader, range: ClosedRange<Int64>, at instant: Int64, themeName: String?, mouse: Bool) async throws {
        let environment = try DashboardRunner.requireTerminal(oneOff: "for one instant use 'cachescope replay FILE --at TIME --json'")
        let feed: ReplayFeed
        do {
            feed = try await ReplayFeed(reader: reader, range: range, at: instant)
        } catch {
            throw CommandFailure(.usage, error.message)
        }
        let catalog = ThemeCatalog(environment: environment)
        var names = catalog.names
        let chosen = themeName ?? (environment["NO_COLOR"].map { !$0.isEmpty } == true ? "monochrome" : "default")
        if !names.contains(chosen) { names.append(chosen) }
        // Read-only: a recording has nothing to change, and no key that would is offered.
        var state = AppState(readOnly: true, refreshSeconds: await reader.interval.inSeconds, themeNames: names)
        state.themeIndex = names.firstIndex(of: chosen) ?? 0
        state.replay = await feed.position
        state.hasTrendArchive = true
        state.message = StatusMessage(
            "replaying \(await reader.store.path): , . step · [ ] a minute · { } an hour · : go to · Space plays", role: .accent, at: 0)
        let terminal = NCursesTerminal(environment: environment, mouse: mouse)
        defer { terminal.restore() }
        let loop = DashboardLoop(
            terminal: terminal, poller: feed, state: state, changes: ChangeRunner(readOnly: true), replay: feed,
            trends: RecordingTrendArchive(reader: reader),
            themes: { catalog.load($0) }, wallClock: { "" })
        await loop.run()
        terminal.restore()
    }
}
