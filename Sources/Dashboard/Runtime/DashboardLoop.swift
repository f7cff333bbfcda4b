import Basics
import CacheMonitor

/// The dashboard's main loop: read a key (or wait a little), apply what arrived to the state through the
/// reducer, run the effects, and redraw when something changed or a second passed (TTLs count down, the
/// clock moves). Idle, it wakes ten times a second and draws once a second.
@MainActor
package final class DashboardLoop {
    private let terminal: any TerminalBackend
    private let poller: any SnapshotFeed
    private let inbox: EventInbox
    private let runner: EffectRunner
    /// Lines to print once the terminal is given back: server settings a traffic sample could not put back.
    package private(set) var exitNotes: [String] = []
    private let demo: (any DemoControls)?
    private let themes: (String) -> (theme: Theme, problem: String?)
    private let wallClock: () -> String
    private let rememberOverview: (RememberedOverview) -> String?
    package private(set) var state: AppState
    private var theme: Theme

    /// - Parameters:
    ///   - themes: loads a theme by name (falling back to the default and saying why).
    ///   - wallClock: the clock text for the header (`HH:MM:SS`).
    ///   - changes: runs the confirmed changes (and refuses them in `--read-only`).
    ///   - rememberOverview: keeps the overview's sort and grouping for the next run (the config's `[ui]`);
    ///     returns why it could not, if it could not.
    package init(
        terminal: any TerminalBackend, poller: any SnapshotFeed, state: AppState, changes: ChangeRunner,
        demo: (any DemoControls)? = nil, replay: (any ReplayControls)? = nil, trends: (any TrendArchive)? = nil,
        trafficAudit: (@Sendable (TrafficOutcome) async -> Void)? = nil,
        themes: @escaping (String) -> (theme: Theme, problem: String?),
        wallClock: @escaping () -> String,
        rememberOverview: @escaping (RememberedOverview) -> String? = { _ in nil }
    ) {
        self.rememberOverview = rememberOverview
        self.terminal = terminal
        self.poller = poller
        inbox = EventInbox()
        runner = EffectRunner(poller: poller, inbox: inbox, changes: changes, demo: demo, replay: replay, trends: trends, trafficAudit: trafficAudit)
        self.demo = demo
        self.themes = themes
        self.wallClock = wallClock
        self.state = state
        let loaded = themes(state.themeName)
        theme = loaded.theme
        if let problem = loaded.problem { inbox.post(.notice(problem, role: .warning)) }
    }

    /// Shows `text` on the status line, from any task (a recording that stopped).
    package nonisolated func notice(_ text: String, warning: Bool) {
        inbox.post(.notice(text, role: warning ? .error : .good))
    }

    /// Runs until the operator quits.
    package func run() async {
        let size = terminal.size
        state.width = size.width
        state.height = size.height
        state.asciiOnly = !terminal.supportsUnicode
        let stream = await poller.snapshots()
        let inbox = inbox
        let listener = Task.detached {
            for await snapshot in stream { inbox.post(.snapshot(snapshot)) }
        }
        // The demo's routes panel follows its traffic once a second.
        let demoReader = demo.map { demo in
            Task.detached {
                while !Task.isCancelled {
                    inbox.post(.demoTraffic(await demo.traffic()))
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        defer {
            demoReader?.cancel()
            listener.cancel()
            runner.cancelAll()
        }
        var lastSecond = -1.0
        var dirty = true
        while !state.isQuitting {
            let now = MonotonicSeconds.now
            if now.rounded(.down) != lastSecond {
                lastSecond = now.rounded(.down)
                apply(.tick(now: now, clock: wallClock(), unixTime: UnixTime.now))
                dirty = true
            }
            for event in inbox.drain() {
                apply(event)
                dirty = true
            }
            if state.isQuitting { break }
            if dirty {
                terminal.present(DashboardView.render(state), theme: theme)
                dirty = false
            }
            if let input = terminal.read(timeoutMilliseconds: 100) {
                switch input {
                case .key(let key): apply(.key(key))
                case .mouse(let event): apply(.mouse(event))
                case .resize(let width, let height): apply(.resize(width: width, height: height))
                }
                dirty = true
            }
            await Task.yield()
        }
        // Settings a traffic sample changed go back before the dashboard ends.
        exitNotes = await runner.finishTrafficSamples()
        await poller.stop()
    }

    private func apply(_ event: DashboardEvent) {
        if case .key = event {
            // A key also moves time on, so a TTL shown after it is current.
            state.now = MonotonicSeconds.now
        }
        for effect in Reducer.reduce(&state, event) {
            switch effect {
            case .applyTheme(let name):
                let loaded = themes(name)
                theme = loaded.theme
                if let problem = loaded.problem { state.message = StatusMessage(problem, role: .warning, at: state.now) }
            case .rememberOverview(let choice):
                if let problem = rememberOverview(choice) { state.message = StatusMessage(problem, role: .warning, at: state.now) }
            case .quit:
                break
            default:
                runner.run(effect)
            }
        }
    }
}
