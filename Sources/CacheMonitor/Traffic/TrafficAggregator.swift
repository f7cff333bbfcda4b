/// Adds up a traffic sample's events by prefix group, as they arrive — the same groups as the keyspace
/// insights (``PrefixSplitter``), so the two tables join: per group reads, misses and writes (exact, down to
/// ``maxDepth``), and per key the hottest and the most missed (approximate, ``SpaceSaving``).
///
/// Memory is bounded however many distinct keys pass: at most ``maxGroups`` groups (the least busy below the
/// top level are dropped when full; their events still count in their parents), a fixed number of watched
/// keys, and at most ``maxMemoizedVersions`` Flask-Caching memoize versions.
package struct TrafficAggregator {
    package let splitter: PrefixSplitter
    package let maxDepth: Int
    package let maxGroups: Int
    let root = Node()
    private var groups = 0
    /// The keys read most (with their misses, where misses come with the read).
    private(set) var hotKeys: SpaceSaving
    /// The keys missed most.
    private(set) var missedKeys: SpaceSaving
    /// Events counted.
    package private(set) var events = 0
    /// Flask-Caching memoized results' traffic by their function's version.
    private(set) var memoized: [[UInt8]: TrafficCounts] = [:]
    private(set) var memoizedOverflow = TrafficCounts()
    private(set) var memoizeNode: Node?
    /// Memoize version keys (`…_memver`) seen, at most ``MemoizedFunctions/maxVersionKeys``.
    package private(set) var versionKeys: Set<[UInt8]> = []
    static let maxMemoizedVersions = 10_000

    /// - Parameters:
    ///   - keyPrefix: the application's key prefix (for Flask-Caching's memoized results).
    ///   - maxDepth: how many delimiters deep groups go.
    ///   - maxGroups: how many groups are kept at most.
    ///   - watchedKeys: how many keys each per-key list watches (its accuracy: a key with more than
    ///     1/`watchedKeys` of the events is never missed).
    package init(
        delimiters: KeyDelimiters = .standard, keyPrefix: [UInt8]? = nil, maxDepth: Int = 8, maxGroups: Int = 20_000, watchedKeys: Int = 2_000
    ) {
        splitter = PrefixSplitter(delimiters: delimiters, keyPrefix: keyPrefix)
        self.maxDepth = max(1, maxDepth)
        self.maxGroups = max(1, maxGroups)
        hotKeys = SpaceSaving(capacity: watchedKeys)
        missedKeys = SpaceSaving(capacity: watchedKeys)
    }

    /// The memoize versions whose results were seen (each names one function, through its version key).
    package var memoizedVersions: [[UInt8]] { Array(memoized.keys) }

    /// Counts `event` on `key` in its groups and per key.
    package mutating func record(_ key: [UInt8], _ event: TrafficEvent) {
        events += 1
        root.counts.add(event)
        switch event {
        case .read(let hit):
            hotKeys.count(key)
            if hit == false {
                hotKeys.addSecondary(key)
                missedKeys.count(key)
            }
        case .miss:
            hotKeys.addSecondary(key)
            missedKeys.count(key)
        case .write: break
        }
        let result = splitter.memoized(key)
        if result == nil, versionKeys.count < MemoizedFunctions.maxVersionKeys, splitter.isVersionKey(key) {
            versionKeys.insert(key)
        }
        if groups > maxGroups - maxDepth { dropQuietGroups() }
        var node = root
        var start = 0
        var depth = 0
        for end in splitter.boundaries(of: key, memoized: result) {
            guard depth < maxDepth else { break }
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
            node.counts.add(event)
            node.noteKey(key)
            depth += 1
            start = end
            if start == key.count { node.ownEvents += 1 }
        }
        if let version = result?.version, start == splitter.memoizePrefix.count {
            node.holdsMemoized = true
            memoizeNode = node
            if memoized[Array(version)] != nil || memoized.count < Self.maxMemoizedVersions {
                memoized[Array(version), default: TrafficCounts()].add(event)
            } else {
                memoizedOverflow.add(event)
            }
        }
    }

    /// Frees room for new groups: drops the childless groups below the top level with the fewest events,
    /// until a quarter of the room is free.
    private mutating func dropQuietGroups() {
        var most = 1
        while groups > maxGroups * 3 / 4, most <= events {
            groups -= drop(below: root, depth: 0, busyAtMost: most)
            most *= 2
        }
    }

    private func drop(below node: Node, depth: Int, busyAtMost most: Int) -> Int {
        var dropped = 0
        for (segment, child) in node.children {
            dropped += drop(below: child, depth: depth + 1, busyAtMost: most)
            if depth > 0, child.children.isEmpty, !child.holdsMemoized, child.counts.events <= most {
                node.children[segment] = nil
                dropped += 1
            }
        }
        return dropped
    }

    /// One group while events are added.
    final class Node {
        var counts = TrafficCounts()
        /// The first key counted here, and whether others followed (a group of one key is that key).
        var firstKey: [UInt8]?
        var severalKeys = false
        /// Events on the key that ends exactly here.
        var ownEvents = 0
        var holdsMemoized = false
        var children: [ArraySlice<UInt8>: Node] = [:]

        func noteKey(_ key: [UInt8]) {
            guard !severalKeys else { return }
            if let firstKey {
                if firstKey != key { severalKeys = true }
            } else {
                firstKey = key
            }
        }
    }
}
