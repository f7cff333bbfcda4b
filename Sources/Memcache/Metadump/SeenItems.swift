/// The items a metadump walk has listed, so that an item the crawler reports twice is listed once.
///
/// An item is known by its key's 64-bit hash and its CAS unique, folded into one 64-bit fingerprint with a
/// per-walk random seed; the set keeps fingerprints only, 8 bytes each, in an open-addressing table
/// (linear probing, at most three quarters full). CAS uniques differ between items, so two items could
/// only be taken for one when their fingerprints collide (about 1 in 3·10⁷ for a million items), or, on a
/// server running without CAS (`-C`, every CAS 0), when their keys' hashes do. Written for the walk's
/// inner loop: no `Hasher`, nothing allocated per item.
struct SeenItems {
    private var cells: [UInt64]
    private var mask: Int
    private var count = 0
    private let seed: UInt64

    /// A set with room for `expected` items before it grows.
    init(expected: Int, seed: UInt64 = .random(in: .min ... .max)) {
        var capacity = 16
        while capacity * 3 < 4 * expected { capacity <<= 1 }
        cells = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        self.seed = seed
    }

    /// Keeps the loads of ``insert(_:)``'s first pass from being optimised away.
    private var touched: UInt64 = 0

    /// Adds the items; for each, whether it was new (`false`: already there, or earlier in `items`).
    ///
    /// A big walk's table is far larger than the processor's caches, so each item's cell is a trip to
    /// memory. The cells of the whole batch are loaded first, in a loop whose loads do not wait on one
    /// another (the processor overlaps them), then the items go in, finding their cells in the cache.
    mutating func insert(_ items: [(keyHash: UInt64, cas: UInt64)]) -> [Bool] {
        while 4 * (count + items.count) > 3 * cells.count { grow() }
        let fingerprints = items.map { fingerprint(keyHash: $0.keyHash, cas: $0.cas) }
        var sum: UInt64 = 0
        for fingerprint in fingerprints { sum &+= cells[Int(truncatingIfNeeded: fingerprint) & mask] }
        touched = sum
        return fingerprints.map { insert(fingerprint: $0) }
    }

    /// Adds the item; `false` when it was already there.
    mutating func insert(keyHash: UInt64, cas: UInt64) -> Bool {
        if 4 * (count + 1) > 3 * cells.count { grow() }
        return insert(fingerprint: fingerprint(keyHash: keyHash, cas: cas))
    }

    private func fingerprint(keyHash: UInt64, cas: UInt64) -> UInt64 {
        let product = (keyHash ^ seed).multipliedFullWidth(by: cas ^ 0x9E37_79B9_7F4A_7C15)
        let fingerprint = product.high ^ product.low
        return fingerprint == 0 ? 1 : fingerprint
    }

    /// Adds a fingerprint (the table has room for it).
    private mutating func insert(fingerprint: UInt64) -> Bool {
        var position = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let cell = cells[position]
            if cell == fingerprint { return false }
            if cell == 0 {
                cells[position] = fingerprint
                count += 1
                return true
            }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let old = cells
        cells = [UInt64](repeating: 0, count: 2 * old.count)
        mask = cells.count - 1
        for fingerprint in old where fingerprint != 0 {
            var position = Int(truncatingIfNeeded: fingerprint) & mask
            while cells[position] != 0 { position = (position + 1) & mask }
            cells[position] = fingerprint
        }
    }
}
