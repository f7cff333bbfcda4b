/// A backend that stores nothing: every read misses, `has` is false, writes report success.
///
/// Flask-Caching's `NullCache`, used when caching is disabled. A ``Cache`` built on it logs a
/// "caching is disabled" warning once, unless ``Cache/Configuration/warnWhenDisabled`` is false.
public struct NullCache: CacheBackend {
    public var kind: String { "null" }

    /// Creates the backend.
    public init() {}

    public func get(_ key: String) async throws -> CacheValue? { nil }
    public func getMany(_ keys: [String]) async throws -> [CacheValue?] { Array(repeating: nil, count: keys.count) }
    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String] {
        _ = try timeout.validated()
        return entries.map(\.key)
    }
    public func deleteMany(_ keys: [String]) async throws -> [String] { keys }
    public func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws { _ = try timeout.validated() }
    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool {
        _ = try timeout.validated()
        return true
    }
    public func delete(_ key: String) async throws -> Bool { true }
    public func has(_ key: String) async throws -> Bool { false }
    public func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool { false }
    public func clear(prefix: String) async throws -> Int { 0 }
    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 { delta }
    public func statistics() async throws -> CacheBackendStatistics { CacheBackendStatistics() }
    public func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing { CacheKeyListing(keys: [], totalMatching: 0, hasMore: false) }
}
