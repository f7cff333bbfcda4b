import Basics
import CacheMonitor
import Dashboard
import DemoApp
import Foundation
import Recording
import Settings
import Synchronization
import TerminalNCurses

/// Opens the dashboard on the configured backends: the terminal taken over, the poller started, the loop
/// run until the operator quits — and the terminal given back on every way out.
enum DashboardRunner {
    /// The environment, once standard input and output are a terminal the dashboard can draw on.
    /// - Parameter oneOff: what to run instead, said when they are not.
    static func requireTerminal(oneOff: String) throws -> [String: String] {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure(.usage, "the dashboard needs a terminal (stdin and stdout); \(oneOff)")
        }
        let environment = ProcessInfo.processInfo.environment
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else {
            throw CommandFailure(.usage, "TERM is not set to a terminal type the dashboard can draw on (such as xterm-256color)")
        }
        return environment
    }

    @MainActor
    /// - Parameter mouse: whether clicks and the wheel work (`--no-mouse` turns them off; so does `mouse =
    ///   false` in the config file).
    /// - Parameter record: `--record FILE`: everything watched is recorded too, and every change made.
    static func run(
        connection: ConnectionOptions, themeName: String?, demo: Bool, demoOptions: DemoOptions, mouse: Bool = true,
        record: RecordFlags = RecordFlags()
    ) async throws {
        let environment = try requireTerminal(oneOff: "for a one-off report use 'cachescope snapshot'")
        let setup = try connection.setup()
        // The demo runs when nothing is configured, or when asked; never by itself against given servers.
        let session =
            demo || setup.catalog.isEmpty
            ? try await DemoSession.start(options: demoOptions, backends: try DemoLaunch.backends(setup)) : nil
        // Made once: the demo's own cache first (number 1), then the configured backends in display order.
        let demoBackends = session.map { [MonitoredBackend(id: BackendID(0), source: $0.source, keyPrefix: Array(DemoApp.keyPrefix.utf8))] } ?? []
        let backends = demoBackends + setup.backends(from: demoBackends.count)
        let catalog = ThemeCatalog(environment: environment)
        var names = catalog.names
        let chosen = themeName ?? setup.config?.theme ?? (environment["NO_COLOR"].map { !$0.isEmpty } == true ? "monochrome" : "default")
        if !names.contains(chosen) { names.append(chosen) }
        var state = AppState(
            readOnly: setup.readOnly, refreshSeconds: setup.refresh.inSeconds, themeNames: names, thresholds: setup.config?.thresholds ?? Thresholds()
        )
        state.themeIndex = names.firstIndex(of: chosen) ?? 0
        if let remembered = setup.config?.overview {
            state.overview.options = OverviewOptions(sort: remembered.sort, reversed: remembered.reversed, grouping: remembered.grouping)
        }
        // The sort and grouping are kept in the file in use, else in the default one (made for it).
        let uiFile = setup.config?.path ?? ConfigFile.defaultPath(environment: environment)
        state.hasDemo = session != nil
        if backends.isEmpty, !setup.discoveryTargets.isEmpty {
            state.emptyMessage =
                "No masters found yet by \(setup.discoveryTargets.joined(separator: " or ")) (asked every \(DurationText.limit(RunSetup.discoveryInterval)))."
        }
        if let note = session?.server.note { state.message = StatusMessage(note, role: .warning, at: 0) }
        let poller = Poller(backends: backends, configuration: .init(interval: setup.refresh, attention: state.thresholds.attention))
        var clearDemoCache: (@Sendable () async throws -> Int)?
        if let session { clearDemoCache = { try await session.clearCache() } }
        // With --record: a recording that stops (disk full) says so on the status line; watching goes on.
        let recordingNotices = LineRelay()
        var recording: RecordingSession?
        do {
            if let file = record.file {
                recording = try await RecordingSession.start(
                    file: file, interval: setup.refresh, options: record.options, poller: poller, insights: record.insights
                ) { reason in
                    recordingNotices.send(reason)
                }
            }
        } catch {
            await session?.stop()
            throw error
        }
        var audit: (@Sendable (ChangeOutcome) async -> Void)?
        if let recorder = recording?.recorder { audit = { await recorder.noteChange($0) } }
        let changes = setup.changeRunner(clearDemoCache: clearDemoCache, audit: audit)
        // The trends zoom out from what is recorded (read while it is written).
        let archive: RecordingReader? = recording == nil ? nil : try? await RecordingReader.open(recording?.file ?? "")
        state.hasTrendArchive = archive != nil
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        // The settings a traffic sample changes (and puts back) go into the recording too.
        var trafficAudit: (@Sendable (TrafficOutcome) async -> Void)?
        if let recorder = recording?.recorder { trafficAudit = { await recorder.noteSettings(of: $0) } }
        let terminal = NCursesTerminal(environment: environment, mouse: mouse && setup.config?.mouse != false)
        defer { terminal.restore() }
        let loop = DashboardLoop(
            terminal: terminal, poller: poller, state: state, changes: changes, demo: session,
            trends: archive.map { RecordingTrendArchive(reader: $0) },
            trafficAudit: trafficAudit,
            themes: { catalog.load($0) }, wallClock: { formatter.string(from: Date()) },
            rememberOverview: { choice in
                guard let uiFile else { return "the sort is not kept: no configuration file (--config) and no HOME" }
                do {
                    try UIMemory.remember(choice, in: uiFile)
                    return nil
                } catch let error as SettingsError {
                    return error.message
                } catch {
                    return "\(error)"
                }
            }
        )
        recordingNotices.listen { [loop] line in loop.notice(line, warning: true) }
        // Sentinels naming `*`: their masters join (and leave) while the dashboard runs, which draws at once;
        // sentinels that do not answer are said on the status line (again only when what they say changes).
        let said = Mutex<String?>(nil)
        let discovery = await setup.startDiscovery(poller: poller, from: demoBackends.count) { [loop] problems in
            let text = problems.isEmpty ? nil : problems.joined(separator: "; ")
            let changed = said.withLock { said in
                defer { said = text }
                return text != nil && text != said
            }
            if changed, let text { loop.notice(text, warning: true) }
        }
        await loop.run()
        await archive?.close()
        await recording?.finish()
        discovery?.task.cancel()
        await discovery?.fleet.close()
        terminal.restore()
        for line in loop.exitNotes { Terminal.printError("cachescope: \(line)") }
        if let recording, let reason = await recording.recorder.stopReason { Terminal.printError("cachescope: \(reason)") }
        await session?.stop()
        for backend in await poller.backends { await backend.source.close() }
    }
}
