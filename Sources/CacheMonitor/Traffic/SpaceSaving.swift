/// The most frequent keys of a stream, in bounded memory: the Space-Saving algorithm (Metwally, Agrawal and
/// El Abbadi, 2005). It watches at most ``capacity`` keys; a new key replaces a least counted one and
/// inherits its count as ``Entry/overestimate``. Every key counted more than `total / capacity` times is
/// always among those watched, and each count is at most its overestimate above the truth.
///
/// Watched keys sit in buckets by count (the paper's Stream-Summary: a list per count), so counting a key —
/// watched or new — costs one key lookup and a few integer moves, however many distinct keys pass.
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
    private var entries: [Entry] = []
    /// Where each watched key sits in ``entries``.
    private var slot: [[UInt8]: Int] = [:]
    /// Each count's slots, as a doubly linked list through ``next``/``previous`` (-1 ends it).
    private var head: [Int: Int] = [:]
    private var next: [Int] = []
    private var previous: [Int] = []
    /// The smallest count watched.
    private var least = 0
    /// Everything counted.
    package private(set) var total = 0

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Counts `key` `times` more times.
    package mutating func count(_ key: [UInt8], times: Int = 1) {
        guard times > 0 else { return }
        total += times
        if let index = slot[key] {
            move(index, by: times)
        } else if entries.count < capacity {
            let index = entries.count
            entries.append(Entry(key: key, count: times, overestimate: 0, secondary: 0))
            next.append(-1)
            previous.append(-1)
            slot[key] = index
            link(index)
            least = entries.count == 1 ? times : min(least, times)
        } else {
            // Replace a least counted key; its count stays with the newcomer as possible error.
            guard let index = head[least] else { return }
            slot[entries[index].key] = nil
            entries[index].key = key
            entries[index].overestimate = entries[index].count
            entries[index].secondary = 0
            slot[key] = index
            move(index, by: times)
        }
    }

    /// Adds `amount` to `key`'s second figure, if it is watched.
    package mutating func addSecondary(_ key: [UInt8], _ amount: Int = 1) {
        if let index = slot[key] { entries[index].secondary += amount }
    }

    /// The `limit` keys counted most for certain (``Entry/guaranteed``), most first (ties by key); keys whose
    /// count may all belong to keys they replaced are left out.
    package func top(_ limit: Int) -> [Entry] {
        Array(
            entries.filter { $0.guaranteed > 0 }.sorted {
                $0.guaranteed != $1.guaranteed ? $0.guaranteed > $1.guaranteed : $0.key.lexicographicallyPrecedes($1.key)
            }.prefix(limit))
    }

    /// Moves the key at `index` up by `times` counts, to its new count's list.
    private mutating func move(_ index: Int, by times: Int) {
        let old = entries[index].count
        unlink(index)
        entries[index].count = old + times
        link(index)
        if old == least, head[old] == nil {
            // Counts go up by one in a stream, so the next smallest is the one above; a bigger step looks.
            least = times == 1 ? old + 1 : head.keys.min() ?? old + times
        }
    }

    private mutating func link(_ index: Int) {
        let count = entries[index].count
        let first = head[count] ?? -1
        next[index] = first
        previous[index] = -1
        if first >= 0 { previous[first] = index }
        head[count] = index
    }

    private mutating func unlink(_ index: Int) {
        let count = entries[index].count
        let (before, after) = (previous[index], next[index])
        if before >= 0 { next[before] = after } else if after >= 0 { head[count] = after } else { head[count] = nil }
        if after >= 0 { previous[after] = before }
    }
}
