import ArgumentParser
import Basics
import CacheMonitor
import Foundation

/// `cachescope snapshot`: two samples of every backend, an interval apart, printed once.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Sample every backend twice, an interval apart, and print status, hit ratio, rates, keys and memory.",
        discussion: """
            hits, misses and the hit ratio are those of the interval (the live figures); totalHits, totalMisses \
            and lifetimeHitRatio come from the backends' own counters. The monitor's own lookups are left out and \
            reported as ownReads. A ratio with no traffic is null ("—"), never 0%. A backend that is down is \
            reported with its status (up, down, auth_failed, connecting) and error; it does not make the command \
            fail. With --watch it keeps sampling and prints one such JSON document per line every interval \
            (NDJSON, with "takenAt": seconds since the start) until Ctrl-C or SIGTERM, which end it with status 0. \
            With --json: {"backends":[{"name","type","address","status","error","hits","misses","hitRatio",\
            "lifetimeHitRatio","opsPerSec","totalHits","totalMisses","keys","memoryBytes","evictions","latencyMs",\
            "ownReads","attention":[{"rule","message","node"}],"tags",…}],"totals":{"backends","up","down",\
            "connecting","opsPerSec","hitsPerSec","missesPerSec","hitRatio","memoryBytes","maxMemoryBytes",\
            "evictionsPerSec","attention"}}. totals sums the backends: rates over those up, the hit ratio weighted \
            by reads, maxMemoryBytes over those with a limit. attention lists what needs the operator's \
            attention on the backend's servers (rules as in 'cachescope health'; null for an in-process cache or a \
            backend that is down).

            Exit codes: 0 a report was printed (whatever the backends' state); 2 usage or configuration error.
            """
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Keep sampling: one JSON document per line (NDJSON) every interval, until Ctrl-C or SIGTERM (exit 0).")
    var watch = false

    @Option(help: ArgumentHelp("Time between the two samples: 1s, 500ms, 2.5s (default: the refresh interval, 1s).", valueName: "duration"))
    var interval: String?

    @Option(help: ArgumentHelp("How long one sample may take before a backend counts as down.", valueName: "duration"))
    var timeout: String = "2s"

    @OptionGroup var connection: ConnectionOptions

    /// `--watch`: a document per line, each written at once (a pipe sees every line as it comes), until a
    /// signal ends it.
    private func stream(_ poller: Poller<ContinuousClock>, every interval: Duration) async {
        let stop = StopSignal()
        let signals = StopOnSignals { stop.request() }
        defer { signals.restore() }
        let clock = ContinuousClock()
        var next = clock.now.advanced(by: interval)
        while !stop.isRequested {
            while clock.now < next, !stop.isRequested { try? await Task.sleep(for: min(.milliseconds(50), next - clock.now)) }
            guard !stop.isRequested else { break }
            let snapshot = await poller.sampleAll(health: true)
            let line = SnapshotReport.document(snapshot, withTime: true).text
            // A reader that went away (`| head`) ends the stream, quietly.
            do { try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8)) } catch { break }
            next = next.advanced(by: interval)
            if next < clock.now { next = clock.now.advanced(by: interval) }
        }
    }

    func validate() throws {
        for (name, text) in [("--interval", interval), ("--timeout", Optional(timeout))] {
            guard let text else { continue }
            guard let duration = DurationText.parse(text), duration > .zero, duration <= .seconds(600) else {
                throw ValidationError("\(name) '\(text)': give a duration such as 1s, 500ms or 2.5s (at most 10 minutes)")
            }
        }
    }

    func run() async throws {
        let setup = try connection.setup()
        let backends = setup.backends()
        guard !setup.catalog.isEmpty else {
            throw CommandFailure(.usage, "no backend given: add --redis URL or --memcached HOST:PORT")
        }
        let interval = interval.flatMap(DurationText.parse) ?? setup.refresh
        let poller = Poller(
            backends: backends,
            configuration: .init(
                interval: interval, timeout: DurationText.parse(timeout) ?? .seconds(2),
                attention: setup.config?.thresholds.attention ?? AttentionThresholds()))
        let discovery = await setup.startDiscovery(poller: poller, from: 0)
        defer { discovery?.task.cancel() }
        if watch {
            _ = await poller.sampleAll(health: true)
            await stream(poller, every: interval)
            await discovery?.fleet.close()
            for backend in await poller.backends { await backend.source.close() }
            return
        }
        let snapshot = await poller.sampleTwice(interval: interval, health: true)
        await discovery?.fleet.close()
        for backend in await poller.backends { await backend.source.close() }
        if json {
            print(SnapshotReport.document(snapshot).text)
        } else {
            print(SnapshotReport.table(snapshot), terminator: "")
        }
    }
}
