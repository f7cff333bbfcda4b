/// A server's slow log kept across samples: the server's own log holds only its last `slowlog-max-len`
/// entries, so each sample's entries are merged by id and nothing read is lost when the log rotates. Bounded:
/// the newest ``capacity`` entries per node stay.
package struct SlowLogHistory: Sendable, Hashable {
    package let capacity: Int
    /// Newest first.
    package private(set) var entries: [SlowLogEntry] = []
    /// Ids first seen in the last merge (what to highlight), per node.
    package private(set) var fresh: Set<EntryID> = []
    /// The highest id seen per node (a server restarted numbers from 0 again).
    private var highest: [String: Int64] = [:]
    /// Whether a first merge happened: what is there at the first read is not "new".
    private var primed: Set<String> = []

    package struct EntryID: Sendable, Hashable {
        package var node: String
        package var id: Int64
    }

    package init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// Merges one sample of `node`'s slow log (its `SLOWLOG GET`); returns how many entries are new.
    @discardableResult
    package mutating func merge(_ sample: [SlowLogEntry], node: String = "") -> Int {
        let known = Set(entries.lazy.filter { ($0.node ?? "") == node }.map(\.id))
        if let top = sample.map(\.id).max(), let previous = highest[node], top < previous, !sample.contains(where: { known.contains($0.id) }) {
            // Ids went back and nothing matches: the server restarted; its old entries stay, marked by time.
            highest[node] = nil
        }
        var added: [SlowLogEntry] = []
        for entry in sample where !known.contains(entry.id) { added.append(entry) }
        let isFirst = !primed.contains(node)
        primed.insert(node)
        fresh = isFirst ? [] : Set(added.map { EntryID(node: node, id: $0.id) })
        highest[node] = max(highest[node] ?? Int64.min, sample.map(\.id).max() ?? Int64.min)
        entries += added
        entries.sort { ($0.time, $0.id) > ($1.time, $1.id) }
        // The newest `capacity` of each node.
        var kept: [String: Int] = [:]
        entries = entries.filter { entry in
            let count = kept[entry.node ?? "", default: 0]
            kept[entry.node ?? ""] = count + 1
            return count < capacity
        }
        return isFirst ? 0 : added.count
    }

    /// Whether `entry` arrived in the last merge (after the first).
    package func isFresh(_ entry: SlowLogEntry) -> Bool { fresh.contains(EntryID(node: entry.node ?? "", id: entry.id)) }
}
