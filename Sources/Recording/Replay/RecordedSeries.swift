/// One backend's (or one server's) readings over a stretch of time, merged from its blocks: a time each,
/// oldest first, and the values of each recorded field.
package struct RecordedSeries: Sendable {
    /// `""` for the backend's own figures, else the server's `host:port`.
    package var node: String
    package var fields: [String]
    package var times: [Int64] = []
    /// Per field (in ``fields``' order), one value per time.
    package var columns: [[Double?]]

    /// The value of `field` at reading `index`; `nil` when not recorded.
    package func value(_ field: String, at index: Int) -> Double? {
        fields.firstIndex(of: field).flatMap { columns[$0][index] }
    }

    /// Each node's readings between two instants, merged from `blocks` (overlapping blocks of a restarted
    /// recorder give each time once); the backend's own series first, then the servers by address.
    static func merge(_ blocks: [StoredBlock], from start: Int64, to end: Int64) -> [RecordedSeries] {
        var byNode: [String: [StoredBlock]] = [:]
        for block in blocks { byNode[block.node, default: []].append(block) }
        return byNode.keys.sorted().map { node in
            let blocks = byNode[node] ?? []
            // Every field any of its blocks has (a later version may add some), in first-seen order.
            var fields: [String] = []
            for block in blocks { for field in block.fields where !fields.contains(field) { fields.append(field) } }
            if let joined = joinInOrder(blocks, fields: fields, node: node, from: start, to: end) { return joined }
            var rows: [Int64: [Double?]] = [:]
            for block in blocks {
                let columns = fields.map { block.values(of: $0) }
                for (index, time) in block.times.enumerated() where time >= start && time <= end {
                    rows[time] = columns.map { $0?[index] ?? nil }
                }
            }
            var series = RecordedSeries(node: node, fields: fields, columns: Array(repeating: [], count: fields.count))
            for time in rows.keys.sorted() {
                guard let values = rows[time] else { continue }
                series.times.append(time)
                for index in fields.indices { series.columns[index].append(values[index]) }
            }
            return series
        }
    }
}

extension RecordedSeries {
    /// Blocks that follow one another (one recorder, the usual case) joined column by column, without a row
    /// per reading; `nil` when two overlap (a recorder restarted within a minute), for the merge by time.
    fileprivate static func joinInOrder(_ blocks: [StoredBlock], fields: [String], node: String, from start: Int64, to end: Int64) -> RecordedSeries?
    {
        var series = RecordedSeries(node: node, fields: fields, columns: Array(repeating: [], count: fields.count))
        var last = Int64.min
        for block in blocks {
            guard let first = block.times.first else { continue }
            guard first > last else { return nil }
            last = block.times.last ?? first
            let lower = block.times.firstIndex { $0 >= start } ?? block.times.count
            let upper = (block.times.lastIndex { $0 <= end }).map { $0 + 1 } ?? 0
            guard lower < upper else { continue }
            series.times += block.times[lower..<upper]
            for (column, field) in fields.enumerated() {
                if let values = block.values(of: field) {
                    series.columns[column] += values[lower..<upper]
                } else {
                    series.columns[column] += Array(repeating: nil, count: upper - lower)
                }
            }
        }
        return series
    }
}

extension RecordingReader {
    /// Every backend in the recording.
    package var recordedBackends: [RecordedBackend] { get async { backendList } }

    /// The nodes a backend has readings of: `""` (its own), then its servers'.
    package func nodes(of backend: RecordedBackend) async throws(RecordingError) -> [String] {
        try await store.nodes(backend: backend.id)
    }

    /// One node's series of a backend between two instants (empty readings when it has none there).
    package func series(of backend: RecordedBackend, node: String, in range: ClosedRange<Int64>) async throws(RecordingError) -> RecordedSeries? {
        RecordedSeries.merge(
            try await store.blocks(backend: backend.id, node: node, overlapping: range), from: range.lowerBound, to: range.upperBound
        ).first
    }
}
