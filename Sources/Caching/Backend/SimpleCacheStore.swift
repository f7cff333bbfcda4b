/// The data of a ``SimpleCache``: a dictionary of entries plus an ``ExpiryIndex`` of expiry marks.
///
/// Not thread-safe by itself; ``SimpleCache`` keeps it behind a lock. Every operation is amortised O(1)
/// for the usual handful of distinct timeouts (O(log n) beyond that) — including `set` on a full cache,
/// which cachelib makes O(n).
///
/// The index holds one mark per write, ordered by (expiry, write sequence); entries that never expire sort
/// last. A mark is current while its sequence equals its entry's; overwritten or deleted entries leave
/// stale marks that are skipped when removed and swept by ``compactIfNeeded()``. Because every live entry
/// has exactly one current mark, removing marks that lie in the past removes exactly the expired entries,
/// and removing further takes the earliest-expiring live entries: Flask-Caching's pruning order
/// ("expired first, then the earliest-expiring").
struct SimpleCacheStore {
    struct Entry {
        var value: CacheValue
        var expiresAt: Double
        /// Seconds the entry was written to live (`.infinity` = never): its lane in the index.
        var lifetime: Double
        var sequence: UInt64
    }

    /// The cache prunes when a write finds more than this many entries, as cachelib does; so it holds at
    /// most `threshold + 1` entries.
    let threshold: Int
    private(set) var entries: [String: Entry] = [:]
    private var marks = ExpiryIndex()
    private var nextSequence: UInt64 = 0
    private(set) var counters = CacheBackendStatistics()
    /// The last key operations, per key (see ``KeyTrafficLog``).
    var traffic = KeyTrafficLog()

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

    mutating func set(_ key: String, _ value: CacheValue, lifetime: Double, now: Double) {
        dropExpired(now: now)
        insert(key, value, lifetime: lifetime, now: now)
        counters.sets &+= 1
    }

    mutating func add(_ key: String, _ value: CacheValue, lifetime: Double, now: Double) -> Bool {
        dropExpired(now: now)
        if has(key, now: now) { return false }
        insert(key, value, lifetime: lifetime, now: now)
        counters.sets &+= 1
        return true
    }

    mutating func delete(_ key: String, now: Double) -> Bool {
        guard let entry = entries[key] else { return false }
        let live = entry.expiresAt > now
        remove(key, entry, counting: live ? \.deletes : \.expirations)
        compactIfNeeded()
        return live
    }

    mutating func touch(_ key: String, lifetime: Double, now: Double) -> Bool {
        guard var entry = entries[key], entry.expiresAt > now else { return false }
        entry.expiresAt = now + lifetime
        entry.lifetime = lifetime
        entry.sequence = takeSequence()
        entries[key] = entry
        marks.insert(ExpiryIndex.Mark(expiresAt: entry.expiresAt, sequence: entry.sequence, key: key), lifetime: lifetime)
        compactIfNeeded()
        return true
    }

    mutating func increment(_ key: String, by delta: Int64, lifetimeIfCreated: Double, now: Double) throws -> Int64 {
        dropExpired(now: now)
        guard var entry = entries[key], entry.expiresAt > now else {
            set(key, CacheValue(format: .integer, bytes: Array(String(delta).utf8)), lifetime: lifetimeIfCreated, now: now)
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
            marks.removeAll()
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
        return CacheKeyListing(keys: Array(matching.prefix(max(0, limit))), totalMatching: total, hasMore: total > max(0, limit))
    }

    // MARK: internals

    private mutating func takeSequence() -> UInt64 {
        nextSequence &+= 1
        return nextSequence
    }

    /// Stores an entry with one hash lookup; a new key that takes the cache past `threshold + 1` entries
    /// evicts first. The new entry's mark is pushed after pruning, so it is never its own victim.
    private mutating func insert(_ key: String, _ value: CacheValue, lifetime: Double, now: Double) {
        let sequence = takeSequence()
        let expiresAt = now + lifetime
        if let old = entries.updateValue(Entry(value: value, expiresAt: expiresAt, lifetime: lifetime, sequence: sequence), forKey: key) {
            counters.bytes -= old.value.bytes.count
        } else {
            counters.bytes += key.utf8.count
            if entries.count > threshold + 1 { prune() }
        }
        counters.bytes += value.bytes.count
        marks.insert(ExpiryIndex.Mark(expiresAt: expiresAt, sequence: sequence, key: key), lifetime: lifetime)
        compactIfNeeded()
    }

    private mutating func remove(_ key: String, _ entry: Entry, counting counter: WritableKeyPath<CacheBackendStatistics, UInt64>) {
        entries[key] = nil
        account(removalOf: key, entry, counting: counter)
    }

    private mutating func account(removalOf key: String, _ entry: Entry, counting counter: WritableKeyPath<CacheBackendStatistics, UInt64>) {
        counters.bytes -= key.utf8.count + entry.value.bytes.count
        counters[keyPath: counter] &+= 1
    }

    /// Removes the entry a mark points at, if the mark is still current: one hash lookup.
    private mutating func removeEntry(of mark: ExpiryIndex.Mark, counting counter: WritableKeyPath<CacheBackendStatistics, UInt64>) {
        guard let index = entries.index(forKey: mark.key), entries.values[index].sequence == mark.sequence else { return }
        let (key, entry) = entries.remove(at: index)
        account(removalOf: key, entry, counting: counter)
    }

    /// Takes marks from the past: removes every expired entry.
    private mutating func dropExpired(now: Double) {
        while let first = marks.earliest, first.expiresAt <= now, let mark = marks.removeEarliest() {
            removeEntry(of: mark, counting: \.expirations)
        }
    }

    /// Evicts the earliest-expiring entries (expired ones are already gone) until `threshold + 1` remain:
    /// cachelib prunes to `threshold` before inserting, which leaves the same `threshold + 1`.
    private mutating func prune() {
        while entries.count > threshold + 1, let mark = marks.removeEarliest() {
            removeEntry(of: mark, counting: \.evictions)
        }
    }

    /// Rebuilds the index from the live entries once stale marks outnumber them fourfold, keeping memory O(n)
    /// and the amortised cost per write O(log n) with a small constant (no key is hashed).
    private mutating func compactIfNeeded() {
        guard marks.count > 4 * entries.count + 4096 else { return }
        marks.rebuild(
            from: entries.map { key, entry in
                (ExpiryIndex.Mark(expiresAt: entry.expiresAt, sequence: entry.sequence, key: key), entry.lifetime)
            })
    }
}
