/// A growable run of elements in memory the slab owns: what ``SimpleCacheStore`` keeps its entries in.
///
/// Like an array, but not copyable, so reading or writing an element never touches a reference count
/// (an array's buffer is retained around accesses the compiler cannot prove safe, on every write path of
/// the cache). Indices are checked. It grows by doubling; elements are moved, never copied.
struct Slab<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Elements in use: indices `0..<count`.
    private(set) var count = 0

    /// An empty slab with room for `capacity` elements before it grows.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var indices: Range<Int> { 0..<count }

    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "slab index out of range")
            return UnsafePointer(base + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index < count, "slab index out of range")
            return base + index
        }
    }

    /// Adds `element` at index `count`.
    mutating func append(_ element: consuming Element) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: 2 * capacity)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Removes every element; the memory stays for the next ones.
    mutating func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }
}
