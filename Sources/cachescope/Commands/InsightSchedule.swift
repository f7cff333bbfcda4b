import ArgumentParser
import Basics
import CacheMonitor
import Recording

/// The insight samples a recording takes on a schedule: each backend's keyspace every `keyspaceEvery` (the
/// gentle sampler `analyze` uses) and its traffic every `trafficEvery` (what `traffic` listens to), one
/// backend after another, and the two kinds never at once on one backend (``BackendTurns``): a server sees one
/// sampler at most. Each result is kept twice
/// in the samples table: the `--json` document people read (`keyspace`, `traffic`) and the whole report the
/// replay's insights read (`keyspace-report`, `traffic-report`).
struct InsightSchedule: Sendable {
    var keyspaceEvery: Duration?
    var trafficEvery: Duration?
    /// How long each traffic sample listens.
    var trafficListen = TrafficOptions.defaultDuration
    /// Whether a traffic sample may turn on the server settings it needs (key-miss events), put back after
    /// each sample: the operator's consent (never in --read-only).
    var trafficMayChangeSettings = false

    /// Starts the schedule's loops; cancelling them stops the sample running (its settings put back).
    func start(poller: Poller<ContinuousClock>, recorder: Recorder) -> [Task<Void, Never>] {
        var tasks: [Task<Void, Never>] = []
        let turns = BackendTurns()
        if let every = keyspaceEvery {
            tasks.append(Task { await Self.sampleKeyspaces(every: every, poller: poller, turns: turns, into: recorder) })
        }
        if let every = trafficEvery {
            let options = TrafficOptions(duration: trafficListen, maxDepth: 8, topKeys: 20, mayChangeSettings: trafficMayChangeSettings)
            tasks.append(Task { await Self.sampleTraffic(every: every, options: options, poller: poller, turns: turns, into: recorder) })
        }
        return tasks
    }

    /// Every `every`, each backend up whose keyspace can be read has it sampled (a bounded SCAN sample on
    /// Redis).
    private static func sampleKeyspaces(
        every: Duration, poller: Poller<ContinuousClock>, turns: BackendTurns, into recorder: Recorder
    ) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: every) } catch { return }
            for backend in await poller.current.backends where backend.status == .up && backend.backend.keyspace != nil {
                guard !Task.isCancelled, await recorder.isRecording else { return }
                let outcome = await turns.run(on: backend.name) {
                    let job = KeyspaceAnalysis.start(on: backend.backend)
                    return await withTaskCancellationHandler {
                        await job.outcome
                    } onCancel: {
                        job.stop()
                    }
                }
                guard let report = outcome.report, outcome.ending == .completed else { continue }
                await recorder.noteSample(
                    "keyspace", backend: backend.name, document: AnalyzeReport.json(report, outcome: outcome, depth: 3, top: 20).text)
                if let whole = RecordedKeyspace(report: report, elapsed: outcome.elapsed).json {
                    await recorder.noteSample(RecordedKeyspace.kind, backend: backend.name, document: whole)
                }
            }
        }
    }

    /// Every `every`, each backend up whose traffic can be listened to has a sample taken; the settings it
    /// changed and put back are events of the recording.
    private static func sampleTraffic(
        every: Duration, options: TrafficOptions, poller: Poller<ContinuousClock>, turns: BackendTurns, into recorder: Recorder
    ) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: every) } catch { return }
            for backend in await poller.current.backends where backend.status == .up && backend.backend.traffic != nil {
                guard !Task.isCancelled, await recorder.isRecording else { return }
                let outcome = await turns.run(on: backend.name) {
                    let job = TrafficSampling.start(on: backend.backend, options: options, audit: { await recorder.noteSettings(of: $0) })
                    return await withTaskCancellationHandler {
                        await job.outcome
                    } onCancel: {
                        job.stop()
                    }
                }
                guard let report = outcome.report else { continue }
                await recorder.noteSample("traffic", backend: backend.name, document: TrafficReportText.json(report, outcome: outcome, depth: 3).text)
                if let whole = RecordedTraffic(report: report).json {
                    await recorder.noteSample(RecordedTraffic.kind, backend: backend.name, document: whole)
                }
            }
        }
    }

    /// A `duration|off` flag's value: `nil` for off.
    /// - Throws: `ValidationError` naming the flag, for anything else or under `minimum`.
    static func every(_ text: String, flag: String, minimum: Duration = .seconds(1)) throws -> Duration? {
        guard text != "off" else { return nil }
        guard let duration = DurationText.parse(text), duration >= minimum else {
            throw ValidationError("\(flag) '\(text)': give a duration of at least \(DurationText.limit(minimum)), such as 15m or 1h, or off")
        }
        return duration
    }
}
