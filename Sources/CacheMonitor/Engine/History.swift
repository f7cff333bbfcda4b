import DequeModule

/// The last `capacity` values of one figure, oldest first — what a sparkline draws. `nil` marks a sample
/// without a value (no traffic, a backend down), so gaps stay gaps instead of becoming zeros.
package struct History: Sendable, Hashable {
    /// How many values are kept.
    package let capacity: Int
    /// The values, oldest first.
    package private(set) var values: Deque<Double?> = []

    package init(capacity: Int) {
        precondition(capacity > 0, "a history keeps at least one value")
        self.capacity = capacity
    }

    /// Adds the newest value, dropping the oldest when full.
    package mutating func append(_ value: Double?) {
        if values.count == capacity { values.removeFirst() }
        values.append(value)
    }

    /// The newest value.
    package var last: Double?? { values.last }
}
