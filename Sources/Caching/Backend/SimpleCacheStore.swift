/// The data of a ``SimpleCache``: entries in a slab of slots, a ``KeyTable`` from key to slot, and the
/// expiry order threaded through the slots themselves (see `SimpleCacheStore+Expiry.swift`).
///
/// Not thread-safe by itself; ``SimpleCache`` keeps it behind a lock. Each operation hashes its key once
/// (``KeyHash``, over the UTF-8 bytes) and probes one table sized for the threshold; expiring or evicting
/// an entry starts from the expiry order and goes straight to its slot, with no key hashed again and no
/// second structure to update. Every operation is O(1) for the usual handful of distinct timeouts
/// (O(log n) beyond that) — including `set` on a full cache, which cachelib makes O(n).
///
/// Keys are compared byte for byte (as Python compares `str` keys), and prefixes are byte prefixes.
struct SimpleCacheStore: ~Copyable {
    struct Entry {
        var key: String
        var value: CacheValue
        var expiresAt: Double
        /// The write that made this version of the entry (it orders entries that expire at the same
        /// time); `0` marks a free slot.
        var sequence: UInt64
        /// The key's hash, kept so the table can move and remove the entry without hashing it again.
        var hash: UInt32
        /// The neighbours in the entry's expiry lane (`-1`: none).
        var previous: Int32
        var next: Int32
        /// The expiry lane (see ``ExpiryLanes``), or ``ExpiryLanes/overflow``.
        var lane: UInt8

        static let free = Entry(
            key: "", value: CacheValue(format: .raw, bytes: []), expiresAt: 0, sequence: 0, hash: 0, previous: -1, next: -1, lane: 0)
    }

    /// The cache prunes when a write finds more than this many entries, as cachelib does; so it holds at
    /// most `threshold + 1` entries.
    let threshold: Int
    /// The slots: live entries and free ones (`sequence == 0`), reused before the slab grows.
    var slots: Slab<Entry>
    private var freeSlots: [Int] = []
    private var table: KeyTable
    private let hasher = KeyHash()
    /// The expiry order: lanes of slots per lifetime, and a heap for lifetimes beyond the lanes.
    var expiry = ExpiryLanes()
    private var nextSequence: UInt64 = 0
    private(set) var counters = CacheBackendStatistics()
    /// The last key operations, per key (see ``KeyTrafficLog``).
    var traffic = KeyTrafficLog()

    /// The table is made for the threshold at once (up to 262,144 entries; it doubles beyond that while
    /// the cache fills), so filling the cache never rehashes.
    init(threshold: Int) {
        self.threshold = threshold
        let expected = min(threshold + 2, 1 << 18)
        table = KeyTable(expected: expected, maximumSlots: threshold + 2)
        slots = Slab(capacity: expected)
    }

    /// Live entries.
    var count: Int { table.count }

    // MARK: reads

    mutating func get(_ key: String, now: Double) -> CacheValue? {
        guard let slot = find(key).slot else {
            counters.misses &+= 1
            return nil
        }
        guard slots[slot].expiresAt > now else {
            removeSlot(slot, counting: .expired)
            counters.misses &+= 1
            return nil
        }
        counters.hits &+= 1
        return slots[slot].value
    }

    func has(_ key: String, now: Double) -> Bool {
        guard let slot = find(key).slot else { return false }
        return slots[slot].expiresAt > now
    }

    // MARK: writes

    mutating func set(_ key: String, _ value: consuming CacheValue, lifetime: Double, now: Double) {
        dropExpired(now: now)
        insert(key, consume value, lifetime: lifetime, now: now)
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
        guard let slot = find(key).slot else { return false }
        let live = slots[slot].expiresAt > now
        removeSlot(slot, counting: live ? .deleted : .expired)
        return live
    }

    mutating func touch(_ key: String, lifetime: Double, now: Double) -> Bool {
        guard let slot = find(key).slot, slots[slot].expiresAt > now else { return false }
        slots[slot].expiresAt = now + lifetime
        slots[slot].sequence = takeSequence()
        relink(slot, lifetime: lifetime)
        return true
    }

