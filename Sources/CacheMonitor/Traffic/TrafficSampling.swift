import Basics
import RESP

/// How a traffic sample runs.
package struct TrafficOptions: Sendable, Hashable {
    /// How long it listens.
    package var duration: Duration
    /// How many delimiters deep groups go.
    package var maxDepth: Int
    /// How many hot keys and miss storms are listed.
    package var topKeys: Int
    /// Whether server settings the sample needs may be changed for it (and put back afterwards): only after
    /// a yes, never in `--read-only`.
    package var mayChangeSettings: Bool

    package static let defaultDuration = Duration.seconds(10)
    package static let maxDuration = Duration.seconds(120)

    package init(duration: Duration = TrafficOptions.defaultDuration, maxDepth: Int = 8, topKeys: Int = 20, mayChangeSettings: Bool = false) {
        self.duration = min(max(duration, .milliseconds(100)), Self.maxDuration)
        self.maxDepth = maxDepth
        self.topKeys = topKeys
        self.mayChangeSettings = mayChangeSettings
    }
}

/// A server setting a traffic sample changes for its duration, and puts back.
package struct SettingChange: Sendable, Hashable, Codable {
    /// `host:port`.
    package var server: String
    package var name: String
    package var from: String
    package var to: String

    package init(server: String, name: String, from: String, to: String) {
        self.server = server
        self.name = name
        self.from = from
        self.to = to
    }

    /// `notify-keyspace-events "" → "Em" on 127.0.0.1:6379`.
    package var description: String { "\(name) \"\(from)\" → \"\(to)\" on \(server)" }
}

/// What a traffic sample on a backend needs before it starts, learned without changing anything — and the
/// plan the sample then runs: the servers it listens to, the settings it would change (asked first), how it
/// measures with and without them, and what it costs. The sample reads neither the server list nor the
/// settings again.
package struct TrafficPreflight: Sendable, Hashable {
    /// How it measures when ``changes`` are made (or none are needed).
    package var method: TrafficMethod
    /// How it measures without them.
    package var methodWithoutChanges: TrafficMethod
    /// Settings to change for the sample (empty: nothing to ask).
    package var changes: [SettingChange]
    /// What the sample costs the server, in one line (`nil`: nothing worth saying).
    package var cost: String?
    /// What it cannot measure, and why (one line each).
    package var notes: [String]
    /// The servers it listens to: the server, every master of a cluster, every server of a pool; empty for
    /// a backend that is not made of servers (in process).
    package var servers: [TrafficServer]

    package init(
        method: TrafficMethod, methodWithoutChanges: TrafficMethod? = nil, changes: [SettingChange] = [], cost: String? = nil, notes: [String] = [],
        servers: [TrafficServer] = []
    ) {
        self.method = method
        self.methodWithoutChanges = methodWithoutChanges ?? method
        self.changes = changes
        self.cost = cost
        self.notes = notes
        self.servers = servers
    }
}

/// One server a traffic sample listens to, as its preflight found it.
package struct TrafficServer: Sendable, Hashable {
    /// How the server's key-miss events stood (Redis `notify-keyspace-events`).
    package enum KeyMisses: Sendable, Hashable {
        /// The server's stream tells misses itself (memcached's `watch`).
        case inStream
        /// Already on: subscribed to as they are.
        case on
        /// Off: turned on for the sample after a yes (this change), else hit ratios are unknown.
        case off(SettingChange)
        /// The setting could not be read (refused): hit ratios are unknown.
        case unknown(Refusal)
    }

    /// How the sample hears of the server's keys (Redis).
    package enum Listening: Sendable, Hashable {
        /// Its command stream (`MONITOR`): reads and writes.
        case monitor
        /// `MONITOR` was refused (this refusal): key tracking's invalidations tell the changes, not the reads.
        case tracking(because: Refusal)
    }

    /// `host:port`, as shown.
    package var address: String
    /// Where to connect, with the backend's credentials (a Redis server); `nil` where the address is enough.
    package var url: RedisURL?
    package var keyMisses: KeyMisses
    package var listening: Listening

    package init(address: String, url: RedisURL? = nil, keyMisses: KeyMisses, listening: Listening = .monitor) {
        self.address = address
        self.url = url
        self.keyMisses = keyMisses
        self.listening = listening
    }
}

