import Memcache

/// One memcached key as the key browser lists it, from `lru_crawler metadump`.
public struct MemcachedKeyEntry: Sendable, Hashable {
    /// The key's real bytes (metadump's %-encoding undone).
    public var key: [UInt8]
    /// The server that holds it (`host:port`).
    public var server: String
    /// Seconds left to live by the server's own clock when listed, or `nil` when it never expires.
    public var ttlSeconds: Int64?
    /// The item's size in bytes (header included), on memcached 1.5.4+.
    public var size: Int?
    /// The client flags (memcached 1.6.24+).
    public var flags: UInt32?
    /// Whether it was ever read since it was stored.
    public var fetched: Bool?
    /// When it was last accessed (unix seconds, server clock).
    public var lastAccess: Int64?

    public init(entry: MetadumpEntry, server: String, serverTime: Int64) {
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
public struct MemcachedValuePreview: Sendable, Hashable {
    /// At most the requested number of bytes from the start of the value.
    public var prefix: [UInt8]
    /// The value's full length.
    public var length: Int
    /// Its client flags (how the writer encoded it: 0 bytes, 16 text, 2 integer, 1 a Python pickle…).
    public var flags: UInt32
}
