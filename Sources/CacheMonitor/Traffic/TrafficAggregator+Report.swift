/// Building the report: groups collapsed as in the keyspace insights, Flask-Caching's groups named.
extension TrafficAggregator {
    /// The report of what was recorded.
    /// - Parameters:
    ///   - knowsMisses: whether misses were reported (else hit ratios are unknown).
    ///   - functions: names the functions of Flask-Caching's memoized results.
    ///   - hotKeyCount: how many hot keys and miss storms to list.
    package func report(
        method: TrafficMethod, duration: Duration, functions: MemoizedFunctions? = nil, hotKeyCount: Int = 20
    ) -> TrafficReport {
        let knowsMisses = method.knowsMisses
        func figures(_ counts: TrafficCounts, prefix: [UInt8], depth: Int) -> TrafficReport.Group {
            TrafficReport.Group(
                prefix: prefix, depth: depth, reads: counts.reads,
                // Misses reported apart from reads (and a read racing the sample's edges) never exceed the reads.
                misses: knowsMisses ? min(counts.misses, counts.reads) : nil, writes: counts.writes, children: [],
                flask: splitter.route(of: prefix))
        }
        func group(_ node: PrefixTree<TrafficCounts>.Node, prefix: [UInt8], depth: Int) -> TrafficReport.Group {
            var children = tree.children(of: node).compactMap { segment, child -> TrafficReport.Group? in
                // One key's traffic is that key's: below the top level it counts in its parent only; at the top
                // it is shown as the key itself, so no traffic hides.
                // A Flask-Caching route stays, even as one key (a page without query strings).
                if child.isLeaf, !child.severalKeys, splitter.route(of: prefix + segment) == nil {
                    guard depth == 0, let key = child.firstKey else { return nil }
                    return group(child, prefix: key, depth: depth + 1)
                }
                return group(child, prefix: prefix + segment, depth: depth + 1)
            }
            children += tree.memoizedGroups(below: node, functions: functions).map { flask, counts in
                var memoized = figures(counts, prefix: prefix, depth: depth + 1)
                memoized.flask = flask
                return memoized
            }
            var made = figures(node.counts, prefix: prefix, depth: depth)
            // Most reads first, then most writes, the shorter prefix, and by name (memoized groups share a prefix).
            made.children = children.sorted {
                let first = ($0.reads, $0.writes, $1.prefix.count)
                let second = ($1.reads, $1.writes, $0.prefix.count)
                if first != second { return first > second }
                if $0.prefix != $1.prefix { return $0.prefix.lexicographicallyPrecedes($1.prefix) }
                return ($0.flask?.label ?? "") < ($1.flask?.label ?? "")
            }
            return made
        }
        let totalReads = max(1, tree.root.counts.reads)
        let hot = hotKeys.top(hotKeyCount).map { entry in
            TrafficReport.HotKey(
                key: entry.key, reads: entry.guaranteed, share: Double(entry.guaranteed) / Double(totalReads),
                misses: knowsMisses ? min(entry.secondary, entry.guaranteed) : nil)
        }
        let storms =
            knowsMisses
            ? missedKeys.top(hotKeyCount).filter { $0.guaranteed >= TrafficReport.missStormThreshold }.map {
                TrafficReport.MissStorm(key: $0.key, misses: $0.guaranteed)
            } : []
        return TrafficReport(
            method: method, duration: duration, root: group(tree.root, prefix: [], depth: 0), hotKeys: hot, missStorms: storms,
            eventsSeen: events, eventsCounted: events, unreadableLines: 0, notes: [], partial: nil, missingNodes: [], settingsNotRestored: [])
    }
}
