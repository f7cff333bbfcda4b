/// A place where cache entries live: in this process (``SimpleCache``), nowhere (``NullCache``), or a
/// server (Redis, memcached). The ``Cache`` facade adds the default timeout, the key prefix, value
/// encoding, memoize and hit/miss counting on top; a backend only stores ``CacheValue``s under full keys.
///
/// Every method may suspend; in-process backends return without suspending. Timeouts arrive validated
/// (`0` = never expires). Keys arrive complete (prefix included) and already checked against ``keyLimits``.
///
/// The last two requirements are the read access the cachescope monitor uses to watch a backend.
public protocol CacheBackend: Sendable {
    /// A short name for logs and the dashboard: "simple", "null", "redis", "memcached".
    var kind: String { get }
    /// What keys this backend accepts; the facade rejects other keys with a clear error before sending them.
    var keyLimits: CacheKeyLimits { get }

    /// The stored value, or `nil` when the key is missing or expired.
    func get(_ key: String) async throws -> CacheValue?
    /// The stored values in the order of `keys`, `nil` for misses.
    func getMany(_ keys: [String]) async throws -> [CacheValue?]
    /// Stores `value`, replacing any previous value and lifetime.
    func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws
    /// Stores every entry with one lifetime; returns the keys that were stored.
    func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String]
    /// Stores `value` only when `key` is absent or expired; returns whether it stored.
    func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool
    /// Removes `key`; returns whether it existed.
    func delete(_ key: String) async throws -> Bool
    /// Removes every key it can; a missing key never stops the rest. Returns the keys that are now absent.
    func deleteMany(_ keys: [String]) async throws -> [String]
    /// Whether `key` holds a live value, without reading the value.
    func has(_ key: String) async throws -> Bool
    /// Gives a live key a new lifetime; returns `false` when the key is absent.
    func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool
    /// Removes every entry whose key starts with `prefix`; an empty prefix removes everything the backend
    /// holds. Returns how many entries were removed.
    func clear(prefix: String) async throws -> Int
    /// Adds `delta` to an integer value atomically and returns the new value. A missing key starts at 0 and is
    /// created with `timeout`; an existing key keeps its lifetime.
    /// - Throws: ``CacheError`` `.notAnInteger` when the stored value is not an integer or the sum overflows.
    func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64

    /// Counters and sizes for monitoring.
    func statistics() async throws -> CacheBackendStatistics
    /// Live keys starting with `prefix`, at most `limit` of them, sorted by key, with remaining TTL and size.
    /// Server backends return the first `limit` keys their scan finds, not the `limit` smallest.
    func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing
}

extension CacheBackend {
    /// Backends accept any non-empty key unless they say otherwise.
    public var keyLimits: CacheKeyLimits { .unrestricted }
}

/// Which keys a backend can store. memcached's text protocol allows at most 250 bytes and no spaces or
/// control characters; in-process and Redis keys are unrestricted (but never empty).
public struct CacheKeyLimits: Sendable, Hashable {
    /// The longest key in UTF-8 bytes, or `nil` for no limit.
    public var maxBytes: Int?
    /// Whether spaces, control characters and DEL are allowed.
    public var allowsWhitespaceAndControl: Bool

    /// Creates limits.
    public init(maxBytes: Int?, allowsWhitespaceAndControl: Bool) {
        self.maxBytes = maxBytes
        self.allowsWhitespaceAndControl = allowsWhitespaceAndControl
    }

    /// Any non-empty key.
    public static let unrestricted = CacheKeyLimits(maxBytes: nil, allowsWhitespaceAndControl: true)
    /// memcached's text protocol: ≤ 250 bytes, no whitespace or control characters.
    public static let memcachedText = CacheKeyLimits(maxBytes: 250, allowsWhitespaceAndControl: false)

    /// Checks `key` and explains the first problem found.
    /// - Throws: ``CacheError`` `.invalidKey`.
    public func validate(_ key: String) throws {
        guard !key.isEmpty else { throw CacheError(.invalidKey, "cache keys must not be empty") }
        if self == .unrestricted { return }
        let utf8 = key.utf8
        if let maxBytes, utf8.count > maxBytes {
            throw CacheError(.invalidKey, "cache key \(KeyText.quoted(key)) is \(utf8.count) bytes; this backend allows at most \(maxBytes)")
        }
        if !allowsWhitespaceAndControl, let bad = utf8.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw CacheError(
                .invalidKey, "cache key \(KeyText.quoted(key)) contains \(KeyText.byteName(bad)), which this backend does not allow in keys")
        }
    }
}

/// Counters and sizes of one backend, as its monitor shows them.
public struct CacheBackendStatistics: Sendable, Hashable {
    /// Reads that found a live value.
    public var hits: UInt64 = 0
    /// Reads that found nothing (or an expired value).
    public var misses: UInt64 = 0
    /// Values written (set, add that stored, set_many entries, inc/dec).
    public var sets: UInt64 = 0
    /// Entries removed on request (delete, delete_many, clear).
    public var deletes: UInt64 = 0
    /// Live entries removed to stay within the capacity.
    public var evictions: UInt64 = 0
    /// Entries removed because their lifetime ended.
    public var expirations: UInt64 = 0
    /// Live entries now.
    public var keys: Int = 0
    /// Approximate bytes held: keys plus values.
    public var bytes: Int = 0
    /// The most entries the backend keeps, when it has such a limit.
    public var capacity: Int?

    /// Creates statistics; every field defaults to zero.
    public init(
        hits: UInt64 = 0, misses: UInt64 = 0, sets: UInt64 = 0, deletes: UInt64 = 0, evictions: UInt64 = 0,
        expirations: UInt64 = 0, keys: Int = 0, bytes: Int = 0, capacity: Int? = nil
    ) {
        self.hits = hits
        self.misses = misses
        self.sets = sets
        self.deletes = deletes
        self.evictions = evictions
        self.expirations = expirations
        self.keys = keys
        self.bytes = bytes
        self.capacity = capacity
    }
}

/// One key as the monitor lists it.
public struct CacheKeyInfo: Sendable, Hashable {
    /// The full key, prefix included.
    public var key: String
    /// Seconds left to live when the listing was made, or `nil` when the key never expires.
    public var remainingSeconds: Double?
    /// Bytes of the stored value (Redis: `MEMORY USAGE`, which includes overhead), when known.
    public var size: Int?
    /// How the value was encoded, when known without reading it.
    public var format: CacheValue.Format?

    /// Creates a key description.
    public init(key: String, remainingSeconds: Double?, size: Int?, format: CacheValue.Format?) {
        self.key = key
        self.remainingSeconds = remainingSeconds
        self.size = size
        self.format = format
    }
}

/// A page of keys: at most the requested number, and whether there were more.
public struct CacheKeyListing: Sendable, Hashable {
    /// The keys, sorted by key.
    public var keys: [CacheKeyInfo]
    /// How many live keys matched in all, when the backend knows without a full scan (in-process caches).
    public var totalMatching: Int?
    /// Whether more keys matched than were returned.
    public var hasMore: Bool

    /// Creates a listing.
    public init(keys: [CacheKeyInfo], totalMatching: Int?, hasMore: Bool) {
        self.keys = keys
        self.totalMatching = totalMatching
        self.hasMore = hasMore
    }
}
