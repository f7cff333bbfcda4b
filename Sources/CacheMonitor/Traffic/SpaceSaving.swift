/// The most frequent keys of a stream, in bounded memory: the Space-Saving algorithm (Metwally, Agrawal and
/// El Abbadi, 2005). It watches at most ``capacity`` keys; a new key replaces the least counted one and
/// inherits its count as ``Entry/overestimate``. Every key counted more than `total / capacity` times is
/// always among those watched, and each count is at most its overestimate above the truth.
///
/// A min-heap keeps the least counted key at hand, so counting costs O(log capacity) however many distinct
/// keys pass.
package struct SpaceSaving {
    /// One watched key.
    package struct Entry: Sendable, Hashable {
        package var key: [UInt8]
        /// Times counted (an upper bound of the truth).
        package var count: Int
        /// How much of ``count`` may belong to the keys this one replaced.
        package var overestimate: Int
        /// A second figure counted with the key while it is watched (a hot key's misses).
        package var secondary: Int

        /// Times counted for certain: a lower bound of the truth.
        package var guaranteed: Int { count - overestimate }
    }

    package let capacity: Int
    /// A min-heap by count.
    private var heap: [Entry] = []
    /// Where each watched key sits in ``heap``.
    private var position: [[UInt8]: Int] = [:]
    /// Everything counted.
    package private(set) var total = 0

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        heap.reserveCapacity(self.capacity)
        position.reserveCapacity(self.capacity)
    }

    /// Counts `key` `times` more times.
    package mutating func count(_ key: [UInt8], times: Int = 1) {
        total += times
        if let index = position[key] {
            heap[index].count += times
            siftDown(index)
        } else if heap.count < capacity {
            heap.append(Entry(key: key, count: times, overestimate: 0, secondary: 0))
            position[key] = heap.count - 1
            siftUp(heap.count - 1)
        } else {
            // Replace the least counted key; its count stays with the newcomer as possible error.
            let least = heap[0]
            position[least.key] = nil
            heap[0] = Entry(key: key, count: least.count + times, overestimate: least.count, secondary: 0)
            position[key] = 0
            siftDown(0)
        }
    }

    /// Adds `amount` to `key`'s second figure, if it is watched.
    package mutating func addSecondary(_ key: [UInt8], _ amount: Int = 1) {
        if let index = position[key] { heap[index].secondary += amount }
    }

    /// The `limit` keys counted most for certain (``Entry/guaranteed``), most first (ties by key); keys whose
    /// count may all belong to keys they replaced are left out.
    package func top(_ limit: Int) -> [Entry] {
        Array(
            heap.filter { $0.guaranteed > 0 }.sorted {
                $0.guaranteed != $1.guaranteed ? $0.guaranteed > $1.guaranteed : $0.key.lexicographicallyPrecedes($1.key)
            }.prefix(limit))
    }

    /// Adds `other`'s counts (another stream's summary) to this one.
    package mutating func merge(_ other: SpaceSaving) {
        for entry in other.heap {
            count(entry.key, times: entry.count)
            addSecondary(entry.key, entry.secondary)
        }
        total += other.total - other.heap.reduce(0) { $0 + $1.count }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].count < heap[parent].count else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let smaller = right < heap.count && heap[right].count < heap[left].count ? right : left
            guard heap[smaller].count < heap[parent].count else { return }
            swapAt(parent, smaller)
            parent = smaller
        }
    }

    private mutating func swapAt(_ first: Int, _ second: Int) {
        heap.swapAt(first, second)
        position[heap[first].key] = first
        position[heap[second].key] = second
    }
}
