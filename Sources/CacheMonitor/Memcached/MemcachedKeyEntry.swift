import Basics
import Memcache

/// One memcached key as the key browser lists it, from `lru_crawler metadump`.
package struct MemcachedKeyEntry: Sendable, Hashable {
    /// The key's real bytes (metadump's %-encoding undone).
    package var key: [UInt8]
    /// The server that holds it (`host:port`).
    package var server: String
    /// Seconds left to live by the server's own clock when listed, or `nil` when it never expires.
    package var ttlSeconds: Int64?
    /// The item's size in bytes (header included), on memcached 1.5.4+.
    package var size: Int?
    /// The client flags (memcached 1.6.24+).
    package var flags: UInt32?
    /// Whether it was ever read since it was stored.
    package var fetched: Bool?
    /// When it was last accessed (unix seconds, server clock).
    package var lastAccess: Int64?

    package init(entry: MetadumpEntry, server: String, serverTime: Int64) {
        key = entry.key
        self.server = server
        ttlSeconds = entry.remainingSeconds(serverTime: serverTime)
        size = entry.size
        flags = entry.flags
        fetched = entry.fetched
        lastAccess = entry.lastAccess
    }
}

/// The first bytes of a memcached value.
package struct MemcachedValuePreview: Sendable, Hashable {
    /// At most the requested number of bytes from the start of the value.
    package var prefix: [UInt8]
    /// The value's full length.
    package var length: Int
    /// Its client flags (how the writer encoded it: 0 bytes, 16 text, 2 integer, 1 a Python pickle…).
    package var flags: UInt32
    /// How the item has been used, where the server has meta commands (1.6+); `nil` otherwise.
    package var access: MemcachedItemAccess? = nil
}

/// What `mg … t l h u` says of an item (memcached 1.6+), read without touching it: its remaining time to
/// live, how long since it was last read or written, and whether it was read since it was stored.
package struct MemcachedItemAccess: Sendable, Hashable {
    /// Seconds left; `nil` for an item that never expires.
    package var remainingSeconds: Int64?
    package var secondsSinceLastAccess: Int64?
    package var readSinceStored: Bool?

    /// From a meta reply's flags (`t` -1 is "never expires").
    package init(flags: [Character: String]) {
        let ttl = flags["t"].flatMap { Int64($0) }
        remainingSeconds = ttl == -1 ? nil : ttl
        secondsSinceLastAccess = flags["l"].flatMap { Int64($0) }
        readSinceStored = flags["h"].map { $0 == "1" }
    }

    /// The lines the details pane shows.
    package var facts: [KeyFact] {
        var facts: [KeyFact] = []
        if let seconds = secondsSinceLastAccess {
            facts.append(KeyFact(label: "accessed", value: "\(HumanUnits.uptime(UInt64(max(0, seconds)))) ago"))
        }
        if let read = readSinceStored { facts.append(KeyFact(label: "read", value: read ? "since it was stored" : "never since it was stored")) }
        return facts
    }
}
