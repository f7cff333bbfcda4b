import HeapModule

/// The data of a ``SimpleCache``: a dictionary of entries plus a min-heap of expiry marks.
///
/// Not thread-safe by itself; ``SimpleCache`` keeps it behind a lock. Every operation is O(1) or
/// O(log n) amortised — including `set` on a full cache, which cachelib makes O(n).
///
/// The heap holds one mark per write, ordered by (expiry, write sequence); entries that never expire sort
/// last. A mark is current while its sequence equals its entry's; overwritten or deleted entries leave
/// stale marks that are skipped when popped and swept by ``compactIfNeeded()``. Because every live entry
/// has exactly one current mark, popping marks that lie in the past removes exactly the expired entries,
/// and popping further removes the earliest-expiring live entries: Flask-Caching's pruning order
/// ("expired first, then the earliest-expiring").
struct SimpleCacheStore {
    struct Entry {
        var value: CacheValue
        var expiresAt: Double
        var sequence: UInt64
    }

    struct ExpiryMark: Comparable {
        var expiresAt: Double
        var sequence: UInt64
        var key: String

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.expiresAt, lhs.sequence) < (rhs.expiresAt, rhs.sequence)
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.expiresAt == rhs.expiresAt && lhs.sequence == rhs.sequence
        }
    }

    /// The cache prunes when a write finds more than this many entries, as cachelib does; so it holds at
    /// most `threshold + 1` entries.
    let threshold: Int
    private(set) var entries: [String: Entry] = [:]
    private var marks = Heap<ExpiryMark>()
    private var nextSequence: UInt64 = 0
    private(set) var counters = CacheBackendStatistics()

    init(threshold: Int) {
        self.threshold = threshold
    }

    // MARK: reads

    mutating func get(_ key: String, now: Double) -> CacheValue? {
        guard let entry = entries[key] else {
            counters.misses &+= 1
            return nil
        }
        guard entry.expiresAt > now else {
            remove(key, entry, counting: \.expirations)
            counters.misses &+= 1
            return nil
        }
        counters.hits &+= 1
        return entry.value
    }

    func has(_ key: String, now: Double) -> Bool {
        guard let entry = entries[key] else { return false }
        return entry.expiresAt > now
    }

    // MARK: writes

    mutating func set(_ key: String, _ value: CacheValue, expiresAt: Double, now: Double) {
        dropExpired(now: now)
        if entries[key] == nil { prune() }
        insert(key, value, expiresAt: expiresAt)
        counters.sets &+= 1
    }

    mutating func add(_ key: String, _ value: CacheValue, expiresAt: Double, now: Double) -> Bool {
        dropExpired(now: now)
        if has(key, now: now) { return false }
        set(key, value, expiresAt: expiresAt, now: now)
        return true
    }

    mutating func delete(_ key: String, now: Double) -> Bool {
        guard let entry = entries[key] else { return false }
        let live = entry.expiresAt > now
        remove(key, entry, counting: live ? \.deletes : \.expirations)
        compactIfNeeded()
        return live
    }

    mutating func touch(_ key: String, expiresAt: Double, now: Double) -> Bool {
        guard var entry = entries[key], entry.expiresAt > now else { return false }
        entry.expiresAt = expiresAt
        entry.sequence = takeSequence()
        entries[key] = entry
        marks.insert(ExpiryMark(expiresAt: expiresAt, sequence: entry.sequence, key: key))
        compactIfNeeded()
        return true
    }

    mutating func increment(_ key: String, by delta: Int64, expiresAtIfCreated: Double, now: Double) throws -> Int64 {
        dropExpired(now: now)
        guard var entry = entries[key], entry.expiresAt > now else {
            set(key, CacheValue(format: .integer, bytes: Array(String(delta).utf8)), expiresAt: expiresAtIfCreated, now: now)
            return delta
        }
        guard let current = entry.value.integerValue else {
            throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)): its value is not an integer")
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else {
            throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): the result would overflow a 64-bit integer")
        }
        counters.bytes += String(sum).utf8.count - entry.value.bytes.count
        entry.value = CacheValue(format: .integer, bytes: Array(String(sum).utf8))
        entries[key] = entry  // same sequence and expiry: the current mark stays valid, the lifetime is kept
        counters.sets &+= 1
        return sum
    }

    mutating func clear(prefix: String) -> Int {
        if prefix.isEmpty {
            let removed = entries.count
            counters.deletes &+= UInt64(removed)
            entries.removeAll()
            marks = Heap()
            counters.bytes = 0
            return removed
        }
        let doomed = entries.filter { $0.key.hasPrefix(prefix) }
        for (key, entry) in doomed { remove(key, entry, counting: \.deletes) }
        compactIfNeeded()
        return doomed.count
    }

    // MARK: monitoring

    mutating func statistics(now: Double) -> CacheBackendStatistics {
        dropExpired(now: now)
        var statistics = counters
        statistics.keys = entries.count
        statistics.capacity = threshold + 1
        return statistics
    }

    mutating func listKeys(prefix: String, limit: Int, now: Double) -> CacheKeyListing {
        dropExpired(now: now)
        var matching: [CacheKeyInfo] = []
        for (key, entry) in entries where prefix.isEmpty || key.hasPrefix(prefix) {
            let remaining = entry.expiresAt == .infinity ? nil : entry.expiresAt - now
            matching.append(CacheKeyInfo(key: key, remainingSeconds: remaining, size: entry.value.bytes.count, format: entry.value.format))
        }
        let total = matching.count
        matching.sort { $0.key < $1.key }
        return CacheKeyListing(keys: Array(matching.prefix(max(0, limit))), totalMatching: total)
    }

    // MARK: internals

    private mutating func takeSequence() -> UInt64 {
        nextSequence &+= 1
        return nextSequence
    }

    private mutating func insert(_ key: String, _ value: CacheValue, expiresAt: Double) {
        let sequence = takeSequence()
        if let old = entries.updateValue(Entry(value: value, expiresAt: expiresAt, sequence: sequence), forKey: key) {
            counters.bytes -= old.value.bytes.count
        } else {
            counters.bytes += key.utf8.count
        }
        counters.bytes += value.bytes.count
        marks.insert(ExpiryMark(expiresAt: expiresAt, sequence: sequence, key: key))
        compactIfNeeded()
    }

    private mutating func remove(_ key: String, _ entry: Entry, counting counter: WritableKeyPath<CacheBackendStatistics, UInt64>) {
        entries[key] = nil
        counters.bytes -= key.utf8.count + entry.value.bytes.count
        counters[keyPath: counter] &+= 1
    }

    /// Pops marks from the past: removes every expired entry, O(log n) each.
    private mutating func dropExpired(now: Double) {
        while let first = marks.min, first.expiresAt <= now {
            let mark = marks.removeMin()
            if let entry = entries[mark.key], entry.sequence == mark.sequence {
                remove(mark.key, entry, counting: \.expirations)
            }
        }
    }

    /// Makes room for one more entry the way cachelib does: when more than `threshold` entries are held,
    /// remove the earliest-expiring ones (expired entries are already gone) until `threshold` remain.
    private mutating func prune() {
        while entries.count > threshold, let mark = marks.popMin() {
            if let entry = entries[mark.key], entry.sequence == mark.sequence {
                remove(mark.key, entry, counting: \.evictions)
            }
        }
    }

    /// Rebuilds the heap from current marks once stale marks outnumber live ones, keeping memory O(n)
    /// and the amortised cost per write O(log n).
    private mutating func compactIfNeeded() {
        guard marks.count > 2 * entries.count + 64 else { return }
        marks = Heap(entries.map { ExpiryMark(expiresAt: $0.value.expiresAt, sequence: $0.value.sequence, key: $0.key) })
    }
}
