import Basics
import Caching
import Synchronization

extension InProcessSource: TrafficSource {
    /// The cache's log is read back at once.
    package var trafficCost: TrafficCost { .free }

    /// An in-process cache that keeps a key-traffic log (``Caching/SimpleCache``) needs nothing: its last
    /// seconds are read back at once. One without a log refuses.
    package func trafficPreflight() async throws -> TrafficPreflight {
        try logOrRefusal()
        return TrafficPreflight(method: .inProcess)
    }

    /// The cache's key-traffic log.
    /// - Throws: ``MonitorError/refused(_:server:_:)`` for a cache that keeps none.
    @discardableResult
    private func logOrRefusal() throws -> any KeyTrafficSource {
        guard let log = backend as? any KeyTrafficSource else {
            throw MonitorError.refused(
                .traffic, server: "",
                Refusal(.notSupported, command: "traffic sample", message: "a \(backend.kind) cache keeps no per-key traffic log"))
        }
        return log
    }

    /// The cache's last `options.duration` of key operations, from its log — no waiting, nothing sampled:
    /// the library counts every operation. The monitor's own reads are left out.
    package func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding {
        let source = try logOrRefusal()
        recorder.endStreams()
        await listen()
        let window = source.keyTraffic(lastSeconds: options.duration.inSeconds)
        let own = ownTraffic.sequences
        var events: [(key: [UInt8], event: TrafficEvent)] = []
        events.reserveCapacity(window.events.count)
        for event in window.events where !own.contains(where: { $0.contains(event.sequence) }) {
            let kind: TrafficEvent =
                switch event.kind {
                case .hit: .read(hit: true)
                case .miss: .read(hit: false)
                case .write: .write
                }
            events.append((Array(event.key.utf8), kind))
        }
        recorder.record(events)
        var ending = TrafficStreamsEnding(method: .inProcess)
        ending.covered = .seconds(window.coveredSeconds)
        if !window.complete {
            ending.notes.append(
                "the cache's log holds its last \(HumanUnits.count(window.events.count)) operations: "
                    + "the figures cover the last \(DurationText.took(.seconds(window.coveredSeconds)))")
        }
        return ending
    }
}

/// The key-traffic log sequences of the monitor's own reads (the last 256 of them).
final class OwnTrafficSequences: Sendable {
    private let ranges = Mutex<[Range<UInt64>]>([])

    func note(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        ranges.withLock { ranges in
            ranges.append(range)
            if ranges.count > 256 { ranges.removeFirst(ranges.count - 256) }
        }
    }

    var sequences: [Range<UInt64>] { ranges.withLock { $0 } }
}
