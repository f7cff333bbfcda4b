import Basics

/// Adds up keys read for a keyspace analysis into prefix groups, as they arrive: memory stays bounded by
/// the number of groups (``maxGroups``) and the big-keys list, never by the number of keys.
///
/// Every key counts in each group it belongs to, from the top level down to ``maxDepth`` delimiters deep
/// (a ``PrefixTree`` of ``Tally``s, as the traffic insights' of their counts). Flask-Caching view keys also make
/// a group of their route (`…view//api/users` with its query-string variants), and Flask-Caching's memoized
/// results a group per function (found from its version, see ``MemoizedResultKey``). Groups of a single child
/// without keys of their own are merged with it in the report. When the groups reach ``maxGroups`` (keys with
/// random parts, such as UUIDs, make a group each), the smallest groups below the top level are dropped: their
/// keys still count in their parents.
package struct KeyspaceAggregator {
    var tree: PrefixTree<Tally>
    package var splitter: PrefixSplitter { tree.splitter }
    package var delimiters: KeyDelimiters { splitter.delimiters }
    package var maxDepth: Int { tree.maxDepth }
    package var maxGroups: Int { tree.maxGroups }
    package let topKeys: Int
    /// The application's key prefix under which memoized results are recognised (Flask-Caching's default
    /// `flask_cache_` unless the backend names its own).
    package var memoizePrefix: [UInt8] { splitter.memoizePrefix }
    private(set) var bigKeys: [SampledKey] = []
    /// The keys with the highest LFU counters read (servers with an LFU policy), highest first.
    private(set) var frequentKeys: [SampledKey] = []
    /// Keys added.
    package var count: Int { tree.count }
    /// Memoize version keys (`…_memver`) read, at most ``MemoizedFunctions/maxVersionKeys``.
    package var versionKeys: Set<[UInt8]> { tree.versionKeys }

    /// - Parameters:
    ///   - keyPrefix: the application's key prefix (for Flask-Caching's memoized results); `nil` or empty:
    ///     Flask-Caching's default, `flask_cache_`.
    ///   - maxDepth: how many delimiters deep groups go.
    ///   - maxGroups: how many groups are kept at most; keys of groups dropped count in their parents.
    ///   - topKeys: how many of the biggest keys are kept.
    package init(
        delimiters: KeyDelimiters = .standard, keyPrefix: [UInt8]? = nil, maxDepth: Int = 8, maxGroups: Int = 20_000, topKeys: Int = 20
    ) {
        tree = PrefixTree(splitter: PrefixSplitter(delimiters: delimiters, keyPrefix: keyPrefix), maxDepth: maxDepth, maxGroups: maxGroups)
        self.topKeys = max(0, topKeys)
    }

    /// The versions of the Flask-Caching memoized results read (each names one function, through its
    /// version key).
    package var memoizedVersions: [[UInt8]] { tree.memoizedVersions }

    /// Counts `key` in its groups and among the big keys.
    package mutating func add(_ key: SampledKey) {
        tree.add(key, key: key.key)
        noteIfBig(key)
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
}
