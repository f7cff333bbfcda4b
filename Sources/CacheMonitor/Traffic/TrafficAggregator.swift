/// Adds up a traffic sample's events by prefix group, as they arrive — the same groups as the keyspace
/// insights (one ``PrefixTree``, split by the same ``PrefixSplitter``), so the two tables join: per group reads,
/// misses and writes (exact, down to ``maxDepth``), and per key the hottest and the most missed (approximate,
/// ``SpaceSaving``).
///
/// Memory is bounded however many distinct keys pass: at most ``maxGroups`` groups (the least busy below the
/// top level are dropped when full; their events still count in their parents), a fixed number of watched
/// keys, and at most ``PrefixTree/maxMemoizedVersions`` Flask-Caching memoize versions.
package struct TrafficAggregator {
    var tree: PrefixTree<TrafficCounts>
    package var splitter: PrefixSplitter { tree.splitter }
    package var maxDepth: Int { tree.maxDepth }
    package var maxGroups: Int { tree.maxGroups }
    /// The keys read most (with their misses, where misses come with the read).
    private(set) var hotKeys: SpaceSaving
    /// The keys missed most.
    private(set) var missedKeys: SpaceSaving
    /// Events counted.
    package var events: Int { tree.count }
    /// Memoize version keys (`…_memver`) seen, at most ``MemoizedFunctions/maxVersionKeys``.
    package var versionKeys: Set<[UInt8]> { tree.versionKeys }

    /// - Parameters:
    ///   - keyPrefix: the application's key prefix (for Flask-Caching's memoized results).
    ///   - maxDepth: how many delimiters deep groups go.
    ///   - maxGroups: how many groups are kept at most.
    ///   - watchedKeys: how many keys each per-key list watches (its accuracy: a key with more than
    ///     1/`watchedKeys` of the events is never missed).
    package init(
        delimiters: KeyDelimiters = .standard, keyPrefix: [UInt8]? = nil, maxDepth: Int = 8, maxGroups: Int = 20_000, watchedKeys: Int = 2_000
    ) {
        tree = PrefixTree(splitter: PrefixSplitter(delimiters: delimiters, keyPrefix: keyPrefix), maxDepth: maxDepth, maxGroups: maxGroups)
        hotKeys = SpaceSaving(capacity: watchedKeys)
        missedKeys = SpaceSaving(capacity: watchedKeys)
    }

    /// The memoize versions whose results were seen (each names one function, through its version key).
    package var memoizedVersions: [[UInt8]] { tree.memoizedVersions }

    /// Counts `event` on `key` in its groups and per key.
    package mutating func record(_ key: [UInt8], _ event: TrafficEvent) {
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
        tree.add(event, key: key)
    }
}
