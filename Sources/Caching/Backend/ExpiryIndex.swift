import DequeModule
import HeapModule

/// The order in which a ``SimpleCache`` expires and evicts entries: earliest expiry first, never-expiring
/// entries last (oldest write first among them).
///
/// Marks are kept in one FIFO lane per lifetime: entries written with the same timeout expire in the
/// order they were written (the clock only moves forward), so a lane is sorted by construction and an
/// insert is an O(1) append. The earliest mark is the smallest lane head. Real applications use a handful
/// of timeouts; past ``maxLanes`` distinct lifetimes, further lifetimes share a min-heap, so the cost stays
/// bounded whatever the timeouts are.
///
/// Marks are not removed when their entry is overwritten or deleted; the owner recognises stale marks by
/// their sequence number and calls ``rebuild(from:)`` with the live marks when stale ones pile up.
struct ExpiryIndex {
    struct Mark: Comparable {
        var expiresAt: Double
        var sequence: UInt64
        var key: String

        static func < (lhs: Self, rhs: Self) -> Bool {
            lhs.expiresAt < rhs.expiresAt || (lhs.expiresAt == rhs.expiresAt && lhs.sequence < rhs.sequence)
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.expiresAt == rhs.expiresAt && lhs.sequence == rhs.sequence
        }
    }

    /// Distinct lifetimes that get a lane of their own.
    static let maxLanes = 32

    /// The lanes, found by a linear scan: a handful of lifetimes compare faster than a `Double` hashes.
    private var lanes: [(lifetime: Double, marks: Deque<Mark>)] = []
    private var overflow = Heap<Mark>()
    /// Marks held, stale ones included.
    private(set) var count = 0

    /// Adds the mark of an entry written with `lifetime` seconds (`.infinity` = never expires).
    mutating func insert(_ mark: Mark, lifetime: Double) {
        count += 1
        if let lane = lanes.firstIndex(where: { $0.lifetime == lifetime }) {
            lanes[lane].marks.append(mark)
        } else if lanes.count < Self.maxLanes {
            lanes.append((lifetime, [mark]))
        } else {
            overflow.insert(mark)
        }
    }

    /// The mark that expires first.
    var earliest: Mark? {
        var best = overflow.min
        for lane in lanes {
            if let head = lane.marks.first, best.map({ head < $0 }) ?? true { best = head }
        }
        return best
    }

    /// Removes and returns the mark that expires first.
    mutating func removeEarliest() -> Mark? {
        var best = overflow.min
        var bestLane: Int?
        for index in lanes.indices {
            if let head = lanes[index].marks.first, best.map({ head < $0 }) ?? true {
                best = head
                bestLane = index
            }
        }
        guard best != nil else { return nil }
        count -= 1
        if let bestLane { return lanes[bestLane].marks.popFirst() }
        return overflow.popMin()
    }

    /// Replaces every mark by `live` (one `(mark, lifetime)` per live entry), without hashing a key:
    /// O(n log n), run once per O(n) writes.
    mutating func rebuild(from live: [(mark: Mark, lifetime: Double)]) {
        var grouped: [Double: [Mark]] = [:]
        for item in live { grouped[item.lifetime, default: []].append(item.mark) }
        removeAll()
        for (lifetime, marks) in grouped {
            for mark in marks.sorted() { insert(mark, lifetime: lifetime) }
        }
    }

    /// Forgets every mark.
    mutating func removeAll() {
        lanes.removeAll()
        overflow = Heap()
        count = 0
    }
}
