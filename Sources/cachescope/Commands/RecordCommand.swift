import ArgumentParser
import Basics
import CacheMonitor
import Foundation
import Recording

/// `cachescope record`: every backend's readings, state and events into a recording, until a signal.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record every backend's readings, state and events into a file, until Ctrl-C or SIGTERM.",
        discussion: """
            Watches the same backends as the dashboard (configuration, --tag, --redis, --memcached …) and writes \
            each reading — the figures 'snapshot --json' has, per backend and per server — into FILE, an SQLite \
            database: readings in compressed blocks (about 4 KB, at most fifteen minutes each), states (status, error, version, roles, what needs \
            attention) when they change, events (up, down, failover, attention raised and cleared, counters \
            reset), and every --keyspace-every (15m; off) each backend's keyspace sampled as 'analyze --json' \
            reports it (the samples table, kind keyspace), and, when asked, every --traffic-every (off) its traffic \
            listened to for --traffic-for as 'traffic --json' reports it (kind traffic; MONITOR can halve a busy \
            Redis's throughput while it listens). A traffic sample changes no server setting unless \
            --traffic-change-settings allows it (key-miss events for hit ratios; put back after each sample, \
            recorded as events). 'replay' shows both on the insights screen (i). Open blocks are written every 5 seconds: a process killed mid-recording loses at most that. \
            Data older than --keep, and the oldest data beyond --max-size, is dropped as it goes. One recorder per \
            file; 'cachescope replay FILE' reads it while it records. The tables are plain SQL: sqlite3 FILE \
            "SELECT datetime(at_ms/1000,'unixepoch'), kind, summary FROM events".

            Exit codes: 0 stopped by a signal; 1 the recording stopped (disk full, the file went away); 2 usage, \
            configuration error, or FILE is not a recording this version writes (another program's file, a newer \
            format, another recorder on it).
            """
    )

    @Option(name: .customLong("to"), help: ArgumentHelp("The recording file (created when missing, appended to when it is one).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Time between two readings of a backend: 1s, 500ms, 10s (default: 1s).", valueName: "duration"))
    var interval: String?

    @Option(help: ArgumentHelp("Drop data older than this: 7d, 36h, 90m.", valueName: "duration"))
    var keep: String = "7d"

    @Option(help: ArgumentHelp("Keep the file under this size, dropping the oldest data first: 500MB, 2GB (default: no limit).", valueName: "size"))
    var maxSize: String?

    @Option(help: ArgumentHelp("How long one reading may take before a backend counts as down.", valueName: "duration"))
    var timeout: String = "2s"

    @Option(
        help: ArgumentHelp(
            "How often each backend's keyspace is sampled into the recording (as analyze samples it), or off.", valueName: "duration|off"))
    var keyspaceEvery: String = "15m"

    @Option(
        help: ArgumentHelp(
            "How often each backend's traffic is sampled into the recording (as 'traffic' listens: MONITOR on Redis, watch on memcached), or off.",
            valueName: "duration|off"))
    var trafficEvery: String = "off"

    @Option(help: ArgumentHelp("How long each traffic sample listens (at most 120s).", valueName: "duration"))
    var trafficFor: String = "10s"

    @Flag(help: "Let the traffic samples turn on the server settings they need (key-miss events), put back after each; never with --read-only.")
    var trafficChangeSettings = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        for (name, text, range) in [
            ("--interval", interval, Duration.milliseconds(100)...Duration.seconds(3_600)),
            ("--timeout", Optional(timeout), Duration.milliseconds(1)...Duration.seconds(600)),
        ] {
            guard let text else { continue }
            guard let duration = DurationText.parse(text), range.contains(duration) else {
                throw ValidationError(
                    "\(name) '\(text)': give a duration from \(DurationText.limit(range.lowerBound)) to \(DurationText.limit(range.upperBound)), such as 1s or 500ms"
                )
            }
        }
        try RecordFlags.check(keep: keep, keepFlag: "--keep", maxSize: maxSize, maxSizeFlag: "--max-size")
        _ = try InsightSchedule.every(keyspaceEvery, flag: "--keyspace-every")
        _ = try InsightSchedule.every(trafficEvery, flag: "--traffic-every", minimum: .seconds(5))
        guard let listen = DurationText.parse(trafficFor), listen >= .seconds(1), listen <= TrafficOptions.maxDuration else {
            throw ValidationError("--traffic-for '\(trafficFor)': give a duration from 1s to 120s, such as 10s")
        }
    }

    func run() async throws {
        let setup = try connection.setup()
        guard !setup.catalog.isEmpty else {
            throw CommandFailure(.usage, "no backend given: add --redis URL or --memcached HOST:PORT, or a configuration file")
        }
        let interval = interval.flatMap(DurationText.parse) ?? setup.refresh
        let poller = Poller(
            backends: setup.backends(),
            configuration: .init(
                interval: interval, timeout: DurationText.parse(timeout) ?? .seconds(2),
                attention: setup.config?.thresholds.attention ?? AttentionThresholds()))
        let discovery = await setup.startDiscovery(poller: poller, from: 0)
        let options = Recorder.Options(keep: DurationText.parse(keep) ?? .seconds(7 * 86_400), maxBytes: maxSize.flatMap(ByteSizeText.parse))
        let session: RecordingSession
        do {
            // A recording that stops (disk full) ends the command: recording is all it does.
            session = try await RecordingSession.start(
                file: file, interval: interval, options: options, poller: poller,
                insights: InsightSchedule(
                    keyspaceEvery: try InsightSchedule.every(keyspaceEvery, flag: "--keyspace-every"),
                    trafficEvery: try InsightSchedule.every(trafficEvery, flag: "--traffic-every", minimum: .seconds(5)),
                    trafficListen: DurationText.parse(trafficFor) ?? TrafficOptions.defaultDuration,
                    trafficMayChangeSettings: trafficChangeSettings && !setup.readOnly)
            ) { _ in await poller.stop() }
        } catch {
            discovery?.task.cancel()
            for backend in await poller.backends { await backend.source.close() }
            throw error
        }
        let count = await poller.backends.count
        Terminal.printError(
            "recording \(count) backend\(count == 1 ? "" : "s") every \(DurationText.limit(interval)) into \(file) "
                + "(keep \(keep)\(maxSize.map { ", at most \($0)" } ?? "")); Ctrl-C stops")
        let signals = StopOnSignals { Task { await poller.stop() } }
        // Returns when a signal or a stopped recording stops the poller.
        for await _ in await poller.snapshots() {}
        signals.restore()
        let stopped = await session.recorder.stopReason
        await session.finish()
        discovery?.task.cancel()
        await discovery?.fleet.close()
        for backend in await poller.backends { await backend.source.close() }
        if let stopped { throw CommandFailure(.backendFailed, stopped) }
        Terminal.printError("recording ended: \(file)")
    }
}
