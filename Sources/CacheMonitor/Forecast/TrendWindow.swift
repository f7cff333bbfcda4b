import DequeModule

/// The last hour of one backend's readings, a point per ``step`` seconds (and the newest reading besides):
/// what the forecasts fit a line to and compare the hit ratio against. A counter that went backwards (a
/// restart) starts the window again: the hour before says nothing of the server after.
package struct TrendWindow: Sendable, Hashable {
    /// One reading's figures.
    package struct Point: Sendable, Hashable {
        /// Seconds on any clock that only moves forward.
        package var time: Double
        package var memoryBytes: Double?
        package var maxMemoryBytes: Double?
        /// The application's reads (the monitor's own left out) and evictions, as running totals.
        package var hits: UInt64
        package var misses: UInt64
        package var evictions: UInt64

        package init(time: Double, memoryBytes: Double?, maxMemoryBytes: Double?, hits: UInt64, misses: UInt64, evictions: UInt64) {
            self.time = time
            self.memoryBytes = memoryBytes
            self.maxMemoryBytes = maxMemoryBytes
            self.hits = hits
            self.misses = misses
            self.evictions = evictions
        }

        package init(_ sample: SourceSample, at time: Double) {
            self.init(
                time: time, memoryBytes: sample.memoryBytes.map { Double($0) }, maxMemoryBytes: sample.maxMemoryBytes.map { Double($0) },
                hits: sample.applicationHits, misses: sample.applicationMisses, evictions: sample.evictions)
        }
    }

    /// How far back it reaches, in seconds.
    package let span: Double
    /// Seconds between two kept points.
    package let step: Double
    /// The kept points, oldest first; the newest reading is ``latest`` when it came less than a step after.
    package private(set) var points: Deque<Point> = []
    package private(set) var latest: Point?

    package init(span: Double = 3_600, step: Double = 10) {
        self.span = span
        self.step = step
    }

    /// Every point and the newest reading, oldest first.
    package var all: [Point] { Array(points) + (latest.map { [$0] } ?? []) }

    /// Adds a reading.
    /// - Returns: whether it was kept as a point of its own (or started the window again), not only as the
    ///   ``latest`` reading: what a fit over the window may change with.
    @discardableResult
    package mutating func add(_ point: Point) -> Bool {
        if let last = latest ?? points.last, point.hits < last.hits || point.misses < last.misses || point.evictions < last.evictions {
            points.removeAll()
            latest = nil
        }
        if let last = points.last, point.time - last.time < step {
            latest = point
            return false
        }
        points.append(point)
        latest = nil
        while let first = points.first, point.time - first.time > span { points.removeFirst() }
        return true
    }
}
