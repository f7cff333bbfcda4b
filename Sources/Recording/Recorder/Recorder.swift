import Basics
import CacheMonitor
import Foundation

/// Writes what the poller publishes into a recording: every backend's readings into blocks of about a page
/// each (the open ones rewritten every few seconds, so a killed process loses at most that much), its state when it
/// changes, and the events between two readings (up/down, failover, attention raised and cleared, counters
/// reset). Keeps the file within `keep` and `maxBytes`, oldest data dropped first.
///
/// A write that fails (disk full, the file removed) stops the recording with one line in ``stopReason``;
/// whoever feeds it goes on monitoring.
package actor Recorder {
    /// How much to keep and how often to write.
    package struct Options: Sendable {
        /// Data older than this is dropped.
        package var keep: Duration
        /// The file is kept under this size, oldest data dropped first; `nil`: no limit.
        package var maxBytes: Int64?
        /// Open blocks are written this often (what a crash may lose at most).
        package var flushEvery: Duration

        package init(keep: Duration = .seconds(7 * 86_400), maxBytes: Int64? = nil, flushEvery: Duration = .seconds(5)) {
            self.keep = keep
            self.maxBytes = maxBytes
            self.flushEvery = flushEvery
        }
    }

    private let store: RecordingStore
    private let options: Options
    /// Recording ids by backend name (names are what stay the same from one run to the next).
    private var ids: [String: Int64] = [:]
    private var nextID: Int64 = 1
    /// Per backend: when its last recorded sample was taken (the poller's seconds), its last state, and the
    /// open blocks (node `""` and each server).
    private var lastSampledAt: [Int64: Double] = [:]
    private var lastState: [Int64: RecordedState] = [:]
    /// The forecast rules that held at the last reading, per backend (not part of the state: their figures
    /// move every reading).
    private var lastForecasts: [Int64: Set<Attention.Rule>] = [:]
    private var open: [BlockKey: OpenBlock] = [:]
    private var pending = WriteBatch()
    private var lastFlush: Date?
    private var lastPrune: Date?
    package private(set) var stopReason: String?

    private struct BlockKey: Hashable {
        var backend: Int64
        var node: String
    }

    private struct OpenBlock {
        var fields: [String]
        var block: SeriesBlock
        /// Whether it holds readings not written yet.
        var dirty = false
        /// How many bytes its row weighed when last written (what one flush's readings add is the difference).
        var writtenBytes = 0
    }

    /// A recorder on an open store; backends already in the file keep their ids.
    package init(store: RecordingStore, options: Options = Options()) async throws(RecordingError) {
        self.store = store
        self.options = options
        for backend in try await store.backends() {
            ids[backend.name] = backend.id
            nextID = max(nextID, backend.id + 1)
        }
    }

    /// Whether it still records.
    package var isRecording: Bool { stopReason == nil }

    /// Records one published snapshot, taken at the wall-clock time `now` (a backend's reading is dated by
    /// how long before the snapshot it was sampled). Writes when a flush is due.
    package func record(_ snapshot: Snapshot, at now: Date = Date()) async {
        guard stopReason == nil else { return }
        let nowMilliseconds = Self.milliseconds(now)
        for backend in snapshot.backends {
            let id = recordingID(of: backend, at: nowMilliseconds)
            if let sampledAt = backend.sampledAt, backend.status == .up, let sample = backend.sample, lastSampledAt[id] != sampledAt {
                lastSampledAt[id] = sampledAt
                let taken = nowMilliseconds - Int64(((snapshot.takenAt - sampledAt) * 1000).rounded())
                append(sample, backend: id, at: taken)
            }
            noteChanges(backend, id: id, at: nowMilliseconds)
        }
        if lastFlush.map({ now.timeIntervalSince($0) >= options.flushEvery.inSeconds }) ?? true {
            await flush(at: now)
        }
    }

    /// Adds an event now (a change cachescope made, a setting changed and put back).
    package func note(_ kind: RecordedEvent.Kind, backend name: String?, summary: String, detail: [String: String] = [:], at now: Date = Date()) {
        appendEvent(
            RecordedEvent(atMilliseconds: Self.milliseconds(now), backendID: nil, kind: kind, summary: summary, detailJSON: Self.json(detail)),
            backend: name)
    }

    /// Adds an insight sample of the backend named `name` (`keyspace`, `traffic`): one JSON document.
    package func noteSample(_ kind: String, backend name: String, document: String, at now: Date = Date()) {
        guard stopReason == nil, let id = ids[name] else { return }
        pending.samples.append(SampleRow(atMilliseconds: Self.milliseconds(now), backendID: id, kind: kind, documentJSON: document))
    }

    /// Adds an event about the backend named `name` (`nil`: about the recording or the run).
    func appendEvent(_ event: RecordedEvent, backend name: String?) {
        guard stopReason == nil else { return }
        var event = event
        event.backendID = name.flatMap { ids[$0] }
        pending.events.append(event)
    }

    /// Writes what is pending and the open blocks; prunes once a minute.
    package func flush(at now: Date = Date()) async {
        guard stopReason == nil else { return }
        lastFlush = now
        for (key, entry) in open where entry.dirty {
            let row = Self.row(key: key, entry: entry)
            pending.blocks.append(row)
            // Full when the next flush's readings would push the row off its page: the next reading starts a new block.
            let weight = row.weight
            if weight + (weight - entry.writtenBytes) > Self.blockRowBudget {
                open[key] = nil
            } else {
                open[key]?.dirty = false
                open[key]?.writtenBytes = weight
            }
        }
        do {
            try await store.write(pending)
            pending = WriteBatch()
            if lastPrune.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
                lastPrune = now
                try await prune(now: now)
            }
        } catch {
            stopReason = "recording stopped: \(error.message)"
        }
    }

    /// The last flush, a `recording-stopped` event, and the file closed.
    package func finish(at now: Date = Date()) async {
        if stopReason == nil {
            note(.recordingStopped, backend: nil, summary: "recording stopped", at: now)
            // The file left within its limits.
            lastPrune = nil
            await flush(at: now)
        }
        await store.close()
    }

    // MARK: readings

    private func append(_ sample: SourceSample, backend id: Int64, at time: Int64) {
        appendReading(key: BlockKey(backend: id, node: ""), fields: RecordedFields.backendNames, time: time) {
            RecordedFields.backend.map { $0.read(sample) }
        }
        guard sample.servers.count > 1 || sample.servers.contains(where: { $0.role != nil }) else { return }
        for server in sample.servers where server.up {
            appendReading(key: BlockKey(backend: id, node: server.address), fields: RecordedFields.serverNames, time: time) {
                RecordedFields.server.map { $0.read(server) }
            }
        }
    }

    /// The most one block's row weighs: a 4 KB page's worth. SQLite keeps a row of up to 4,061 bytes on its
    /// page and puts the rest of a longer one on overflow pages of its own, so rows of about a page each fill
    /// their pages, where five-minute blocks (about 3 KB) left a quarter of each empty. A block is closed at
    /// the flush after which the next would pass this.
    static let blockRowBudget = 4000

    /// The longest time one block holds: a quiet backend's readings compress so well that a block of them
    /// could hold hours, and a jump decodes the whole block it lands in.
    static let blockMaxSpanMilliseconds: Int64 = 900_000

    /// Adds a reading to the key's open block, starting a new block when the open one spans the longest time
    /// a block holds or the clock went back (the finished one is written at the next flush).
    private func appendReading(key: BlockKey, fields: [String], time: Int64, values: () -> [Double?]) {
        if let entry = open[key], let first = entry.block.times.first,
            time - first >= Self.blockMaxSpanMilliseconds || time < (entry.block.times.last ?? time)
        {
            if entry.dirty { pending.blocks.append(Self.row(key: key, entry: entry)) }
            open[key] = nil
        }
        var entry = open[key] ?? OpenBlock(fields: fields, block: SeriesBlock(fieldCount: fields.count))
        entry.block.append(time: time, values: values())
        entry.dirty = true
        open[key] = entry
    }

    private static func row(key: BlockKey, entry: OpenBlock) -> BlockRow {
        BlockRow(
            backendID: key.backend, node: key.node, startMilliseconds: entry.block.times.first ?? 0, endMilliseconds: entry.block.times.last ?? 0,
            readings: entry.block.count, fields: entry.fields, data: entry.block.encoded())
    }

    // MARK: state and events

    private func recordingID(of backend: BackendSnapshot, at now: Int64) -> Int64 {
        let id: Int64
        if let known = ids[backend.name] {
            id = known
        } else {
            id = nextID
            nextID += 1
            ids[backend.name] = id
        }
        let tags = Self.encoded(backend.backend.tags.map(\.name))
        if let index = pending.backends.firstIndex(where: { $0.id == id }) {
            pending.backends[index].lastMilliseconds = now
            pending.backends[index].address = backend.address
        } else {
            pending.backends.append(
                RecordedBackend(
                    id: id, name: backend.name, type: backend.kind.rawValue, address: backend.address, tagsJSON: tags, firstMilliseconds: now,
                    lastMilliseconds: now))
        }
        return id
    }

    /// A new state row when the state changed, and the events the change means.
    private func noteChanges(_ backend: BackendSnapshot, id: Int64, at now: Int64) {
        noteForecasts(backend, id: id, at: now)
        let state = RecordedState(backend)
        let previous = lastState[id]
        guard state != previous else {
            if backend.rates?.countersReset == true, backend.status == .up { countersReset(backend, id: id, at: now) }
            return
        }
        lastState[id] = state
        pending.states.append(StateRow(backendID: id, atMilliseconds: now, json: state.json))
        func event(_ kind: RecordedEvent.Kind, _ summary: String, _ detail: [String: String] = [:]) {
            pending.events.append(RecordedEvent(atMilliseconds: now, backendID: id, kind: kind, summary: summary, detailJSON: Self.json(detail)))
        }
        if let previous, previous.status != state.status {
            if state.status == BackendStatus.up.rawValue {
                event(.up, "\(backend.name) up")
            } else if previous.status == BackendStatus.up.rawValue {
                event(.down, "\(backend.name) \(state.status): \(state.error ?? "no answer")", ["error": state.error ?? ""])
            }
        }
        if let previous, let before = previous.address, let after = state.address, before != after {
            event(.failover, "\(backend.name) failover \(before) → \(after)", ["from": before, "to": after])
        }
        let before = Set((previous?.attention ?? []).map { AttentionKey(rule: $0.rule, node: $0.node) })
        let after = Set(state.attention.map { AttentionKey(rule: $0.rule, node: $0.node) })
        for item in state.attention where !before.contains(AttentionKey(rule: item.rule, node: item.node)) {
            event(.attentionRaised, "\(backend.name): \(item.message)", ["rule": item.rule, "node": item.node ?? ""])
        }
        for item in previous?.attention ?? [] where !after.contains(AttentionKey(rule: item.rule, node: item.node)) {
            event(.attentionCleared, "\(backend.name): \(item.rule) cleared", ["rule": item.rule, "node": item.node ?? ""])
        }
        if backend.rates?.countersReset == true, backend.status == .up { countersReset(backend, id: id, at: now) }
    }

    private func noteForecasts(_ backend: BackendSnapshot, id: Int64, at now: Int64) {
        let items = (backend.health?.attention ?? []).filter(\.rule.isForecast)
        let rules = Set(items.map(\.rule))
        let before = lastForecasts[id] ?? []
        guard rules != before else { return }
        lastForecasts[id] = rules
        for item in items where !before.contains(item.rule) {
            pending.events.append(
                RecordedEvent(
                    atMilliseconds: now, backendID: id, kind: .attentionRaised, summary: "\(backend.name): \(item.message)",
                    detailJSON: Self.json(["rule": item.rule.rawValue])))
        }
        for rule in before.subtracting(rules).sorted(by: { $0.rawValue < $1.rawValue }) {
            pending.events.append(
                RecordedEvent(
                    atMilliseconds: now, backendID: id, kind: .attentionCleared, summary: "\(backend.name): \(rule.rawValue) cleared",
                    detailJSON: Self.json(["rule": rule.rawValue])))
        }
    }

    private struct AttentionKey: Hashable {
        var rule: String
        var node: String?
    }

    private func countersReset(_ backend: BackendSnapshot, id: Int64, at now: Int64) {
        // Once per reset: the rates say so until the next reading.
        guard pending.events.last(where: { $0.backendID == id && $0.kind == .countersReset })?.atMilliseconds != now else { return }
        pending.events.append(
            RecordedEvent(atMilliseconds: now, backendID: id, kind: .countersReset, summary: "\(backend.name) counters started again"))
    }

    // MARK: retention

    private func prune(now: Date) async throws(RecordingError) {
        let nowMilliseconds = Self.milliseconds(now)
        try await store.prune(before: nowMilliseconds - Int64(options.keep.inSeconds * 1000))
        guard let maxBytes = options.maxBytes else { return }
        // Oldest first, a tenth of what is left at a time (and at least the block that ends first), until the file fits.
        for _ in 0..<20 {
            guard try await store.sizeInBytes() > maxBytes, let range = try await store.timeRange(), range.upperBound > range.lowerBound else {
                return
            }
            let span = range.upperBound - range.lowerBound
            let firstBlockEnd = try await store.firstBlockEnd() ?? range.lowerBound
            try await store.prune(before: max(range.lowerBound + max(span / 10, 1000), firstBlockEnd + 1))
        }
    }

    // MARK: helpers

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    private static func json(_ detail: [String: String]) -> String? {
        detail.isEmpty ? nil : encoded(detail)
    }

    /// Compact JSON with sorted keys.
    static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}