/// What a backend's streams reported besides events, once they ended.
package struct TrafficStreamsEnding: Sendable, Hashable {
    package var method: TrafficMethod
    package var notes: [String] = []
    /// Why the streams ended before their time, when they did.
    package var partial: String?
    package var missingNodes: [KeyspaceCensus.MissingNode] = []
    /// Loud lines for settings not put back.
    package var settingsNotRestored: [String] = []
    /// The time the figures cover, when it is not the time listened (an in-process cache's log, read back).
    package var covered: Duration?

    package init(method: TrafficMethod) {
        self.method = method
    }
}

/// How far a traffic sample got.
package struct TrafficProgress: Sendable, Hashable {
    /// Time listened so far, and in all.
    package var elapsed: Duration
    package var duration: Duration
    /// Events counted so far.
    package var events: Int

    package init(elapsed: Duration, duration: Duration, events: Int) {
        self.elapsed = elapsed
        self.duration = duration
        self.events = events
    }
}

/// How a traffic sample ended: the report (also after a stop: it covers the time listened), or why there is
/// none.
package typealias TrafficOutcome = JobOutcome<SampleDetails<TrafficOptions, TrafficReport>>

/// A running traffic sample.
package typealias TrafficJob = Job<TrafficProgress, TrafficOutcome>

/// Traffic samples as jobs: the backend's event streams counted by prefix and key for a while (or until
/// stopped), every setting changed for them put back on every way out.
package enum TrafficSampling {
    /// Starts sampling `backend`'s traffic as `plan` says (what its preflight found and the operator agreed
    /// to); without one, the preflight is made first, within the job.
    /// - Parameter audit: told of the outcome when the sample ends (the recording keeps the settings it changed).
    package static func start(
        on backend: MonitoredBackend, options: TrafficOptions = TrafficOptions(), plan: TrafficPreflight? = nil,
        audit: (@Sendable (TrafficOutcome) async -> Void)? = nil
    ) -> TrafficJob {
        TrafficJob(details: SampleDetails(backend: backend, options: options, report: nil), finished: audit) { context, outcome in
            let recorder = TrafficRecorder(
                TrafficAggregator(delimiters: backend.delimiters, keyPrefix: backend.keyPrefix, maxDepth: options.maxDepth))
            let listenedFrom = ContinuousClock.now
            var listened = Duration.zero
            let source = try backend.port(\.traffic, for: .traffic)
            let (ending, planned) = try await backend.using([.traffic]) {
                let planned: TrafficPreflight
                if let plan { planned = plan } else { planned = try await source.trafficPreflight() }
                let ending = try await source.sampleTraffic(planned, options, into: recorder) {
                    let started = ContinuousClock.now
                    while !recorder.streamsEnded {
                        let elapsed = ContinuousClock.now - started
                        context.report(TrafficProgress(elapsed: elapsed, duration: options.duration, events: recorder.eventsCounted))
                        guard elapsed < options.duration else { break }
                        guard await context.pause(for: min(.milliseconds(250), options.duration - elapsed)) else { break }
                    }
                    listened = ContinuousClock.now - started
                }
                return (ending, planned)
            }
            if listened == .zero { listened = ContinuousClock.now - listenedFrom }
            if let covered = ending.covered { listened = covered }
            let memoized = recorder.memoized
            let functions =
                memoized.versions.isEmpty
                ? nil
                : await MemoizedFunctions.read(
                    versions: memoized.versions, versionKeys: memoized.versionKeys, keyPrefix: memoized.keyPrefix, wholeKeyspace: false,
                    on: backend.browsing
                ) { false }
            var report = recorder.report(method: ending.method, duration: listened, functions: functions, hotKeyCount: options.topKeys)
            report.eventsSeen = recorder.eventsCounted + recorder.eventsNotCounted
            report.eventsCounted = recorder.eventsCounted
            report.unreadableLines = recorder.unreadableLines
            report.notes = ending.notes
            if report.unreadableLines > 0 {
                report.notes.append("\(HumanUnits.count(report.unreadableLines)) lines of the stream were not its format and were skipped")
            }
            if report.eventsSeen > report.eventsCounted {
                report.notes.append(
                    "sampled \(Self.percent(report.sampledFraction)) of the events: the server sent faster than they could be read")
            }
            report.partial = ending.partial
            report.missingNodes = ending.missingNodes
            report.settingsNotRestored = ending.settingsNotRestored
            // The settings the plan changes, when the operator agreed and the sample measured the way that needs them.
            report.settingsChanged = options.mayChangeSettings && ending.method == planned.method ? planned.changes : []
            outcome.report = report
            if context.isStopRequested { outcome.ending = .stopped }
        }
    }

    /// `42%`, `99.5%`.
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value >= 10 || value == 0 ? "\(Int(value.rounded()))%" : "\((value * 10).rounded() / 10)%"
    }
}
