/// A fixed-size fingerprint a ``FingerprintSet`` can hold: one value marks an empty cell (a real
/// fingerprint is never it), and the fingerprint's own bits say where it goes.
public protocol TableFingerprint: Equatable, Sendable {
    /// The value of an empty cell.
    static var empty: Self { get }
    /// Well-mixed bits that pick the fingerprint's first cell.
    var position: Int { get }
}

/// A set of fingerprints in an open-addressing table (linear probing, kept between three eighths and three
/// quarters full), for de-duplicating millions of keys or items without keeping them: the metadump walk's
/// items, a `SCAN`'s keys.
///
/// A big set is far larger than the processor's caches, so each insertion's cell is a trip to memory.
/// ``insert(contentsOf:)`` takes a batch (a network buffer's items, a `SCAN` page): it loads the cells of
/// the whole batch first, in a loop whose loads do not wait on one another (the processor overlaps them),
/// then inserts, finding the cells in the cache.
public struct FingerprintSet<Fingerprint: TableFingerprint>: Sendable {
    @usableFromInline var cells: [Fingerprint]
    @usableFromInline var mask: Int
    /// Fingerprints held.
    public var count: Int { held }
    @usableFromInline var held = 0
    /// Keeps the loads of ``insert(contentsOf:)``'s first pass from being optimised away.
    @usableFromInline var touched = 0

    /// A set with room for `expected` fingerprints before it grows.
    public init(expected: Int = 0) {
        var capacity = 16
        while capacity * 3 < 4 * expected { capacity <<= 1 }
        cells = [Fingerprint](repeating: .empty, count: capacity)
        mask = capacity - 1
    }

    /// Adds `fingerprint`; `false` when it was already there.
    @inlinable
    public mutating func insert(_ fingerprint: Fingerprint) -> Bool {
        if 4 * (held + 1) > 3 * cells.count { grow() }
        return place(fingerprint)
    }

    /// Adds `fingerprints`; for each, whether it was new (`false`: already there, or earlier in the batch).
    @inlinable
    public mutating func insert(contentsOf fingerprints: [Fingerprint]) -> [Bool] {
        while 4 * (held + fingerprints.count) > 3 * cells.count { grow() }
        var empty = 0
        for fingerprint in fingerprints where cells[fingerprint.position & mask] == .empty { empty += 1 }
        touched = empty
        return fingerprints.map { place($0) }
    }

    /// Puts `fingerprint` in its cell (the table has room for it).
    @inlinable
    @usableFromInline
    mutating func place(_ fingerprint: Fingerprint) -> Bool {
        var position = fingerprint.position & mask
        while true {
            let cell = cells[position]
            if cell == fingerprint { return false }
            if cell == .empty {
                cells[position] = fingerprint
                held += 1
                return true
            }
            position = (position + 1) & mask
        }
    }

    @usableFromInline
    mutating func grow() {
        let old = cells
        cells = [Fingerprint](repeating: .empty, count: 2 * old.count)
        mask = cells.count - 1
        for fingerprint in old where fingerprint != .empty {
            var position = fingerprint.position & mask
            while cells[position] != .empty { position = (position + 1) & mask }
            cells[position] = fingerprint
        }
    }
}
