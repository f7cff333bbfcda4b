import Basics

/// The items a metadump walk has listed, so that an item the crawler reports twice is listed once.
///
/// An item is known by its key's 64-bit hash and its CAS unique, folded into one 64-bit fingerprint with a
/// per-walk random seed; the set keeps fingerprints only, 8 bytes each (a ``FingerprintSet``). CAS
/// uniques differ between items, so two items could only be taken for one when their fingerprints collide
/// (about 1 in 3·10⁷ for a million items), or, on a server running without CAS (`-C`, every CAS 0), when
/// their keys' hashes do. Written for the walk's inner loop: no `Hasher`, nothing allocated per item.
struct SeenItems {
    struct Fingerprint: TableFingerprint {
        var value: UInt64
        static let empty = Fingerprint(value: 0)
        var position: Int { Int(truncatingIfNeeded: value) }
    }

    private var set: FingerprintSet<Fingerprint>
    private let seed: UInt64

    /// A set with room for `expected` items before it grows.
    init(expected: Int, seed: UInt64 = .random(in: .min ... .max)) {
        set = FingerprintSet(expected: expected)
        self.seed = seed
    }

    /// Adds the items (a network buffer's worth, checked together); for each, whether it was new (`false`:
    /// already there, or earlier in `items`).
    mutating func insert(_ items: [(keyHash: UInt64, cas: UInt64)]) -> [Bool] {
        set.insert(contentsOf: items.map { fingerprint(keyHash: $0.keyHash, cas: $0.cas) })
    }

    /// Adds the item; `false` when it was already there.
    mutating func insert(keyHash: UInt64, cas: UInt64) -> Bool {
        set.insert(fingerprint(keyHash: keyHash, cas: cas))
    }

    private func fingerprint(keyHash: UInt64, cas: UInt64) -> Fingerprint {
        let product = (keyHash ^ seed).multipliedFullWidth(by: cas ^ 0x9E37_79B9_7F4A_7C15)
        let folded = product.high ^ product.low
        return Fingerprint(value: folded == 0 ? 1 : folded)
    }
}
