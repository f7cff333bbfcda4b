import Synchronization

/// An in-process cache, Flask-Caching's `SimpleCache`: a dictionary with per-entry expiry and a size
/// threshold, safe to share between tasks and threads.
///
/// - Expiry: each entry expires after its own timeout; `0` means never. Expired entries are never returned.
/// - Threshold (default 500; `0` or less means 500, as in cachelib): when a write finds more than
///   `threshold` entries, expired entries go first, then the earliest-expiring ones, so the cache holds at
///   most `threshold + 1` entries. Entries that never expire are evicted last (cachelib evicts them first,
///   a quirk we do not copy), oldest write first.
/// - Speed: one uncontended lock per call, no actor hop, O(log n) writes even when full. The methods are
///   synchronous (they satisfy ``CacheBackend``'s async requirements), so code that holds a `SimpleCache`
///   can call them without `await`, like cachelib's.
/// - Counters: hits, misses, sets, deletes, evictions and expirations, read through ``statistics()``.
///
/// Values are stored as encoded ``CacheValue``s, so a read returns a copy, as cachelib's pickling does.
public final class SimpleCache: CacheBackend {
    /// The default threshold: 500 entries.
    public static let defaultThreshold = 500

    public var kind: String { "simple" }

    private let store: Mutex<SimpleCacheStore>
    private let clock: any CacheClock
    /// The clock is the system's: read it directly, not through the protocol (every call reads it).
    private let systemClock: Bool

    /// Creates an empty cache.
    /// - Parameters:
    ///   - threshold: prune when a write finds more entries than this; `0` or less means 500.
    ///   - clock: the time source for expiry; inject a ``ManualCacheClock`` in tests.
    public init(threshold: Int = SimpleCache.defaultThreshold, clock: any CacheClock = SystemCacheClock()) {
        self.store = Mutex(SimpleCacheStore(threshold: threshold > 0 ? threshold : Self.defaultThreshold))
        self.clock = clock
        self.systemClock = clock is SystemCacheClock
    }

    @inline(__always)
    private func now() -> Double {
        systemClock ? SystemCacheClock.read() : clock.now()
    }

    /// The configured threshold.
    public var threshold: Int { store.withLock { $0.threshold } }

    public func get(_ key: String) -> CacheValue? {
        let now = now()
        return store.withLock { store in
            let value = store.get(key, now: now)
            store.traffic.record(key, value == nil ? .miss : .hit, at: now)
            return value
        }
    }

    public func getMany(_ keys: [String]) -> [CacheValue?] {
        let now = now()
        return store.withLock { store in
            keys.map { key in
                let value = store.get(key, now: now)
                store.traffic.record(key, value == nil ? .miss : .hit, at: now)
                return value
            }
        }
    }

    /// The value is taken, not copied, into the cache when the caller passes its last use.
    public func set(_ key: String, _ value: consuming CacheValue, timeout: CacheTimeout) throws {
        let now = now()
        let lifetime = try timeout.validated().lifetime
        // Moved through the lock's closure (a capture cannot be consumed): no retain and release per set.
        var moving = Optional(consume value)
        store.withLock { store in
            guard let value = moving.take() else { return }
            store.set(key, value, lifetime: lifetime, now: now)
            store.traffic.record(key, .write, at: now)
        }
    }

    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) throws -> [String] {
        let now = now()
        let lifetime = try timeout.validated().lifetime
        store.withLock { store in
            for entry in entries {
                store.set(entry.key, entry.value, lifetime: lifetime, now: now)
                store.traffic.record(entry.key, .write, at: now)
            }
        }
        return entries.map(\.key)
    }

    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) throws -> Bool {
        let now = now()
        let lifetime = try timeout.validated().lifetime
        return store.withLock { store in
            store.traffic.record(key, .write, at: now)
            return store.add(key, value, lifetime: lifetime, now: now)
        }
    }

    public func delete(_ key: String) -> Bool {
        let now = now()
        return store.withLock { store in
            store.traffic.record(key, .write, at: now)
            return store.delete(key, now: now)
        }
    }

    public func deleteMany(_ keys: [String]) -> [String] {
        let now = now()
        store.withLock { store in
            for key in keys {
                _ = store.delete(key, now: now)
                store.traffic.record(key, .write, at: now)
            }
        }
        return keys
    }

    public func has(_ key: String) -> Bool {
        let now = now()
        return store.withLock { store in
            let found = store.has(key, now: now)
            store.traffic.record(key, found ? .hit : .miss, at: now)
            return found
        }
    }

    public func touch(_ key: String, timeout: CacheTimeout) throws -> Bool {
        let now = now()
        let lifetime = try timeout.validated().lifetime
        return store.withLock { store in
            store.traffic.record(key, .write, at: now)
            return store.touch(key, lifetime: lifetime, now: now)
        }
    }

    public func clear(prefix: String) -> Int {
        store.withLock { $0.clear(prefix: prefix) }
    }

    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) throws -> Int64 {
        let now = now()
        let lifetime = try timeout.validated().lifetime
        return try store.withLock { store in
            store.traffic.record(key, .write, at: now)
            return try store.increment(key, by: delta, lifetimeIfCreated: lifetime, now: now)
        }
    }

    public func statistics() -> CacheBackendStatistics {
        let now = now()
        return store.withLock { $0.statistics(now: now) }
    }

    public func listKeys(prefix: String, limit: Int) -> CacheKeyListing {
        let now = now()
        return store.withLock { $0.listKeys(prefix: prefix, limit: limit, now: now) }
    }
}

extension SimpleCache: KeyTrafficSource {
    public func keyTraffic(lastSeconds seconds: Double) -> KeyTrafficWindow {
        let now = now()
        return store.withLock { $0.traffic.window(since: now - max(0, seconds), now: now) }
    }

    public var keyTrafficSequence: UInt64 { store.withLock { $0.traffic.next } }
}
