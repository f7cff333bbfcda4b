import HeapModule

/// The order in which a ``SimpleCacheStore`` expires and evicts entries: earliest expiry first (the older
/// write first when two expire together), never-expiring entries last.
///
/// Entries written with the same lifetime expire in the order they were written (the clock only moves
/// forward), so each lifetime has a lane: a doubly linked list threaded through the store's slots
/// (`previous`/`next`), oldest at the head. Writing appends at the tail, overwriting or touching moves the
/// entry to the tail of its new lane, deleting unlinks it — all O(1), with nothing stored beside the
/// entries and nothing to sweep later. The earliest entry is the smallest lane head. Real applications use
/// a handful of timeouts; an empty lane is reused for a new lifetime, and past ``maximumLanes`` lifetimes
/// in use, further ones share a min-heap of marks (stale marks are recognised by their write sequence and
/// swept when they pile up), so the cost stays bounded whatever the timeouts are.
struct ExpiryLanes {
    struct Lane {
        var lifetime: Double
        var head: Int32 = -1
        var tail: Int32 = -1
    }

    /// An overflow entry's place in the heap, current while its slot still holds write `sequence`.
    struct Mark: Comparable {
        var expiresAt: Double
        var sequence: UInt64
        var slot: Int32

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.expiresAt, lhs.sequence) < (rhs.expiresAt, rhs.sequence)
        }
    }

    /// Lifetimes that get a lane of their own at the same time.
    static let maximumLanes = 32
    /// The `lane` of an entry whose lifetime has no lane: its mark is in the heap.
    static let overflow: UInt8 = .max

    var lanes: [Lane] = []
    var overflowMarks = Heap<Mark>()
    /// Live entries in the heap (the heap also holds stale marks).
    var overflowLive = 0
    /// At or before the expiry of every entry in the order (`.infinity` when empty): while the clock is
    /// before it, nothing has expired and a write need not look at the lanes.
    var earliestBound = Double.infinity
}

extension SimpleCacheStore {
    /// Puts the entry in `slot` (its `expiresAt` and `sequence` set) at the end of its lifetime's lane.
    mutating func link(_ slot: Int, lifetime: Double) {
        expiry.earliestBound = min(expiry.earliestBound, slots[slot].expiresAt)
        guard let lane = lane(for: lifetime) else {
            slots[slot].lane = ExpiryLanes.overflow
            expiry.overflowMarks.insert(ExpiryLanes.Mark(expiresAt: slots[slot].expiresAt, sequence: slots[slot].sequence, slot: Int32(slot)))
            expiry.overflowLive += 1
            compactOverflowIfNeeded()
            return
        }
        let tail = expiry.lanes[lane].tail
        slots[slot].lane = UInt8(lane)
        slots[slot].previous = tail
        slots[slot].next = -1
        if tail >= 0 { slots[Int(tail)].next = Int32(slot) } else { expiry.lanes[lane].head = Int32(slot) }
        expiry.lanes[lane].tail = Int32(slot)
    }

    /// Takes the entry in `slot` out of the expiry order (an overflow entry's mark goes stale).
    mutating func unlink(_ slot: Int) {
        let lane = slots[slot].lane
        guard lane != ExpiryLanes.overflow else {
            expiry.overflowLive -= 1
            return
        }
        let (previous, next) = (slots[slot].previous, slots[slot].next)
        if previous >= 0 { slots[Int(previous)].next = next } else { expiry.lanes[Int(lane)].head = next }
        if next >= 0 { slots[Int(next)].previous = previous } else { expiry.lanes[Int(lane)].tail = previous }
        slots[slot].previous = -1
        slots[slot].next = -1
    }

    /// Moves a linked entry to its (new) place after its expiry or sequence changed.
    mutating func relink(_ slot: Int, lifetime: Double) {
        unlink(slot)
        link(slot, lifetime: lifetime)
    }

    /// The slot of the entry that expires first (the older write first), or nil when there is none.
    mutating func earliestSlot() -> Int? {
        while let top = expiry.overflowMarks.min, !isCurrent(top) { _ = expiry.overflowMarks.popMin() }
        var best = expiry.overflowMarks.min.map { (expiresAt: $0.expiresAt, sequence: $0.sequence, slot: Int($0.slot)) }
        for lane in expiry.lanes where lane.head >= 0 {
            let slot = Int(lane.head)
            let candidate = (expiresAt: slots[slot].expiresAt, sequence: slots[slot].sequence, slot: slot)
            if let current = best, (current.expiresAt, current.sequence) <= (candidate.expiresAt, candidate.sequence) { continue }
            best = candidate
        }
        return best?.slot
    }

    /// The lane of `lifetime`: its own, else an empty one taken over, else a new one while there is room.
    private mutating func lane(for lifetime: Double) -> Int? {
        if let lane = expiry.lanes.firstIndex(where: { $0.lifetime == lifetime }) { return lane }
        if let empty = expiry.lanes.firstIndex(where: { $0.head < 0 }) {
            expiry.lanes[empty].lifetime = lifetime
            return empty
        }
        guard expiry.lanes.count < ExpiryLanes.maximumLanes else { return nil }
        expiry.lanes.append(ExpiryLanes.Lane(lifetime: lifetime))
        return expiry.lanes.count - 1
    }

    private func isCurrent(_ mark: ExpiryLanes.Mark) -> Bool {
        let slot = Int(mark.slot)
        return slot < slots.count && slots[slot].sequence == mark.sequence && slots[slot].lane == ExpiryLanes.overflow
    }

    /// Rebuilds the heap from the live overflow entries once stale marks outnumber them fourfold: memory
    /// stays O(n), the amortised cost per write O(log n).
    private mutating func compactOverflowIfNeeded() {
        guard expiry.overflowMarks.count > 4 * expiry.overflowLive + 4096 else { return }
        var live: [ExpiryLanes.Mark] = []
        live.reserveCapacity(expiry.overflowLive)
        for slot in slots.indices where slots[slot].sequence != 0 && slots[slot].lane == ExpiryLanes.overflow {
            live.append(ExpiryLanes.Mark(expiresAt: slots[slot].expiresAt, sequence: slots[slot].sequence, slot: Int32(slot)))
        }
        expiry.overflowMarks = Heap(live)
    }
}
