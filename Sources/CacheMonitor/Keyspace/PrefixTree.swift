/// What a ``PrefixTree`` adds up per group: the figures of the items (keys read, traffic events) that pass
/// through it.
protocol PrefixCounts: Emptiable {
    associatedtype Item
    /// Counts one item.
    mutating func add(_ item: Item)
    /// Adds another group's figures (memoized results grouped by function).
    mutating func merge(_ other: Self)
    /// How big or busy the group is: when the tree is full, the lightest groups are dropped first.
    var weight: Int { get }
}

/// The bounded tree of prefix groups behind the keyspace and traffic insights: each item counts in every group
/// its key belongs to (split by the ``PrefixSplitter``), from the top level down to ``maxDepth`` delimiters deep.
/// Flask-Caching's memoized results are also tallied per function version below their key prefix's group
/// (``MemoizedResultKey``), and memoize version keys met are remembered.
///
/// Memory is bounded however many distinct keys pass: at most ``maxGroups`` groups. When they run short (keys
/// with random parts, such as UUIDs, make a group each), the childless groups below the top level with the least
/// ``PrefixCounts/weight`` are dropped — their items still count in their parents — so prefixes met later still
/// get groups; at most ``maxMemoizedVersions`` versions are kept apart.
struct PrefixTree<Counts: PrefixCounts> {
    let splitter: PrefixSplitter
    let maxDepth: Int
    let maxGroups: Int
    let root = Node()
    private var groups = 0
    /// Items added.
    private(set) var count = 0
    /// Flask-Caching memoized results by their function's version.
    private(set) var memoized: [[UInt8]: Counts] = [:]
    /// Results whose version did not fit in ``maxMemoizedVersions``.
    private(set) var memoizedOverflow = Counts()
    /// The group of the memoize key prefix, once a memoized result arrived.
    private(set) var memoizeNode: Node?
    /// Memoize version keys (`…_memver`) met, at most ``MemoizedFunctions/maxVersionKeys``.
    private(set) var versionKeys: Set<[UInt8]> = []
    static var maxMemoizedVersions: Int { 10_000 }

    init(splitter: PrefixSplitter, maxDepth: Int, maxGroups: Int) {
        self.splitter = splitter
        self.maxDepth = max(1, maxDepth)
        self.maxGroups = max(1, maxGroups)
    }

    /// Counts `item`, whose key is `key`, in each of its groups.
    mutating func add(_ item: Counts.Item, key: [UInt8]) {
        count += 1
        root.counts.add(item)
        let result = splitter.memoized(key)
        if result == nil, versionKeys.count < MemoizedFunctions.maxVersionKeys, splitter.isVersionKey(key) {
            versionKeys.insert(key)
        }
        // Room for this key's whole path first (never while walking it: its own groups could go).
        if groups > maxGroups - maxDepth { dropLightGroups() }
        var node = root
        var start = 0
        var depth = 0
        for end in splitter.boundaries(of: key, memoized: result) {
            guard depth < maxDepth else { break }
            // Looked up by a slice of the key: no copy unless a group is made.
            let segment = key[start..<end]
            if let next = node.children[segment] {
                node = next
            } else {
                guard groups < maxGroups else { break }
                let made = Node()
                node.children[ArraySlice(Array(segment))] = made
                groups += 1
                node = made
            }
            node.counts.add(item)
            node.note(key)
            depth += 1
            start = end
            if start == key.count { node.ownItems += 1 }
        }
        if let version = result?.version, start == splitter.memoizePrefix.count {
            // A Flask-Caching result: grouped by function below its key prefix's group.
            node.holdsMemoized = true
            memoizeNode = node
            if memoized[Array(version)] != nil || memoized.count < Self.maxMemoizedVersions {
                memoized[Array(version), default: Counts()].add(item)
            } else {
                memoizedOverflow.add(item)
            }
        }
    }

    /// The versions of the memoized results met (each names one function, through its version key).
    var memoizedVersions: [[UInt8]] { Array(memoized.keys) }

    /// Frees room for new groups: drops the childless groups below the top level with the least weight (one
    /// first, then two or less…), until a quarter of the room is free.
    private mutating func dropLightGroups() {
        var most = 1
        while groups > maxGroups * 3 / 4, most <= count {
            groups -= drop(below: root, depth: 0, weighingAtMost: most)
            most *= 2
        }
    }

    /// Drops the leaf groups under `node` (not at the top level) weighing at most `most`, deepest first;
    /// returns how many went.
    private func drop(below node: Node, depth: Int, weighingAtMost most: Int) -> Int {
        var dropped = 0
        for (segment, child) in node.children {
            dropped += drop(below: child, depth: depth + 1, weighingAtMost: most)
            if depth > 0, child.isLeaf, child.counts.weight <= most {
                node.children[segment] = nil
                dropped += 1
            }
        }
        return dropped
    }

    /// One group while items are added.
    final class Node {
        var counts = Counts()
        /// The first key counted here, and whether others followed (a group of one key is that key).
        var firstKey: [UInt8]?
        var severalKeys = false
        /// Items whose key ends exactly here.
        var ownItems = 0
        /// Whether Flask-Caching's memoized results hang below it (its group stays, to hold theirs).
        var holdsMemoized = false
        var children: [ArraySlice<UInt8>: Node] = [:]

        /// Whether it has no groups below it.
        var isLeaf: Bool { children.isEmpty && !holdsMemoized }

        func note(_ key: [UInt8]) {
            guard !severalKeys else { return }
            if let firstKey {
                if firstKey != key { severalKeys = true }
            } else {
                firstKey = key
            }
        }
    }
}

/// Reading the tree back for a report.
extension PrefixTree {
    /// The groups below `node` as a report lists them: a chain of single groups without items of their own is
    /// one group, its segments joined.
    func children(of node: Node) -> [(segment: [UInt8], node: Node)] {
        node.children.map { segment, child in
            var (segment, child) = (Array(segment), child)
            while child.ownItems == 0, !child.holdsMemoized, child.children.count == 1, let (next, grandchild) = child.children.first {
                segment += next
                child = grandchild
            }
            return (segment, child)
        }
    }

    /// The memoized results below `node` by function (see ``MemoizedFunctions/groups(_:overflow:keyPrefix:functions:merge:)``);
    /// empty unless `node` is the memoize key prefix's group.
    func memoizedGroups(below node: Node, functions: MemoizedFunctions?) -> [(FlaskCachingGroup, Counts)] {
        guard node === memoizeNode else { return [] }
        return MemoizedFunctions.groups(memoized, overflow: memoizedOverflow, keyPrefix: splitter.memoizePrefix, functions: functions) {
            $0.merge($1)
        }
    }
}
