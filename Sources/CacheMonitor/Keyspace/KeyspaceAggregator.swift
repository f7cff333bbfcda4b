import Basics

/// Adds up keys read for a keyspace analysis into prefix groups, as they arrive: memory stays bounded by
/// the number of groups (``maxGroups``) and the big-keys list, never by the number of keys.
///
/// Every key counts in each group it belongs to, from the top level down to ``maxDepth`` delimiters deep.
/// Flask-Caching view keys also make a group of their route (`…view//api/users` with its query-string
/// variants). Groups of a single child without keys of their own are merged with it in the report.
package struct KeyspaceAggregator {
    package let delimiters: KeyDelimiters
    package let maxDepth: Int
    package let maxGroups: Int
    package let topKeys: Int
    private let root = Node()
    private var groups = 0
    private(set) var bigKeys: [SampledKey] = []
    /// Keys added.
    package private(set) var count = 0

    /// - Parameters:
    ///   - maxDepth: how many delimiters deep groups go.
    ///   - maxGroups: how many groups are kept at most; keys of groups beyond count in their parents.
    ///   - topKeys: how many of the biggest keys are kept.
    package init(delimiters: KeyDelimiters = .standard, maxDepth: Int = 8, maxGroups: Int = 20_000, topKeys: Int = 20) {
        self.delimiters = delimiters
        self.maxDepth = max(1, maxDepth)
        self.maxGroups = maxGroups
        self.topKeys = max(0, topKeys)
    }

    /// Counts `key` in its groups and among the big keys.
    package mutating func add(_ key: SampledKey) {
        count += 1
        root.tally.add(key)
        var node = root
        var start = 0
        var depth = 0
        for end in boundaries(of: key.key) {
            guard depth < maxDepth else { break }
            // Looked up by a slice of the key: no copy unless a group is made.
            let segment = key.key[start..<end]
            if let next = node.children[segment] {
                node = next
            } else if groups < maxGroups {
                let made = Node()
                node.children[ArraySlice(Array(segment))] = made
                groups += 1
                node = made
            } else {
                break
            }
            node.tally.add(key)
            if node.firstKey == nil { node.firstKey = key.key }
            depth += 1
            start = end
            if start == key.key.count { node.ownKeys += 1 }
        }
        noteIfBig(key)
    }

    /// Where `key` splits into groups: after each delimiter (not at its very end), and for a Flask-Caching
    /// view key at the end of its route (the route key itself, or before a query-string digest).
    private func boundaries(of key: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var mayBeView = false
        for index in key.indices where delimiters.contains(key[index]) && index + 1 < key.count {
            ends.append(index + 1)
            // `…view/`: only then is it worth asking whether the key is a Flask-Caching view.
            if !mayBeView, index >= 4, key[index] == UInt8(ascii: "/"), key[index - 4] == UInt8(ascii: "v"), key[index - 1] == UInt8(ascii: "w") {
                mayBeView = true
            }
        }
        if mayBeView || !delimiters.contains(UInt8(ascii: "/")), let route = FlaskCachingKeyParts.routeBase(of: key), route <= key.count,
            !ends.contains(route)
        {
            ends.append(route)
            ends.sort()
        }
        return ends
    }

    private mutating func noteIfBig(_ key: SampledKey) {
        guard topKeys > 0 else { return }
        func weight(_ key: SampledKey) -> (Int, Int) { (key.memoryBytes ?? -1, key.elements ?? -1) }
        if bigKeys.count == topKeys, let smallest = bigKeys.last, weight(key) <= weight(smallest) { return }
        let place = bigKeys.firstIndex { weight($0) < weight(key) } ?? bigKeys.count
        bigKeys.insert(key, at: place)
        if bigKeys.count > topKeys { bigKeys.removeLast() }
    }

    /// The report for what was added, scaled to the backend's ``KeyspaceCensus/totalKeys``.
    package func report(_ census: KeyspaceCensus) -> KeyspaceReport {
        let scale = count > 0 ? max(1, Double(census.totalKeys) / Double(count)) : 1
        let rootMemory = root.tally.memory(scaledBy: scale)
        func group(_ node: Node, prefix: [UInt8], depth: Int) -> KeyspaceReport.Group {
            let tally = node.tally
            let keys = Int((Double(tally.keys) * scale).rounded())
            let memory = tally.memory(scaledBy: scale)
            let children = node.children.compactMap { segment, child -> KeyspaceReport.Group? in
                // A single child without keys of its own is the same group, one level on.
                var (segment, child) = (Array(segment), child)
                while child.ownKeys == 0, child.children.count == 1, let (next, grandchild) = child.children.first {
                    segment += next
                    child = grandchild
                }
                // A "group" of one key read, or of its own key alone, is that key. Below the top level it counts in
                // its parent only (groups of single keys are noise there, and many); at the top it is shown as
                // the key itself, so no key hides in the figures.
                if child.children.isEmpty, child.tally.keys == 1 || child.ownKeys == child.tally.keys {
                    guard depth == 0, let key = child.firstKey else { return nil }
                    guard child.tally.keys == 1 else { return group(child, prefix: prefix + segment, depth: depth + 1) }
                    // One key is one key, sample or not: its own figures, unscaled.
                    var lone = group(child, prefix: key, depth: depth + 1)
                    lone.keys = 1
                    lone.ownKeys = 1
                    lone.memoryBytes = child.tally.memory(scaledBy: 1)
                    lone.share = lone.memoryBytes.flatMap { value in rootMemory.map { $0 > 0 ? Double(value) / Double($0) : 0 } }
                    lone.ttl = child.tally.ttl
                    lone.neverRead = lone.neverRead.map { _ in child.tally.neverRead }
                    return lone
                }
                return group(child, prefix: prefix + segment, depth: depth + 1)
            }
            return KeyspaceReport.Group(
                prefix: prefix, depth: depth, sampledKeys: tally.keys, keys: keys, memoryBytes: memory,
                share: memory.flatMap { value in rootMemory.map { $0 > 0 ? Double(value) / Double($0) : 0 } },
                ttl: Self.scaled(tally.ttl, to: keys),
                meanElements: tally.elementsKnown > 0 ? Double(tally.elements) / Double(tally.elementsKnown) : nil,
                neverRead: census.neverReadKnown && tally.neverReadKnown > 0
                    ? Int((Double(tally.neverRead) * Double(keys) / Double(tally.neverReadKnown)).rounded()) : nil,
                ownKeys: Int((Double(node.ownKeys) * scale).rounded()),
                children: children.sorted { ($0.memoryBytes ?? 0, $0.keys, $1.prefix.count) > ($1.memoryBytes ?? 0, $1.keys, $0.prefix.count) }
            )
        }
        var top = group(root, prefix: [], depth: 0)
        top.keys = count > 0 ? census.totalKeys : 0
        top.ttl = Self.scaled(root.tally.ttl, to: top.keys)
        return KeyspaceReport(
            totalKeys: census.totalKeys, sampledKeys: count, memorySource: census.memorySource, memoryNote: census.memoryNote,
            neverReadKnown: census.neverReadKnown, root: top, bigKeys: bigKeys, missingNodes: census.missingNodes
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

    /// One group while keys are added.
    private final class Node {
        var tally = Tally()
        /// The first key counted here (what a group of one key is shown as).
        var firstKey: [UInt8]?
        var ownKeys = 0
        var children: [ArraySlice<UInt8>: Node] = [:]
    }
}

/// The figures of one group, unscaled: keys read and what is known about them.
struct Tally {
    var keys = 0
    var memory = 0
    var memoryKnown = 0
    var ttl = TTLBuckets()
    var elements = 0
    var elementsKnown = 0
    var neverRead = 0
    var neverReadKnown = 0

    mutating func add(_ key: SampledKey) {
        keys += 1
        if let bytes = key.memoryBytes {
            memory += bytes
            memoryKnown += 1
        }
        ttl.add(ttlMilliseconds: key.ttlMilliseconds)
        if let count = key.elements {
            elements += count
            elementsKnown += 1
        }
        if let never = key.neverRead {
            neverRead += never ? 1 : 0
            neverReadKnown += 1
        }
    }

    /// The memory of all the group's keys, scaled: the known bytes stand for the keys whose size is unknown
    /// too; `nil` when no size is known.
    func memory(scaledBy scale: Double) -> Int? {
        guard memoryKnown > 0 else { return nil }
        return Int((Double(memory) * Double(keys) / Double(memoryKnown) * scale).rounded())
    }
}
