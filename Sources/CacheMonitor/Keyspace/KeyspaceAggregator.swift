import Basics

/// Adds up keys read for a keyspace analysis into prefix groups, as they arrive: memory stays bounded by
/// the number of groups (``maxGroups``) and the big-keys list, never by the number of keys.
///
/// Every key counts in each group it belongs to, from the top level down to ``maxDepth`` delimiters deep.
/// Flask-Caching view keys also make a group of their route (`…view//api/users` with its query-string
/// variants), and Flask-Caching's memoized results a group per function (found from its version, see
/// ``MemoizedResultKey``). Groups of a single child without keys of their own are merged with it in the
/// report. When the groups reach ``maxGroups`` (keys with random parts, such as UUIDs, make a group each),
/// the smallest groups below the top level are dropped: their keys still count in their parents.
package struct KeyspaceAggregator {
    package let splitter: PrefixSplitter
    package var delimiters: KeyDelimiters { splitter.delimiters }
    package let maxDepth: Int
    package let maxGroups: Int
    package let topKeys: Int
    /// The application's key prefix under which memoized results are recognised (Flask-Caching's default
    /// `flask_cache_` unless the backend names its own).
    package var memoizePrefix: [UInt8] { splitter.memoizePrefix }
    let root = Node()
    private var groups = 0
    private(set) var bigKeys: [SampledKey] = []
    /// The keys with the highest LFU counters read (servers with an LFU policy), highest first.
    private(set) var frequentKeys: [SampledKey] = []
    /// Keys added.
    package private(set) var count = 0
    /// Flask-Caching memoized results by their function's version.
    private(set) var memoized: [[UInt8]: Tally] = [:]
    /// Results whose version did not fit in ``maxMemoizedVersions``.
    private(set) var memoizedOverflow = Tally()
    /// The node of ``memoizePrefix``, once a memoized result arrived.
    private(set) var memoizeNode: Node?
    /// Memoize version keys (`…_memver`) read, at most ``MemoizedFunctions/maxVersionKeys``.
    package private(set) var versionKeys: Set<[UInt8]> = []
    static let maxMemoizedVersions = 10_000

    /// - Parameters:
    ///   - keyPrefix: the application's key prefix (for Flask-Caching's memoized results); `nil` or empty:
    ///     Flask-Caching's default, `flask_cache_`.
    ///   - maxDepth: how many delimiters deep groups go.
    ///   - maxGroups: how many groups are kept at most; keys of groups dropped count in their parents.
    ///   - topKeys: how many of the biggest keys are kept.
    package init(
        delimiters: KeyDelimiters = .standard, keyPrefix: [UInt8]? = nil, maxDepth: Int = 8, maxGroups: Int = 20_000, topKeys: Int = 20
    ) {
        splitter = PrefixSplitter(delimiters: delimiters, keyPrefix: keyPrefix)
        self.maxDepth = max(1, maxDepth)
        self.maxGroups = max(1, maxGroups)
        self.topKeys = max(0, topKeys)
    }

    /// The versions of the Flask-Caching memoized results read (each names one function, through its
    /// version key).
    package var memoizedVersions: [[UInt8]] { Array(memoized.keys) }

    /// Counts `key` in its groups and among the big keys.
    package mutating func add(_ key: SampledKey) {
        count += 1
        root.tally.add(key)
        let result = splitter.memoized(key.key)
        if result == nil, versionKeys.count < MemoizedFunctions.maxVersionKeys, splitter.isVersionKey(key.key) {
            versionKeys.insert(key.key)
        }
        // Room for this key's whole path first (never while walking it: its own groups could go).
        if groups > maxGroups - maxDepth { dropSmallGroups() }
        var node = root
        var start = 0
        var depth = 0
        for end in splitter.boundaries(of: key.key, memoized: result) {
            guard depth < maxDepth else { break }
            // Looked up by a slice of the key: no copy unless a group is made.
            let segment = key.key[start..<end]
            if let next = node.children[segment] {
                node = next
            } else {
                guard groups < maxGroups else { break }
                let made = Node()
                node.children[ArraySlice(Array(segment))] = made
                groups += 1
                node = made
            }
            node.tally.add(key)
            if node.firstKey == nil { node.firstKey = key.key }
            depth += 1
            start = end
            if start == key.key.count { node.ownKeys += 1 }
        }
        if let version = result?.version, start == memoizePrefix.count {
            // A Flask-Caching result: grouped by function below its key prefix's group.
            node.holdsMemoized = true
            memoizeNode = node
            if memoized[Array(version)] != nil || memoized.count < Self.maxMemoizedVersions {
                memoized[Array(version), default: Tally()].add(key)
            } else {
                memoizedOverflow.add(key)
            }
        }
        noteIfBig(key)
    }

    /// Frees room for new groups: drops the groups below the top level that hold the fewest keys (one key
    /// first, then two or fewer…) and have no groups of their own, until a quarter of the room is free.
    private mutating func dropSmallGroups() {
        var most = 1
        while groups > maxGroups * 3 / 4, most <= count {
            groups -= drop(below: root, depth: 0, holdingAtMost: most)
            most *= 2
        }
    }

    /// Drops the childless groups under `node` (not at the top level) holding at most `most` keys, deepest
    /// first; returns how many went.
    private func drop(below node: Node, depth: Int, holdingAtMost most: Int) -> Int {
        var dropped = 0
        for (segment, child) in node.children {
            dropped += drop(below: child, depth: depth + 1, holdingAtMost: most)
            if depth > 0, child.children.isEmpty, !child.holdsMemoized, child.tally.keys <= most {
                node.children[segment] = nil
                dropped += 1
            }
        }
        return dropped
    }

    private mutating func noteIfBig(_ key: SampledKey) {
        guard topKeys > 0 else { return }
        if let frequency = key.frequency,
            frequentKeys.count < topKeys || frequency > (frequentKeys.last?.frequency ?? 0)
        {
            let place = frequentKeys.firstIndex { ($0.frequency ?? 0) < frequency } ?? frequentKeys.count
            frequentKeys.insert(key, at: place)
            if frequentKeys.count > topKeys { frequentKeys.removeLast() }
        }
        func weight(_ key: SampledKey) -> (Int, Int) { (key.memoryBytes ?? -1, key.elements ?? -1) }
        if bigKeys.count == topKeys, let smallest = bigKeys.last, weight(key) <= weight(smallest) { return }
        let place = bigKeys.firstIndex { weight($0) < weight(key) } ?? bigKeys.count
        bigKeys.insert(key, at: place)
        if bigKeys.count > topKeys { bigKeys.removeLast() }
    }

    /// One group while keys are added.
    final class Node {
        var tally = Tally()
        /// The first key counted here (what a group of one key is shown as).
        var firstKey: [UInt8]?
        var ownKeys = 0
        /// Whether Flask-Caching's memoized results hang below it (its group stays, to hold theirs).
        var holdsMemoized = false
        var children: [ArraySlice<UInt8>: Node] = [:]
    }
}
