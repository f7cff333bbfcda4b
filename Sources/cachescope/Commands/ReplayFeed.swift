import Basics
import CacheMonitor
import Dashboard
import Foundation
import Recording

/// A recording played back into the dashboard: the snapshot of the instant under the time cursor, published
/// whenever the cursor moves — by a key, or by playing at 1×, 10× or 60× real time.
actor ReplayFeed: SnapshotFeed, ReplayControls {
    private let reader: RecordingReader
    private let range: ClosedRange<Int64>
    private let interval: Int64
    private let marks: [Int64]
    private var instant: Int64
    private var playing = false
    private var speed = 1
    private var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
    private var nextSubscriber = 0
    private var player: Task<Void, Never>?

    static let speeds = [1, 10, 60]

    init(reader: RecordingReader, range: ClosedRange<Int64>, at instant: Int64) async throws(RecordingError) {
        self.reader = reader
        self.range = range
        interval = max(1, Int64(await reader.interval.inSeconds * 1000))
        marks = try await reader.events(in: range).map(\.atMilliseconds)
        self.instant = min(max(instant, range.lowerBound), range.upperBound)
    }

    /// Where the cursor is now.
    var position: ReplayPosition { position(note: nil) }

    // MARK: SnapshotFeed

    func snapshots() async -> AsyncStream<Snapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        if let snapshot = await currentSnapshot() { continuation.yield(snapshot) }
        return stream
    }

    func stop() async {
        player?.cancel()
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    func refreshNow() async { await publish() }

    func focusHealth(on backend: BackendID?) async {}

    // MARK: ReplayControls

    func perform(_ command: ReplayMove) async -> ReplayPosition {
        var note: String?
        switch command {
        case .step(let steps): note = move(to: instant + Int64(steps) * interval)
        case .move(let seconds): note = move(to: instant + seconds * 1000)
        case .jump(let text):
            if let target = ReplayTime.parse(text, in: range) {
                note = move(to: target)
            } else {
                note = "'\(text)' is not a time: give 14:02, 14:02:30, -2h, -90s or 2026-12-06T03:10"
            }
        case .nextEvent:
            if let next = marks.first(where: { $0 > instant }) { note = move(to: next) } else { note = "no event after \(text(instant))" }
        case .previousEvent:
            if let previous = marks.last(where: { $0 < instant }) {
                note = move(to: previous)
            } else {
                note = "no event before \(text(instant))"
            }
        case .togglePlay:
            playing.toggle()
            if playing, instant >= range.upperBound { instant = range.lowerBound }
            restartPlayer()
        case .faster:
            speed = Self.speeds.first { $0 > speed } ?? speed
            restartPlayer()
        case .slower:
            speed = Self.speeds.last { $0 < speed } ?? speed
            restartPlayer()
        }
        await publish()
        return position(note: note)
    }

    func insights(of backend: MonitoredBackend) async -> ReplayedInsights {
        var insights = ReplayedInsights()
        if let (at, recorded) = try? await reader.insight(RecordedKeyspace.self, of: backend.name, at: instant) {
            insights.keyspace = taken(
                KeyspaceOutcome(backend: backend, options: KeyspaceOptions(), report: recorded.report, ending: .completed, elapsed: recorded.elapsed),
                at: at)
        }
        if let (at, recorded) = try? await reader.insight(RecordedTraffic.self, of: backend.name, at: instant) {
            insights.traffic = taken(
                TrafficOutcome(
                    backend: backend, options: TrafficOptions(), report: recorded.report, ending: .completed, elapsed: recorded.report.duration),
                at: at)
        }
        return insights
    }

    private func taken<Outcome>(_ outcome: Outcome, at: Int64) -> ReplayedInsights.Taken<Outcome> {
        ReplayedInsights.Taken(outcome, takenAtText: text(at), secondsBeforeCursor: Double(instant - at) / 1000)
    }

    // MARK: inside

    /// Moves the cursor, kept within the recording; says so when it had to stop at an end.
    private func move(to target: Int64) -> String? {
        instant = min(max(target, range.lowerBound), range.upperBound)
        if target < range.lowerBound { return "the recording starts at \(text(range.lowerBound))" }
        if target > range.upperBound { return "the recording ends at \(text(range.upperBound))" }
        return nil
    }

    /// Plays: every tick (an interval of recorded time divided by the speed, at least 200 ms of real time)
    /// the cursor moves forward by tick × speed; at the end it pauses.
    private func restartPlayer() {
        player?.cancel()
        guard playing else { return }
        let tick = max(200, interval / Int64(speed))
        player = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(tick))
                guard !Task.isCancelled else { return }
                await advance(by: tick * Int64(speed))
            }
        }
    }

    private func advance(by milliseconds: Int64) async {
        guard playing else { return }
        instant = min(instant + milliseconds, range.upperBound)
        if instant >= range.upperBound { playing = false }
        await publish()
    }

    private func publish() async {
        guard let snapshot = await currentSnapshot() else { return }
        for continuation in subscribers.values { continuation.yield(snapshot) }
    }

    private func currentSnapshot() async -> Snapshot? {
        try? await reader.snapshot(at: instant)
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    private func position(note: String?) -> ReplayPosition {
        ReplayPosition(
            instant: instant, range: range, playing: playing, speed: speed, marks: marks, instantText: text(instant), note: note)
    }

    /// Made once: the cursor moves (and plays) many times a second.
    private let instantFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    /// `2026-12-06 03:10:00`, local time.
    private func text(_ milliseconds: Int64) -> String {
        instantFormat.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