    mutating func increment(_ key: String, by delta: Int64, lifetimeIfCreated: Double, now: Double) throws -> Int64 {
        dropExpired(now: now)
        guard let slot = find(key).slot, slots[slot].expiresAt > now else {
            set(key, CacheValue(format: .integer, bytes: Array(String(delta).utf8)), lifetime: lifetimeIfCreated, now: now)
            return delta
        }
        guard let current = slots[slot].value.integerValue else {
            throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)): its value is not an integer")
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else {
            throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): the result would overflow a 64-bit integer")
        }
        let bytes = Array(String(sum).utf8)
        counters.bytes += bytes.count - slots[slot].value.bytes.count
        // Same expiry and place in its lane: the lifetime is kept.
        slots[slot].value = CacheValue(format: .integer, bytes: bytes)
        counters.sets &+= 1
        return sum
    }

    mutating func clear(prefix: String) -> Int {
        if prefix.isEmpty {
            let removed = table.count
            counters.deletes &+= UInt64(removed)
            slots.removeAll()
            freeSlots.removeAll()
            table.removeAll()
            expiry = ExpiryLanes()
            counters.bytes = 0
            return removed
        }
        var removed = 0
        for slot in slots.indices where slots[slot].sequence != 0 && slots[slot].key.utf8.starts(with: prefix.utf8) {
            removeSlot(slot, counting: .deleted)
            removed += 1
        }
        return removed
    }

    // MARK: monitoring

    mutating func statistics(now: Double) -> CacheBackendStatistics {
        dropExpired(now: now)
        var statistics = counters
        statistics.keys = table.count
        statistics.capacity = threshold + 1
        return statistics
    }

    mutating func listKeys(prefix: String, limit: Int, now: Double) -> CacheKeyListing {
        dropExpired(now: now)
        var matching: [CacheKeyInfo] = []
        for slot in slots.indices where slots[slot].sequence != 0 && (prefix.isEmpty || slots[slot].key.utf8.starts(with: prefix.utf8)) {
            let entry = slots[slot]
            let remaining = entry.expiresAt == .infinity ? nil : entry.expiresAt - now
            matching.append(CacheKeyInfo(key: entry.key, remainingSeconds: remaining, size: entry.value.bytes.count, format: entry.value.format))
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

    /// The slot holding `key`, if any, the key's hash, and the table cell a new entry for it would take:
    /// one hash, one probe sequence. Written without closures over the store, so nothing of it is
    /// copied or retained per call.
    @inline(__always)
    private func find(_ key: String) -> (slot: Int?, hash: UInt32, cell: Int) {
        let hasher = self.hasher
        let hash = key.withUTF8Bytes { hasher.hash($0) }
        var probe = table.probe(hash: hash)
        while let slot = table.next(&probe) {
            if slots[slot].hash == hash && Self.sameBytes(slots[slot].key, key) { return (slot, hash, probe.cell) }
        }
        return (nil, hash, probe.insertionCell)
    }

    /// Whether `stored` has exactly the bytes of `key`: at once when the two strings are the same bits
    /// (the same small string, or the same storage), else byte by byte.
    @inline(__always)
    private static func sameBytes(_ stored: String, _ key: String) -> Bool {
        if unsafeBitCast(stored, to: (UInt64, UInt64).self) == unsafeBitCast(key, to: (UInt64, UInt64).self) { return true }
        return stored.withUTF8Bytes { storedBytes in
            key.withUTF8Bytes { keyBytes in storedBytes.count == keyBytes.count && storedBytes.elementsEqual(keyBytes) }
        }
    }

    /// Stores an entry with one hash lookup; a new key that takes the cache past `threshold + 1` entries
    /// evicts first. The new entry joins the expiry order after pruning, so it is never its own victim.
    private mutating func insert(_ key: String, _ value: consuming CacheValue, lifetime: Double, now: Double) {
        let sequence = takeSequence()
        let expiresAt = now + lifetime
        let size = value.bytes.count
        var (found, hash, cell) = find(key)
        if let slot = found {
            counters.bytes += size - slots[slot].value.bytes.count
            slots[slot].value = consume value
            slots[slot].expiresAt = expiresAt
            slots[slot].sequence = sequence
            relink(slot, lifetime: lifetime)
            return
        }
        if table.needsRoom {
            rebuildTable()
            cell = find(key).cell
        }
        let entry = Entry(key: key, value: consume value, expiresAt: expiresAt, sequence: sequence, hash: hash, previous: -1, next: -1, lane: 0)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = consume entry
        } else {
            slot = slots.count
            slots.append(consume entry)
        }
        table.insert(slot: slot, hash: hash, at: cell)
        counters.bytes += key.utf8.count + size
        if table.count > threshold + 1 { prune() }
        link(slot, lifetime: lifetime)
    }

    /// Makes the key table anew from the live slots (it drops tombstones, and doubles when needed).
    private mutating func rebuildTable() {
        var live: [(slot: Int, hash: UInt32)] = []
        live.reserveCapacity(table.count)
        for slot in slots.indices where slots[slot].sequence != 0 { live.append((slot, slots[slot].hash)) }
        table.rebuild(live)
    }

    /// Why an entry leaves the cache: the counter it adds to.
    enum Removal {
        case deleted, expired, evicted
    }

    /// Removes the live entry in `slot` and counts it.
    mutating func removeSlot(_ slot: Int, counting removal: Removal) {
        unlink(slot)
        table.remove(slot: slot, hash: slots[slot].hash)
        counters.bytes -= slots[slot].key.utf8.count + slots[slot].value.bytes.count
        switch removal {
        case .deleted: counters.deletes &+= 1
        case .expired: counters.expirations &+= 1
        case .evicted: counters.evictions &+= 1
        }
        slots[slot] = .free
        freeSlots.append(slot)
    }

    /// Takes entries from the past: removes every expired entry.
    /// Nothing to do (and the expiry order untouched) while `now` is before ``ExpiryLanes/earliestBound``.
    private mutating func dropExpired(now: Double) {
        guard now >= expiry.earliestBound else { return }
        while let slot = earliestSlot() {
            let expiresAt = slots[slot].expiresAt
            guard expiresAt <= now else {
                expiry.earliestBound = expiresAt
                return
            }
            removeSlot(slot, counting: .expired)
        }
        expiry.earliestBound = .infinity
    }

    /// Evicts the earliest-expiring entries (expired ones are already gone) until `threshold + 1` remain:
    /// cachelib prunes to `threshold` before inserting, which leaves the same `threshold + 1`.
    private mutating func prune() {
        while table.count > threshold + 1, let slot = earliestSlot() {
            removeSlot(slot, counting: .evicted)
        }
    }
}
