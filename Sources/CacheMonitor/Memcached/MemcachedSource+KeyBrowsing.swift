import Basics
import Memcache

extension MemcachedSource: KeyBrowsingSource {
    /// `lru_crawler metadump` on every server; TTLs against each server's own clock.
    package func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        try await listKeys(limit: limit, accept: filter.accepts) { entries in
            let now = MonotonicSeconds.now
            return try await body(
                entries.map { entry in
                    BrowsedKey(
                        key: entry.key, type: "item", ttlMilliseconds: entry.ttlSeconds.map { $0 * 1000 }, size: entry.size, server: entry.server,
                        readAt: now)
                })
        }
    }

    /// A `get` on the server that listed the key (every server when it is not known), cut to `maxBytes`.
    package func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? {
        let servers = key.server.map { [$0] } ?? addresses.map(\.description)
        for server in servers {
            guard let preview = try await preview(of: key.key, on: server, maxBytes: maxBytes) else { continue }
            var listed = key
            listed.server = server
            if let access = preview.access {
                // The server's own count of the time left, read now.
                listed.ttlMilliseconds = access.remainingSeconds.map { $0 * 1000 }
                listed.readAt = MonotonicSeconds.now
            }
            var details = KeyDetails(
                key: listed, encoding: "flags \(preview.flags)", valueBytes: preview.prefix, length: preview.length, flags: preview.flags,
                kindPrefix: kindPrefix)
            details.facts = preview.access?.facts ?? []
            return details
        }
        return nil
    }

    /// Every server of the pool, with the items it holds (`stats curr_items`).
    /// - Throws: ``ListedServerDown`` for the first server that does not answer.
    package func listedServers() async throws -> [ListedServer] {
        let stats = await stats()
        if let down = stats.servers.first(where: { $0.stats == nil }), case .failure(let error) = down.result {
            throw ListedServerDown(address: down.address, message: error.message)
        }
        return stats.servers.map { ListedServer(address: $0.address, items: $0.stats.map { Int(clamping: $0.currItems) }) }
    }
}
