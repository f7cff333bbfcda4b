/// Port of the key browser (`Enter`, `cachescope keys`): a backend whose keys can be listed with their type,
/// TTL and size, and whose values can be read in part.
package protocol KeyBrowsingSource: CacheSource {
    /// Lists the keys `filter` accepts, handing them to `body` a batch at a time as they are found (memory
    /// stays flat however many there are), at most `limit` in all; `body` returns `false` to stop early.
    /// Lookups this causes on the server are counted as own reads.
    /// - Returns: whether more matching keys exist beyond `limit`.
    func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool
    /// Type, TTL, size, encoding and a bounded preview of one key (its first `maxBytes` bytes or first items),
    /// read now; `nil` when the key is gone. Counted as own reads. `kindPrefix` is the application's key
    /// prefix, for labelling.
    func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails?
    /// The servers a listing walks one by one, each checked to answer, with the items it holds — what a
    /// listing reports per server (a memcached pool); empty where a listing is not told per server.
    /// - Throws: ``ListedServerDown`` for the first that does not answer (a listing would silently miss its
    ///   keys).
    func listedServers() async throws -> [ListedServer]
}

/// A server a key listing walks, and how many items it holds by its own count.
package struct ListedServer: Sendable, Hashable {
    /// `host:port`.
    package var address: String
    package var items: Int?

    package init(address: String, items: Int?) {
        self.address = address
        self.items = items
    }
}

/// A server a listing would walk did not answer.
package struct ListedServerDown: Error, Sendable, CustomStringConvertible {
    /// `host:port`.
    package var address: String
    /// The reason, one line.
    package var message: String

    package init(address: String, message: String) {
        self.address = address
        self.message = message
    }

    package var description: String { "\(address): \(message)" }
}
