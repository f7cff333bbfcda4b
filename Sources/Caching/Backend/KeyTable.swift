/// Where a ``SimpleCache`` finds an entry by its key: an open-addressing hash table (linear probing, at
/// most four fifths full counting removed cells) that maps a key to the entry's slot.
///
/// A key is hashed once per operation, by ``KeyHash``, over its UTF-8 bytes; keys are compared byte for
/// byte, as Python compares `str` keys (two spellings of "é" are two keys, as in cachelib). A cell is 4
/// bytes — the slot, and in the bits the slot does not need, a tag from the hash — so the table of a
/// 200,000-entry cache is 1 MB (it can stay in the processor's cache, where a probe costs a few nanoseconds
/// instead of a trip to memory), and a probe rarely looks at an entry whose key differs. Removing an entry
/// by its slot (eviction, expiry) finds its cell from the hash kept with the entry, without hashing the
/// key again; removed cells stay as tombstones until the next rebuild.
///
/// The cells are memory the table owns (it is not copyable, and frees them when it goes): reading a cell
/// costs no reference counting, which an array's buffer would on every write path.
struct KeyTable: ~Copyable {
    /// `0` empty, `1` removed; otherwise the hash's bits above `slotBits` (the tag) with `slot + 2` below.
    /// `capacity` of them, a power of two; every index is masked, so every access is in bounds.
    private var cells: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private var mask: Int
    private let slotBits: UInt32
    private let slotMask: UInt32
    /// Cells holding a slot.
    private(set) var count = 0
    /// Cells holding a slot or a tombstone.
    private var used = 0

    private static let empty: UInt32 = 0
    private static let removed: UInt32 = 1

    /// A table for about `expected` keys, whose slots stay below `maximumSlots`; it grows by doubling.
    init(expected: Int, maximumSlots: Int) {
        var capacity = 16
        while capacity * 4 < 5 * max(1, expected) { capacity <<= 1 }
        cells = Self.allocate(capacity)
        self.capacity = capacity
        mask = capacity - 1
        var bits: UInt32 = 16
        while bits < 31 && (1 << bits) < maximumSlots + 2 { bits += 1 }
        slotBits = bits
        slotMask = UInt32((1 << UInt64(bits)) - 1)
    }

    deinit {
        cells.deallocate()
    }

    /// `capacity` empty cells.
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt32> {
        let cells = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        cells.initialize(repeating: empty, count: capacity)
        return cells
    }

    /// The hash's bits above the slot's: what a cell keeps to tell keys apart without reading them.
    private func tag(_ hash: UInt32) -> UInt32 {
        hash & ~slotMask
    }

    /// A walk along the cells a key's hash leads to (see ``probe(hash:)`` and ``next(_:)``).
    struct Probe {
        fileprivate let tag: UInt32
        /// The cell last looked at: the matching one after ``KeyTable/next(_:)`` returned a slot.
        fileprivate(set) var position: Int
        fileprivate var firstRemoved: Int?
        /// The cell a new key with this hash would take: known once ``KeyTable/next(_:)`` returned nil.
        var insertionCell: Int { firstRemoved ?? position }
        /// The cell where the last slot returned by ``KeyTable/next(_:)`` is.
        var cell: Int { position }
    }

    /// Starts looking for the key with `hash`. No closure and nothing retained: the caller compares the
    /// keys of the slots ``next(_:)`` returns.
    @inline(__always)
    func probe(hash: UInt32) -> Probe {
        Probe(tag: tag(hash), position: (Int(truncatingIfNeeded: hash) & mask) &- 1, firstRemoved: nil)
    }

    /// The next slot whose tag matches the probe's hash, or nil when the probe reached an empty cell (the
    /// key is absent; ``Probe/insertionCell`` is where it would go).
    @inline(__always)
    func next(_ probe: inout Probe) -> Int? {
        while true {
            probe.position = (probe.position &+ 1) & mask
            let cell = cells[probe.position]
            if cell == Self.empty { return nil }
            if cell == Self.removed {
                if probe.firstRemoved == nil { probe.firstRemoved = probe.position }
            } else if cell & ~slotMask == probe.tag {
                return Int(cell & slotMask) - 2
            }
        }
    }

    /// Whether one more key would fill the table past four fifths (counting tombstones): call
    /// ``rebuild(_:)`` first, then look the key up again.
    var needsRoom: Bool { 5 * (used + 1) > 4 * capacity }

    /// Puts `slot` in `cell` (a probe's ``Probe/insertionCell``, with no change to the table since).
    mutating func insert(slot: Int, hash: UInt32, at cell: Int) {
        if cells[cell] == Self.empty { used += 1 }
        cells[cell] = tag(hash) | UInt32(slot + 2)
        count += 1
    }

    /// Removes the cell of `slot`, whose key hashes to `hash`.
    mutating func remove(slot: Int, hash: UInt32) {
        let wanted = UInt32(slot + 2)
        var position = Int(truncatingIfNeeded: hash) & mask
        while cells[position] & slotMask != wanted || cells[position] <= Self.removed {
            guard cells[position] != Self.empty else { return }
            position = (position + 1) & mask
        }
        cells[position] = Self.removed
        count -= 1
    }

    /// Forgets every key (the capacity stays).
    mutating func removeAll() {
        cells.update(repeating: Self.empty, count: capacity)
        count = 0
        used = 0
    }

    /// Makes the table anew from `live` (every live slot with its key's hash), dropping tombstones and
    /// doubling the capacity when the live cells alone would fill more than seven tenths of it.
    mutating func rebuild(_ live: [(slot: Int, hash: UInt32)]) {
        if 10 * (count + 1) > 7 * capacity { capacity *= 2 }
        cells.deallocate()
        cells = Self.allocate(capacity)
        mask = capacity - 1
        count = 0
        used = 0
        for (slot, hash) in live {
            var position = Int(truncatingIfNeeded: hash) & mask
            while cells[position] != Self.empty { position = (position + 1) & mask }
            insert(slot: slot, hash: hash, at: position)
        }
    }
}

/// A fast 32-bit hash of a key's UTF-8 bytes, seeded per cache (random), in the style of wyhash: 8 bytes
/// at a time, each folded in with one 64×64→128-bit multiply. Not a cryptographic hash; the random seed
/// keeps an outsider who picks keys from aiming them at one cell.
struct KeyHash {
    let seed: UInt64

    init(seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.seed = seed
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// The hash of `bytes`.
    @inline(__always)
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var state = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        while offset + 8 <= bytes.count {
            state = Self.fold(state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), 0xA076_1D64_78BD_642F)
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
            state = Self.fold(state ^ tail, 0xE703_7ED1_A0B4_28DB)
        }
        let folded = Self.fold(state, 0x8EBC_6AF0_9C88_C6E3)
        return UInt32(truncatingIfNeeded: folded ^ folded >> 32)
    }
}

extension String {
    /// Runs `body` with this string's UTF-8 bytes, without copying them to the heap.
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return result }
        return try Array(utf8).withUnsafeBytes(body)
    }
}
