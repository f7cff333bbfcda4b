import Basics

/// Building the report: groups scaled from what was read, Flask-Caching's groups named.
extension KeyspaceAggregator {
    /// The report for what was added, scaled to the backend's ``KeyspaceCensus/totalKeys``; `functions`
    /// names the functions of Flask-Caching's memoized results (``MemoizedFunctions/read(versions:versionKeys:keyPrefix:wholeKeyspace:on:shouldStop:)``).
    package func report(_ census: KeyspaceCensus, functions: MemoizedFunctions? = nil) -> KeyspaceReport {
        let scale = count > 0 ? max(1, Double(census.totalKeys) / Double(count)) : 1
        let rootMemory = tree.root.counts.memory(scaledBy: scale)
        func figures(_ tally: Tally, prefix: [UInt8], depth: Int, ownKeys: Int = 0) -> KeyspaceReport.Group {
            let keys = Int((Double(tally.keys) * scale).rounded())
            let memory = tally.memory(scaledBy: scale)
            return KeyspaceReport.Group(
                prefix: prefix, depth: depth, sampledKeys: tally.keys, keys: keys, memoryBytes: memory,
                share: memory.flatMap { value in rootMemory.map { $0 > 0 ? Double(value) / Double($0) : 0 } },
                ttl: Self.scaled(tally.ttl, to: keys),
                meanElements: tally.elementsKnown > 0 ? Double(tally.elements) / Double(tally.elementsKnown) : nil,
                neverRead: census.neverReadKnown && tally.neverReadKnown > 0
                    ? Int((Double(tally.neverRead) * Double(keys) / Double(tally.neverReadKnown)).rounded()) : nil,
                ownKeys: Int((Double(ownKeys) * scale).rounded()),
                children: [],
                flask: splitter.route(of: prefix)
            )
        }
        func group(_ node: PrefixTree<Tally>.Node, prefix: [UInt8], depth: Int) -> KeyspaceReport.Group {
            var children = tree.children(of: node).compactMap { segment, child -> KeyspaceReport.Group? in
                // A "group" of one key read, or of its own key alone, is that key. Below the top level it counts in
                // its parent only (groups of single keys are noise there, and many); at the top it is shown as
                // the key itself, so no key hides in the figures. A Flask-Caching route stays a group, even as
                // one key (a page without query strings): its traffic is shown per route too.
                if child.isLeaf, child.counts.keys == 1 || child.ownItems == child.counts.keys, splitter.route(of: prefix + segment) == nil {
                    guard depth == 0, let key = child.firstKey else { return nil }
                    guard child.counts.keys == 1 else { return group(child, prefix: prefix + segment, depth: depth + 1) }
                    // One key is one key, sample or not: its own figures, unscaled.
                    var lone = group(child, prefix: key, depth: depth + 1)
                    lone.keys = 1
                    lone.ownKeys = 1
                    lone.memoryBytes = child.counts.memory(scaledBy: 1)
                    lone.share = lone.memoryBytes.flatMap { value in rootMemory.map { $0 > 0 ? Double(value) / Double($0) : 0 } }
                    lone.ttl = child.counts.ttl
                    lone.neverRead = lone.neverRead.map { _ in child.counts.neverRead }
                    return lone
                }
                return group(child, prefix: prefix + segment, depth: depth + 1)
            }
            children += tree.memoizedGroups(below: node, functions: functions).map { flask, tally in
                var memoized = figures(tally, prefix: prefix, depth: depth + 1)
                memoized.flask = flask
                return memoized
            }
            var made = figures(node.counts, prefix: prefix, depth: depth, ownKeys: node.ownItems)
            // Most memory first, then most keys, the shorter prefix, and by name (memoized groups share a prefix).
            made.children = children.sorted {
                let first = ($0.memoryBytes ?? 0, $0.keys, $1.prefix.count)
                let second = ($1.memoryBytes ?? 0, $1.keys, $0.prefix.count)
                return first != second ? first > second : ($0.flask?.label ?? "") < ($1.flask?.label ?? "")
            }
            return made
        }
        var top = group(tree.root, prefix: [], depth: 0)
        top.keys = count > 0 ? census.totalKeys : 0
        top.ttl = Self.scaled(tree.root.counts.ttl, to: top.keys)
        return KeyspaceReport(
            totalKeys: census.totalKeys, sampledKeys: count, memorySource: census.memorySource, memoryNote: census.memoryNote,
            elementsNote: census.elementsNote,
            neverReadKnown: census.neverReadKnown, root: top, bigKeys: bigKeys, frequentKeys: frequentKeys, missingNodes: census.missingNodes
        )
    }

    /// `buckets` scaled so they add up to `total` exactly (largest remainders get the rounding).
    static func scaled(_ buckets: TTLBuckets, to total: Int) -> TTLBuckets {
        let counts = buckets.counts
        let sum = counts.reduce(0, +)
        guard sum > 0 else { return TTLBuckets() }
        let exact = counts.map { Double($0) * Double(total) / Double(sum) }
        var whole = exact.map { Int($0.rounded(.down)) }
        let left = total - whole.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - Double(whole[$0]), -$0) > (exact[$1] - Double(whole[$1]), -$1) }
        for index in order.prefix(max(0, left)) { whole[index] += 1 }
        return TTLBuckets(counts: whole)
    }
}
