import ArgumentParser
import Basics
import CacheMonitor
import Foundation
import Recording
import Synchronization

/// A recording fed by a running poller — what `record`, and `--record` on the dashboard and `serve`, share:
/// the file opened (one clear line when it cannot be), every published snapshot recorded, the file closed at
/// the end. A recording that stops (disk full) says why through `stopped`; the poller goes on.
final class RecordingSession: Sendable {
    let recorder: Recorder
    let file: String
    private let feeding: Task<Void, Never>
    private let sampling: [Task<Void, Never>]

    private init(recorder: Recorder, file: String, feeding: Task<Void, Never>, sampling: [Task<Void, Never>]) {
        self.recorder = recorder
        self.file = file
        self.feeding = feeding
        self.sampling = sampling
    }

    /// Opens `file` and starts recording what `poller` publishes.
    /// - Throws: ``CommandFailure`` (usage: not a recording, a newer format, another recorder on it;
    ///   backend failed: the file system refused).
    /// - Parameter insights: the keyspace and traffic samples taken into the recording on a schedule.
    static func start(
        file: String, interval: Duration, options: Recorder.Options, poller: Poller<ContinuousClock>, insights: InsightSchedule = InsightSchedule(),
        stopped: @escaping @Sendable (String) async -> Void
    ) async throws -> RecordingSession {
        let store: RecordingStore
        do {
            store = try await RecordingStore.openForWriting(
                file, intervalMilliseconds: Int(interval.inSeconds * 1000), writer: "cachescope \(CachescopeVersion.current)")
        } catch {
            throw failure(error)
        }
        let recorder: Recorder
        do {
            recorder = try await Recorder(store: store, options: options)
        } catch {
            await store.close()
            throw failure(error)
        }
        let count = await poller.backends.count
        await recorder.note(.recordingStarted, backend: nil, summary: "recording started: \(count) backends every \(DurationText.limit(interval))")
        let stream = await poller.snapshots()
        let feeding = Task {
            for await snapshot in stream {
                await recorder.record(snapshot)
                if let reason = await recorder.stopReason {
                    await stopped(reason)
                    return
                }
            }
        }
        let sampling = insights.start(poller: poller, recorder: recorder)
        return RecordingSession(recorder: recorder, file: file, feeding: feeding, sampling: sampling)
    }

    /// A file that cannot be recorded into: usage (not a recording, a newer format, another recorder on it),
    /// or backend failed (the file system refused).
    private static func failure(_ error: RecordingError) -> CommandFailure {
        CommandFailure(error.code == .io || error.code == .full ? .backendFailed : .usage, error.message)
    }

    /// Stops recording: the last readings written, a `recording-stopped` event, the file closed.
    func finish() async {
        for task in sampling { task.cancel() }
        for task in sampling { await task.value }
        feeding.cancel()
        await feeding.value
        await recorder.finish()
    }
}

/// `--record FILE` and its retention, for the dashboard and `serve`.
struct RecordFlags: ParsableArguments {
    @Option(
        name: .customLong("record"),
        help: ArgumentHelp("Record every reading, state and event into this file too (see 'cachescope record').", valueName: "file"))
    var file: String?

    @Option(name: .customLong("record-keep"), help: ArgumentHelp("With --record: drop data older than this (7d, 36h).", valueName: "duration"))
    var keep: String = "7d"

    @Option(name: .customLong("record-max-size"), help: ArgumentHelp("With --record: keep the file under this size (500MB, 2GB).", valueName: "size"))
    var maxSize: String?

    @Option(
        name: .customLong("record-keyspace-every"),
        help: ArgumentHelp("With --record: how often each backend's keyspace is sampled into it, or off.", valueName: "duration|off"))
    var keyspaceEvery = "15m"

    @Option(
        name: .customLong("record-traffic-every"),
        help: ArgumentHelp(
            "With --record: how often each backend's traffic is sampled into it (10 s of listening; MONITOR on Redis), or off.",
            valueName: "duration|off"))
    var trafficEvery = "off"

    func validate() throws {
        try RecordFlags.check(keep: keep, keepFlag: "--record-keep", maxSize: maxSize, maxSizeFlag: "--record-max-size")
        _ = try InsightSchedule.every(keyspaceEvery, flag: "--record-keyspace-every")
        _ = try InsightSchedule.every(trafficEvery, flag: "--record-traffic-every", minimum: .seconds(5))
    }

    /// The insight samples the recording takes (traffic samples never change a server's settings here: the
    /// dashboard's `w` asks for that, `record --traffic-change-settings` allows it).
    var insights: InsightSchedule {
        InsightSchedule(
            keyspaceEvery: try? InsightSchedule.every(keyspaceEvery, flag: "--record-keyspace-every"),
            trafficEvery: try? InsightSchedule.every(trafficEvery, flag: "--record-traffic-every", minimum: .seconds(5)))
    }

    var options: Recorder.Options {
        Recorder.Options(keep: DurationText.parse(keep) ?? .seconds(7 * 86_400), maxBytes: maxSize.flatMap(ByteSizeText.parse))
    }

    /// The retention flags' one-line errors (shared with `record`'s `--keep` and `--max-size`).
    static func check(keep: String, keepFlag: String, maxSize: String?, maxSizeFlag: String) throws {
        guard let duration = DurationText.parse(keep), duration >= .seconds(60), duration <= .seconds(3_650 * 86_400) else {
            throw ValidationError("\(keepFlag) '\(keep)': give a duration from 1m to 3650d, such as 90m, 36h or 7d")
        }
        if let maxSize, (ByteSizeText.parse(maxSize) ?? 0) < 1_048_576 {
            throw ValidationError("\(maxSizeFlag) '\(maxSize)': give a size of at least 1MB, such as 500MB or 2GB")
        }
    }
}

/// Hands lines to whoever listens once it is there (the dashboard is made after the recording starts).
final class LineRelay: Sendable {
    private let listener = Mutex<(@Sendable (String) -> Void)?>(nil)

    func listen(_ body: @escaping @Sendable (String) -> Void) { listener.withLock { $0 = body } }

    func send(_ line: String) { listener.withLock { $0 }?(line) }
}
