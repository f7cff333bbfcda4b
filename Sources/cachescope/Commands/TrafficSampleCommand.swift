import ArgumentParser
import Basics
import CacheMonitor
import Foundation

/// `cachescope traffic`: per prefix and per key, what is read, hit, missed and written — listened to for a while.
struct TrafficSampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "Listen to a backend's traffic for a while: reads, hits, misses and writes per prefix, hot keys, miss storms.",
        discussion: """
            memcached (each server of a pool): `watch fetchers mutations`, which changes nothing on the server. \
            Redis (a server, or every master of a cluster): MONITOR for reads and writes per key, and key-miss \
            events (notify-keyspace-events E and m) for misses. MONITOR can halve a busy server's throughput \
            while it runs. When the events are off, cachescope asks (on a terminal) to turn them on for the \
            sample and puts the previous value back afterwards — also on Ctrl-C, SIGTERM or a lost connection; \
            --yes turns them on without asking. Otherwise, and always with --read-only, no setting is touched: \
            the sample runs with MONITOR alone and hit ratios are unknown (null).

            With --json: {"backend","type","method","durationMs","reads","writes","prefixes":[{"prefix","depth",\
            "reads","hits","misses","hitRatio","writes"}],"hotKeys":[{"key","reads","share","misses"}],\
            "missStorms":[{"key","misses"}]} — method is watch, monitor+keymiss, monitor or in-process; \
            hitRatio and share are fractions (0–1), null where unknown; keys and prefixes are in the key escape \
            form. Per-prefix figures are exact; hot keys and miss storms are approximate top lists.

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
    var backend: String?

    @Option(help: ArgumentHelp("How long to listen (at most 120s).", valueName: "duration"))
    var duration: String = "10s"

    @Option(help: ArgumentHelp("How many hot keys and miss storms to list.", valueName: "n"))
    var top: Int = 20

    @Option(help: ArgumentHelp("How many levels of prefix groups to list (1 = top level only).", valueName: "n"))
    var depth: Int = 2

    @Flag(help: "Turn on the server settings the sample needs (and put them back afterwards) without asking.")
    var yes = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard let listen = DurationText.parse(duration), listen > .zero else {
            throw ValidationError("--duration '\(duration)': give a time such as 10s, 500ms or 2m")
        }
        if listen > TrafficOptions.maxDuration { throw ValidationError("--duration \(duration): at most 120s") }
        if top < 0 || top > 1_000 { throw ValidationError("--top \(top): give a number from 0 to 1,000") }
        if depth < 1 || depth > 16 { throw ValidationError("--depth \(depth): give a number from 1 to 16") }
    }

    func run() async throws {
        let setup = try connection.setup()
        let backend = try await setup.backend(self.backend)
        let source = try backend.commandPort(\.traffic, for: .traffic)
        try await source.executeThenClose { source in try await sample(backend, source, readOnly: setup.readOnly) }
    }

    /// Makes the plan, asks what it needs, and runs it: the report, or one line on standard error.
    private func sample(_ backend: MonitoredBackend, _ source: any TrafficSource, readOnly: Bool) async throws {
        let preflight: TrafficPreflight
        do {
            preflight = try await CommandFailure.reporting(backend.name, backend.address) {
                try await source.connectForReading()
                return try await source.trafficPreflight()
            }
        } catch let unavailable as MonitorError {
            throw CommandFailure(.usage, "\(backend.name) (\(backend.address)): \(unavailable.description)")
        }
        let mayChange = try askToChange(preflight, readOnly: readOnly)
        let options = TrafficOptions(
            duration: DurationText.parse(duration) ?? TrafficOptions.defaultDuration, maxDepth: max(8, depth), topKeys: top,
            mayChangeSettings: mayChange)
        let job = TrafficSampling.start(on: backend, options: options, plan: preflight)
        let signals = StopOnSignals { job.stop() }
        let progress = Terminal.ProgressLine(enabled: Terminal.stderrIsTerminal && !json)
        for await event in job.events {
            guard case .progress(let done, _) = event else { continue }
            let left = max(.zero, done.duration - done.elapsed)
            progress.update("listening to \(backend.name): \(HumanUnits.count(done.events)) events, \(DurationText.limit(left)) left (Ctrl-C stops)")
        }
        progress.finish()
        signals.restore()
        let outcome = await job.outcome
        guard let report = outcome.report else {
            if case .failed(let reason) = outcome.ending { throw CommandFailure(.backendFailed, "\(backend.name) (\(backend.address)): \(reason)") }
            return
        }
        for line in report.settingsNotRestored { Terminal.printError("cachescope: \(line)") }
        if json {
            print(TrafficReportText.json(report, outcome: outcome, depth: depth).text)
        } else {
            print(TrafficReportText.table(report, outcome: outcome, depth: depth, top: top), terminator: "")
        }
        if !report.settingsNotRestored.isEmpty { throw ExitCode(ExitStatus.backendFailed.rawValue) }
    }

    /// Whether the settings the sample needs may be changed: never in read-only, at once with --yes, else
    /// only after a yes on a terminal. Says on standard error what is given up otherwise.
    private func askToChange(_ preflight: TrafficPreflight, readOnly: Bool) throws -> Bool {
        guard !preflight.changes.isEmpty else { return false }
        let changes = preflight.changes.map(\.description).joined(separator: "; ")
        if readOnly {
            Terminal.printError("cachescope: --read-only: not changing \(changes); hit ratios will be unknown")
            return false
        }
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            Terminal.printError("cachescope: not changing \(changes) without --yes; hit ratios will be unknown")
            return false
        }
        if let cost = preflight.cost { Terminal.printError(cost) }
        let answer = Terminal.confirm("Change \(changes) for the sample (put back afterwards)?") ?? false
        if !answer { Terminal.printError("cachescope: nothing changed; hit ratios will be unknown") }
        return answer
    }
}
