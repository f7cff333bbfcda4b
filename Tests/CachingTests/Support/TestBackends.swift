import Caching
import Synchronization

/// A backend whose every call fails like an unreachable server.
struct UnreachableBackend: CacheBackend {
    struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connection refused (127.0.0.1:1)" }
    }

    var kind: String { "unreachable" }
    func get(_ key: String) async throws -> CacheValue? { throw ConnectionRefused() }
    func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws { throw ConnectionRefused() }
    func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool { throw ConnectionRefused() }
    func delete(_ key: String) async throws -> Bool { throw ConnectionRefused() }
    func has(_ key: String) async throws -> Bool { throw ConnectionRefused() }
    func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool { throw ConnectionRefused() }
    func clear(prefix: String) async throws -> Int { throw ConnectionRefused() }
    func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 { throw ConnectionRefused() }
    func statistics() async throws -> CacheBackendStatistics { throw ConnectionRefused() }
    func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing { throw ConnectionRefused() }
}

/// A SimpleCache that records which operations were called, and can pose as a memcached-like backend.
final class RecordingBackend: CacheBackend {
    let inner: SimpleCache
    let keyLimits: CacheKeyLimits
    private let log = Mutex<[String]>([])

    init(inner: SimpleCache = SimpleCache(), keyLimits: CacheKeyLimits = .unrestricted) {
        self.inner = inner
        self.keyLimits = keyLimits
    }

    var kind: String { "recording" }
    var calls: [String] { log.withLock { $0 } }
    func resetCalls() { log.withLock { $0.removeAll() } }
    private func note(_ call: String) { log.withLock { $0.append(call) } }

    func get(_ key: String) async throws -> CacheValue? { note("get"); return try await inner.get(key) }
    func getMany(_ keys: [String]) async throws -> [CacheValue?] { note("getMany"); return try await inner.getMany(keys) }
    func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws { note("set"); try await inner.set(key, value, timeout: timeout) }
    func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool { note("add"); return try await inner.add(key, value, timeout: timeout) }
    func delete(_ key: String) async throws -> Bool { note("delete"); return try await inner.delete(key) }
    func deleteMany(_ keys: [String]) async throws -> [String] { note("deleteMany"); return try await inner.deleteMany(keys) }
    func has(_ key: String) async throws -> Bool { note("has"); return try await inner.has(key) }
    func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool { note("touch"); return try await inner.touch(key, timeout: timeout) }
    func clear(prefix: String) async throws -> Int { note("clear"); return try await inner.clear(prefix: prefix) }
    func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 {
        note("increment")
        return try await inner.increment(key, by: delta, timeout: timeout)
    }
    func statistics() async throws -> CacheBackendStatistics { try await inner.statistics() }
    func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing { try await inner.listKeys(prefix: prefix, limit: limit) }
}

/// A cache on a SimpleCache with a manual clock, the usual test fixture.
struct ClockedCache {
    let clock = ManualCacheClock()
    let backend: SimpleCache
    let cache: Cache

    init(threshold: Int = 500, keyPrefix: String = "", defaultTimeout: CacheTimeout = 300, hashMethod: CacheKeyHash = .sha256) {
        backend = SimpleCache(threshold: threshold, clock: clock)
        cache = Cache(
            backend: backend,
            configuration: .init(defaultTimeout: defaultTimeout, keyPrefix: keyPrefix, hashMethod: hashMethod, clock: clock)
        )
    }
}

/// Counts calls of a function under test, safely from any task.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    @discardableResult func tick() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
}
