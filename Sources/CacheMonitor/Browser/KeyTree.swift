/// Keys grouped by their prefixes: `user:1:name` sits under `user:` → `user:1:` when `:` is a delimiter.
/// Every node counts the keys below it, so the browser can show "user: (1,204)" and invalidate a node by
/// its prefix. A group with a single child and no key of its own is merged with that child
/// (`cachescope_` → `cachescope_demo:` is one group, `cachescope_demo:`), so no level is there for nothing.
package struct KeyTree: Sendable, Hashable {
    /// One group (or one key, for a leaf).
    package struct Node: Sendable, Hashable {
        /// This node's part of the key (`user:`), ending at a delimiter unless it is a whole key.
        package var segment: [UInt8]
        /// Everything from the start of the key to the end of this segment — the prefix to invalidate.
        package var prefix: [UInt8]
        /// Keys at or below this node.
        package var count: Int
        /// Whether a key ends exactly here.
        package var isKey: Bool
        /// Sub-groups and keys, sorted by segment.
        package var children: [Node]
    }

    /// The delimiters groups end at.
    package let delimiters: KeyDelimiters
    /// The top-level groups and keys, sorted by segment.
    package let roots: [Node]
    /// All keys in the tree.
    package let count: Int

    /// Builds the tree of `keys`.
    package init(keys: [[UInt8]], delimiters: KeyDelimiters = .standard) {
        self.delimiters = delimiters
        let root = Builder()
        for key in keys {
            var node = root
            node.count += 1
            var start = 0
            for (index, byte) in key.enumerated() where delimiters.contains(byte) {
                node = node.child(Array(key[start...index]))
                node.count += 1
                start = index + 1
            }
            if start < key.count {
                node = node.child(Array(key[start...]))
                node.count += 1
            }
            node.isKey = true
        }
        roots = root.sortedChildren(prefix: [])
        count = keys.count
    }

    /// A mutable trie node while building.
    private final class Builder {
        var count = 0
        var isKey = false
        var children: [[UInt8]: Builder] = [:]

        func child(_ segment: [UInt8]) -> Builder {
            if let existing = children[segment] { return existing }
            let made = Builder()
            children[segment] = made
            return made
        }

        func sortedChildren(prefix: [UInt8]) -> [Node] {
            children.map { segment, builder in
                // A chain of single children without keys of their own is one group.
                var segment = segment
                var builder = builder
                while !builder.isKey, builder.children.count == 1, let (next, child) = builder.children.first {
                    segment += next
                    builder = child
                }
                let full = prefix + segment
                return Node(
                    segment: segment, prefix: full, count: builder.count, isKey: builder.isKey, children: builder.sortedChildren(prefix: full))
            }.sorted { $0.segment.lexicographicallyPrecedes($1.segment) }
        }
    }
}
