import Basics
import ConnectionSupport

/// One key as the key browser lists it, with what was known when it was read.
package struct BrowsedKey: Sendable, Hashable {
    /// The key's bytes, exactly as stored.
    package var key: [UInt8]
    /// Redis's type (`string`, `hash`…), `item` for memcached, the value format for in-process caches.
    package var type: String
    /// Milliseconds left to live when read, `nil` when it never expires.
    package var ttlMilliseconds: Int64?
    /// Bytes, when known (Redis `MEMORY USAGE`, memcached item size, in-process value size).
    package var size: Int?
    /// The server holding it, for a pool.
    package var server: String?
    /// Whether its TTL was read: `false` where the server refuses `PTTL` (shown as `—`, not as no expiry).
    package var ttlKnown = true
    /// A hash whose fields expire: how many, and the soonest; `nil` for any other key.
    package var fieldTTL: FieldTTLSummary?
    /// When it was read, in seconds of the monotonic clock (``MonotonicSeconds``), for live TTL countdowns.
    package var readAt: Double

    package init(key: [UInt8], type: String, ttlMilliseconds: Int64?, size: Int?, server: String? = nil, readAt: Double = MonotonicSeconds.now) {
        self.key = key
        self.type = type
        self.ttlMilliseconds = ttlMilliseconds
        self.size = size
        self.server = server
        self.readAt = readAt
    }

    /// Milliseconds left at monotonic time `now` (never below 0), or `nil` for no expiry.
    package func remainingMilliseconds(at now: Double) -> Int64? {
        ttlMilliseconds.map { max(0, $0 - Int64(((now - readAt) * 1000).rounded())) }
    }
}
