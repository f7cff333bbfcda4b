import Basics
import CacheMonitor
import Foundation

/// Reads a recording back as the monitor's own values: the ``Snapshot`` of any recorded instant (each
/// backend's last reading at or before it, the rates from the reading before, the histories up to it, its
/// state and what needed attention then), and the events of a stretch of time.
package actor RecordingReader {
    package let store: RecordingStore
    /// The recording's interval (what its histories step by).
    package let interval: Duration
    private var backends: [RecordedBackend]
    var backendList: [RecordedBackend] { backends }

    private init(store: RecordingStore, interval: Duration, backends: [RecordedBackend]) {
        self.store = store
        self.interval = interval
        self.backends = backends
    }

    /// Opens a recording to read it.
    package static func open(_ path: String) async throws(RecordingError) -> RecordingReader {
        let store = try await RecordingStore.openForReading(path)
        do {
            let milliseconds = Int64(try await store.meta("interval_ms") ?? "") ?? 1000
            return RecordingReader(store: store, interval: .milliseconds(max(milliseconds, 1)), backends: try await store.backends())
        } catch {
            await store.close()
            throw error
        }
    }

    package func close() async { await store.close() }

    /// Reads the backend list again (a recorder still writing the file adds backends).
    func reloadBackends() async throws(RecordingError) {
        backends = try await store.backends()
    }

    /// The first and last recorded instants (ms since 1970).
    package func timeRange() async throws(RecordingError) -> ClosedRange<Int64>? { try await store.timeRange() }

    /// The events between two instants, oldest first.
    package func events(in range: ClosedRange<Int64>) async throws(RecordingError) -> [RecordedEvent] { try await store.events(in: range) }

    /// The last insight sample of type `Insight` (a keyspace analysis, a traffic sample) recorded of the
    /// backend named `name` at or before `instant`, and when (ms since 1970); `nil` when none was (or the
    /// recording's version wrote none this one reads).
    package func insight<Insight: RecordedInsight>(
        _ type: Insight.Type, of name: String, at instant: Int64
    ) async throws(RecordingError) -> (
        atMilliseconds: Int64, insight: Insight
    )? {
        guard let recorded = backends.first(where: { $0.name == name }),
            let (at, document) = try await store.sample(backend: recorded.id, kind: Insight.kind, atOrBefore: instant),
            let insight = Insight.decode(document)
        else { return nil }
        return (at, insight)
    }

    /// Every backend as it was at `instant` (ms since 1970); histories hold up to `historyLength` readings
    /// before it. A backend first seen after `instant` is left out; one whose last reading is older than three
    /// intervals (the recorder was not running) shows as down, saying so.
    package func snapshot(
        at instant: Int64, historyLength: Int = 300, thresholds: AttentionThresholds = AttentionThresholds()
    ) async throws(RecordingError) -> Snapshot {
        var snapshots: [BackendSnapshot] = []
        // The histories' readings, and the hour the forecasts look at.
        let windowStart = instant - max(Int64(historyLength) * max(interval.milliseconds, 1), 3_600_000)
        for (position, recorded) in backends.enumerated() where recorded.firstMilliseconds <= instant {
            guard let (_, json) = try await store.state(backend: recorded.id, at: instant), let state = RecordedState.decode(json) else {
                continue
            }
            let blocks = try await store.blocks(backend: recorded.id, overlapping: windowStart...instant)
            snapshots.append(
                Self.backendSnapshot(
                    recorded, position: position, state: state, blocks: blocks, instant: instant, windowStart: windowStart,
                    historyLength: historyLength, intervalMilliseconds: max(interval.milliseconds, 1), thresholds: thresholds))
        }
        return Snapshot(backends: snapshots, takenAt: Double(instant) / 1000)
    }

    // MARK: building a backend's snapshot

    static func backendSnapshot(
        _ recorded: RecordedBackend, position: Int, state: RecordedState, blocks: [StoredBlock], instant: Int64, windowStart: Int64,
        historyLength: Int, intervalMilliseconds: Int64, thresholds: AttentionThresholds = AttentionThresholds()
    ) -> BackendSnapshot {
        let stale = intervalMilliseconds * 3
        let kind = BackendKind(rawValue: state.kind) ?? BackendKind(rawValue: recorded.type) ?? .redis
        let tags = ((try? JSONDecoder().decode([String].self, from: Data(recorded.tagsJSON.utf8))) ?? []).compactMap(BackendTag.init)
        let source = RecordedSource(name: recorded.name, address: recorded.address, kind: kind)
        let monitored = MonitoredBackend(
            id: BackendID(position), name: recorded.name, kind: kind, address: recorded.address, tags: tags, source: source)
        let own = RecordedSeries.merge(blocks.filter { $0.node.isEmpty }, from: windowStart, to: instant).first
        var snapshot = BackendSnapshot(backend: monitored, kind: kind, historyLength: historyLength)
        snapshot.status = BackendStatus(rawValue: state.status) ?? .down
        snapshot.error = state.error
        var previous: (time: Int64, sample: SourceSample)?
        var trend = TrendWindow()
        let historyStart = instant - Int64(historyLength) * intervalMilliseconds
        let columns = RecordedFields.backend.map { field in own?.fields.firstIndex(of: field.name) }
        let times = own?.times ?? []
        func value(_ name: String, _ index: Int) -> Double? { own.flatMap { series in series.value(name, at: index) } }
        // Before the histories' window only the forecasts' points are needed: one per 10 s, read straight
        // from the columns (no sample made for each reading).
        let firstHistory = times.firstIndex { $0 >= historyStart } ?? times.count
        var lastTrendTime: Int64?
        for index in 0..<max(0, firstHistory - 1) where lastTrendTime.map({ times[index] - $0 >= 10_000 }) ?? true {
            lastTrendTime = times[index]
            let hits = (value("hits", index) ?? 0) - (value("own_read_hits", index) ?? 0)
            let misses = (value("misses", index) ?? 0) - (value("own_read_misses", index) ?? 0)
            trend.add(
                TrendWindow.Point(
                    time: Double(times[index]) / 1000, memoryBytes: value("memory_bytes", index), maxMemoryBytes: value("max_memory_bytes", index),
                    hits: UInt64(max(0, hits)), misses: UInt64(max(0, misses)), evictions: UInt64(max(0, value("evictions", index) ?? 0))))
        }
        for index in max(0, firstHistory - 1)..<times.count {
            let time = times[index]
            var sample = SourceSample(totalHits: 0, totalMisses: 0)
            for (field, column) in zip(RecordedFields.backend, columns) { field.write(&sample, column.flatMap { own?.columns[$0][index] ?? nil }) }
            let rates = previous.map { BackendRates(from: $0.sample, to: sample, seconds: Double(time - $0.time) / 1000) }
            trend.add(TrendWindow.Point(sample, at: Double(time) / 1000))
            if time >= historyStart {
                snapshot.hitRatioHistory.append(rates?.hitRatio)
                snapshot.operationsHistory.append(rates?.operationsPerSecond)
                snapshot.memoryHistory.append(sample.memoryBytes.map { Double($0) })
            }
            snapshot.rates = rates
            previous = (time, sample)
        }
        if let (time, last) = previous {
            var sample = last
            sample.version = state.version
            sample.flavor = state.flavor.flatMap(ServerFlavor.init)
            sample.address = state.address
            sample.note = state.note
            sample.topology = state.topology.compactMap { member in
                TopologyMember.Role(rawValue: member.role).map {
                    TopologyMember(role: $0, address: member.address, up: member.up, detail: member.detail)
                }
            }
            sample.servers = Self.servers(state.servers, blocks: blocks.filter { !$0.node.isEmpty }, at: time)
            snapshot.sample = sample
            snapshot.sampledAt = Double(time) / 1000
            if snapshot.status == .up, instant - time > stale {
                snapshot.status = .down
                snapshot.error = "not recorded at this instant (the last reading is \(HumanUnits.ttl(milliseconds: instant - time)) older)"
                snapshot.rates = nil
            }
        } else if snapshot.status == .up {
            snapshot.status = .down
            snapshot.error = "not recorded at this instant"
        }
        var health = BackendHealth()
        // What needed attention then, and the forecasts the hour before the instant gives (a backend down or
        // not recorded has none).
        let forecasts = snapshot.status == .up ? Forecasts.evaluate(trend, thresholds: thresholds, policy: state.policy) : []
        health.attention = state.attentionItems + forecasts
        snapshot.health = health
        return snapshot
    }

    /// The servers' readings at `time`: their state as recorded, their figures from their blocks.
    static func servers(_ states: [RecordedState.Server], blocks: [StoredBlock], at time: Int64) -> [ServerReading] {
        states.map { state in
            var server = ServerReading(address: state.address, up: state.up, error: state.error)
            server.version = state.version
            server.flavor = state.flavor.flatMap(ServerFlavor.init)
            server.role = state.role.flatMap(NodeRole.init)
            server.health = state.health.map(NodeHealth.init(text:))
            server.replicaOf = state.replicaOf
            server.countsInTotals = state.countsInTotals
            let reading = blocks.filter { $0.node == state.address }.lazy.compactMap { block -> (StoredBlock, Int)? in
                block.times.lastIndex { $0 <= time }.map { (block, $0) }
            }.max { $0.0.times[$0.1] < $1.0.times[$1.1] }
            if let (block, index) = reading {
                for field in RecordedFields.server { field.write(&server, block.values(of: field.name)?[index] ?? nil) }
            }
            return server
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
