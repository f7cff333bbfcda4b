/// One memcached slab class (`stats slabs` with `stats items`): its chunk size, how full it is, what its
/// rounding wastes, and what it evicted or let expire unread.
package struct SlabClass: Sendable, Hashable {
    package var id: Int
    package var chunkSize: Int
    package var items: Int
    package var usedChunks: Int
    package var totalChunks: Int
    /// Bytes of used chunks beyond what their items asked for (chunk rounding); `nil` when the server does not
    /// say how much was asked (`mem_requested`).
    package var wasteBytes: Int?
    package var evicted: Int
    /// Items evicted, or expired, without ever being read: memory spent for nothing.
    package var evictedUnfetched: Int
    package var expiredUnfetched: Int
    /// Seconds the oldest item in its LRU has been there.
    package var oldestItemAgeSeconds: Int
    /// Times a store found no memory for an item of this class.
    package var outOfMemory: Int

    /// The classes of `stats slabs` and `stats items` replies (name and value pairs, as `stats` gives them),
    /// by class id.
    package static func parse(slabs: [(name: String, value: String)], items: [(name: String, value: String)]) -> [SlabClass] {
        var bySlab: [Int: [String: Int]] = [:]
        for (name, value) in slabs {
            // `1:chunk_size`; totals (`active_slabs`) have no class.
            let parts = name.split(separator: ":")
            guard parts.count == 2, let id = Int(parts[0]), let number = Int(value) else { continue }
            bySlab[id, default: [:]][String(parts[1])] = number
        }
        var byItems: [Int: [String: Int]] = [:]
        for (name, value) in items {
            // `items:4:number`.
            let parts = name.split(separator: ":")
            guard parts.count == 3, parts[0] == "items", let id = Int(parts[1]), let number = Int(value) else { continue }
            byItems[id, default: [:]][String(parts[2])] = number
        }
        return Set(bySlab.keys).union(byItems.keys).sorted().map { id in
            let slab = bySlab[id] ?? [:]
            let item = byItems[id] ?? [:]
            let chunkSize = slab["chunk_size"] ?? 0
            let used = slab["used_chunks"] ?? 0
            let requested = item["mem_requested"] ?? slab["mem_requested"]
            return SlabClass(
                id: id, chunkSize: chunkSize, items: item["number"] ?? 0, usedChunks: used, totalChunks: slab["total_chunks"] ?? 0,
                wasteBytes: requested.map { max(0, used * chunkSize - $0) }, evicted: item["evicted"] ?? 0,
                evictedUnfetched: item["evicted_unfetched"] ?? 0, expiredUnfetched: item["expired_unfetched"] ?? 0,
                oldestItemAgeSeconds: item["age"] ?? 0, outOfMemory: item["outofmemory"] ?? 0)
        }
    }
}
