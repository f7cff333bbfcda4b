import Synchronization

/// Where a backend's event streams put what they see while a traffic sample runs — from any thread (a
/// cluster's or a pool's streams arrive on several event loops at once).
package final class TrafficRecorder: Sendable {
    private struct State {
        var aggregator: TrafficAggregator
        var notCounted = 0
        var unreadable = 0
        var streamsEnded = false
    }

    private let state: Mutex<State>

    package init(_ aggregator: sending TrafficAggregator) {
        state = Mutex(State(aggregator: aggregator))
    }

    /// Counts one event.
    package func record(_ key: [UInt8], _ event: TrafficEvent) {
        state.withLock { $0.aggregator.record(key, event) }
    }

    /// Counts several events under one lock.
    package func record(_ events: [(key: [UInt8], event: TrafficEvent)]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            for (key, event) in events { state.aggregator.record(key, event) }
        }
    }

    /// Events the stream carried that are not in the figures (left out by the server, or skipped because
    /// they came faster than they could be read).
    package func notCounted(_ count: Int) {
        state.withLock { $0.notCounted += count }
    }

    /// A line that is not the stream's format.
    package func unreadableLine() {
        state.withLock { $0.unreadable += 1 }
    }

    /// Every stream has ended: the sample stops waiting.
    package func endStreams() {
        state.withLock { $0.streamsEnded = true }
    }

    package var streamsEnded: Bool { state.withLock { $0.streamsEnded } }
    package var eventsCounted: Int { state.withLock { $0.aggregator.events } }
    package var eventsNotCounted: Int { state.withLock { $0.notCounted } }
    package var unreadableLines: Int { state.withLock { $0.unreadable } }

    /// The memoize versions and version keys seen (what names memoized functions), and the key prefix they
    /// are under.
    var memoized: (versions: [[UInt8]], versionKeys: Set<[UInt8]>, keyPrefix: [UInt8]) {
        state.withLock { ($0.aggregator.memoizedVersions, $0.aggregator.versionKeys, $0.aggregator.splitter.memoizePrefix) }
    }

    /// The report of the figures, once the streams are closed.
    package func report(method: TrafficMethod, duration: Duration, functions: MemoizedFunctions?, hotKeyCount: Int) -> TrafficReport {
        state.withLock { $0.aggregator.report(method: method, duration: duration, functions: functions, hotKeyCount: hotKeyCount) }
    }
}
