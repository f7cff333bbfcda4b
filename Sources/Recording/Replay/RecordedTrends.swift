import CacheMonitor

/// A backend's hit ratio, ops/s and memory over a long stretch of a recording, one value per column of a
/// sparkline: what the dashboard's trends show zoomed out (the last hour, the last day).
package struct RecordedTrends: Sendable, Hashable {
    package var hitRatio: [Double?]
    package var operationsPerSecond: [Double?]
    package var memoryBytes: [Double?]
}

extension RecordingReader {
    /// `backend`'s trends over `range`, in `points` equal buckets: per bucket the hit ratio and ops/s between
    /// its first and last reading (counters, so nothing between readings is lost; the monitor's own reads
    /// left out) and the memory at its last reading; `nil` where a bucket has no reading. `nil` for a
    /// backend the recording does not have.
    package func trends(of backend: String, in range: ClosedRange<Int64>, points: Int) async throws(RecordingError) -> RecordedTrends? {
        // A recording still being written may have gained the backend since this reader opened.
        if !backendList.contains(where: { $0.name == backend }) { try await reloadBackends() }
        guard points > 0, let recorded = backendList.first(where: { $0.name == backend }) else { return nil }
        let series = try await series(of: recorded, node: "", in: range)
        var trends = RecordedTrends(
            hitRatio: Array(repeating: nil, count: points), operationsPerSecond: Array(repeating: nil, count: points),
            memoryBytes: Array(repeating: nil, count: points))
        guard let series, !series.times.isEmpty else { return trends }
        let span = max(1, range.upperBound - range.lowerBound + 1)
        func bucket(_ time: Int64) -> Int { min(points - 1, Int(Double(time - range.lowerBound) / Double(span) * Double(points))) }
        func count(_ field: String, _ index: Int) -> Double? { series.value(field, at: index) }
        func reads(_ index: Int) -> (hits: Double, misses: Double)? {
            guard let hits = count("hits", index), let misses = count("misses", index) else { return nil }
            return (hits - (count("own_read_hits", index) ?? 0), misses - (count("own_read_misses", index) ?? 0))
        }
        var first = 0
        while first < series.times.count {
            let slot = bucket(series.times[first])
            var last = first
            while last + 1 < series.times.count, bucket(series.times[last + 1]) == slot { last += 1 }
            // From the reading before the bucket (when there is one), so a bucket of one reading has a rate too.
            let from = first > 0 && bucket(series.times[first - 1]) == slot - 1 ? first - 1 : first
            if last > from, let before = reads(from), let after = reads(last) {
                let hits = after.hits - before.hits
                let misses = after.misses - before.misses
                // A counter that went back (a restart) says nothing of this bucket.
                if hits >= 0, misses >= 0, hits + misses > 0 { trends.hitRatio[slot] = hits / (hits + misses) }
                let seconds = Double(series.times[last] - series.times[from]) / 1000
                if let start = count("operations", from), let end = count("operations", last), end >= start, seconds > 0 {
                    trends.operationsPerSecond[slot] = (end - start) / seconds
                }
            }
            trends.memoryBytes[slot] = count("memory_bytes", last)
            first = last + 1
        }
        return trends
    }
}
