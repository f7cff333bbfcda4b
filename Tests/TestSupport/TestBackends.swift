import Caching
import Synchronization

// Shared by the test targets: fake backends, counters and a fixture cache with a manual clock.

/// A backend whose every call fails like an unreachable server.
public struct UnreachableBackend: CacheBackend {
    public struct ConnectionRefused: Error, CustomStringConvertible {
        public var description: String { "connection refused (127.0.0.1:1)" }
    }

    public init() {}
    public var kind: String { "unreachable" }
    public func get(_ key: String) async throws -> CacheValue? { throw ConnectionRefused() }
    public func getMany(_ keys: [String]) async throws -> [CacheValue?] { throw ConnectionRefused() }
    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String] {
        throw ConnectionRefused()
    }
    public func deleteMany(_ keys: [String]) async throws -> [String] { throw ConnectionRefused() }
    public func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws { throw ConnectionRefused() }
    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool { throw ConnectionRefused() }
    public func delete(_ key: String) async throws -> Bool { throw ConnectionRefused() }
    public func has(_ key: String) async throws -> Bool { throw ConnectionRefused() }
    public func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool { throw ConnectionRefused() }
    public func clear(prefix: String) async throws -> Int { throw ConnectionRefused() }
    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 { throw ConnectionRefused() }
    public func statistics() async throws -> CacheBackendStatistics { throw ConnectionRefused() }
    public func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing { throw ConnectionRefused() }
}

/// A SimpleCache that records which operations were called, and can pose as a memcached-like backend.
public final class RecordingBackend: CacheBackend {
    public let inner: SimpleCache
    public let keyLimits: CacheKeyLimits
    private let log = Mutex<[String]>([])

    public init(inner: SimpleCache = SimpleCache(), keyLimits: CacheKeyLimits = .unrestricted) {
        self.inner = inner
        self.keyLimits = keyLimits
    }

    public var kind: String { "recording" }
    public var calls: [String] { log.withLock { $0 } }
    public func resetCalls() { log.withLock { $0.removeAll() } }
    private func note(_ call: String) { log.withLock { $0.append(call) } }

    public func get(_ key: String) async throws -> CacheValue? {
        note("get")
        return inner.get(key)
    }
    public func getMany(_ keys: [String]) async throws -> [CacheValue?] {
        note("getMany")
        return inner.getMany(keys)
    }
    public func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws {
        note("set")
        try inner.set(key, value, timeout: timeout)
    }
    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String] {
        note("setMany")
        return try inner.setMany(entries, timeout: timeout)
    }
    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool {
        note("add")
        return try inner.add(key, value, timeout: timeout)
    }
    public func delete(_ key: String) async throws -> Bool {
        note("delete")
        return inner.delete(key)
    }
    public func deleteMany(_ keys: [String]) async throws -> [String] {
        note("deleteMany")
        return inner.deleteMany(keys)
    }
    public func has(_ key: String) async throws -> Bool {
        note("has")
        return inner.has(key)
    }
    public func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool {
        note("touch")
        return try inner.touch(key, timeout: timeout)
    }
    public func clear(prefix: String) async throws -> Int {
        note("clear")
        return inner.clear(prefix: prefix)
    }
    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 {
        note("increment")
        return try inner.increment(key, by: delta, timeout: timeout)
    }
    public func statistics() async throws -> CacheBackendStatistics { inner.statistics() }
    public func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing { inner.listKeys(prefix: prefix, limit: limit) }
}

/// A cache on a SimpleCache with a manual clock, the usual test fixture.
public struct ClockedCache {
    public let clock = ManualCacheClock()
    public let backend: SimpleCache
    public let cache: Cache

    public init(threshold: Int = 500, keyPrefix: String = "", defaultTimeout: CacheTimeout = 300, hashMethod: CacheKeyHash = .sha256) {
        backend = SimpleCache(threshold: threshold, clock: clock)
        cache = Cache(
            backend: backend,
            configuration: .init(defaultTimeout: defaultTimeout, keyPrefix: keyPrefix, hashMethod: hashMethod, clock: clock)
        )
    }
}

/// Counts calls of a function under test, safely from any task.
public final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)
    public init() {}
    public var value: Int { count.load(ordering: .relaxed) }
    @discardableResult public func tick() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
}

/// A mutable flag readable from `@Sendable` closures.
public final class Flag: Sendable {
    private let storage = Mutex(false)
    public init() {}
    public var value: Bool {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
