import Basics
import CacheMonitor
import Dashboard
import DemoApp
import Foundation
import TerminalNCurses

/// Opens the dashboard on the configured backends: the terminal taken over, the poller started, the loop
/// run until the operator quits — and the terminal given back on every way out.
enum DashboardRunner {
    @MainActor
    static func run(connection: ConnectionOptions, themeName: String?, demo: Bool, demoOptions: DemoOptions) async throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure(.usage, "the dashboard needs a terminal (stdin and stdout); for a one-off report use 'cachescope snapshot'")
        }
        let environment = ProcessInfo.processInfo.environment
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else {
            throw CommandFailure(.usage, "TERM is not set to a terminal type the dashboard can draw on (such as xterm-256color)")
        }
        var sources = try connection.allSources()
        // The demo runs when nothing is configured, or when asked; never by itself against given servers.
        let session = demo || sources.isEmpty
            ? try await DemoSession.start(options: demoOptions, backends: try DemoLaunch.backends(connection)) : nil
        if let session { sources.insert(session.source, at: 0) }
        let interval = try connection.refreshInterval()
        let config = try connection.configFile()
        let catalog = ThemeCatalog(environment: environment)
        var names = catalog.names
        let chosen = themeName ?? config?.theme ?? (environment["NO_COLOR"].map { !$0.isEmpty } == true ? "monochrome" : "default")
        if !names.contains(chosen) { names.append(chosen) }
        var state = AppState(readOnly: connection.readOnly, refreshSeconds: interval.inSeconds, themeNames: names, thresholds: config?.thresholds ?? Thresholds())
        state.themeIndex = names.firstIndex(of: chosen) ?? 0
        state.hasDemo = session != nil
        let configuredPrefixes = try connection.catalog().backends.map { $0.keyPrefix.map { Array($0.utf8) } }
        state.keyPrefixes = (session != nil ? [Array(DemoApp.keyPrefix.utf8)] : []) + configuredPrefixes
        if let note = session?.server.note { state.message = StatusMessage(note, role: .warning, at: 0) }
        let poller = Poller(sources: sources, configuration: .init(interval: interval))
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let terminal = NCursesTerminal(environment: environment)
        defer { terminal.restore() }
        let loop = DashboardLoop(
            terminal: terminal, sources: sources, poller: poller, state: state, demo: session,
            themes: { catalog.load($0) }, wallClock: { formatter.string(from: Date()) }
        )
        await loop.run()
        terminal.restore()
        await session?.stop()
        for source in sources { await source.close() }
    }
}
