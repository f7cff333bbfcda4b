import Logging

/// The caching API of an application: Flask-Caching's `Cache` object for Swift.
///
/// ```swift
/// let cache = Cache(backend: SimpleCache(), configuration: .init(defaultTimeout: 300))
/// try await cache.set("user_1", user, timeout: 60)
/// let cached: User? = try await cache.get("user_1")
///
/// let expensive = cache.memoize("expensive") { (a: Int, b: Int) in try await compute(a, b) }
/// let value = try await expensive(1, 2)          // computed, then served from the cache
/// try await cache.deleteMemoized(expensive)      // invalidate every argument set
/// ```
///
/// A `Cache` is a cheap, thread-safe reference; share one per backend. It adds to its backend: the
/// default timeout, the key prefix, value encoding (see ``CacheValue``), key validation, the error
/// policy, memoize, and hit/miss counting (``statistics``).
public final class Cache: Sendable {
    /// Where entries are stored.
    public let backend: any CacheBackend
    /// The settings this cache was created with.
    public let configuration: Configuration
    /// Hit/miss counts: a total and one group per route, memoized function or named `get` group.
    public let statistics: CacheStatistics
    let keyLimits: CacheKeyLimits

    /// Creates a cache over `backend`.
    ///
    /// With the default ``NullCache`` nothing is stored and a "caching is disabled" warning is logged,
    /// unless ``Configuration/warnWhenDisabled`` is `false`.
    public init(backend: any CacheBackend = NullCache(), configuration: Configuration = Configuration()) {
        self.backend = backend
        self.configuration = configuration
        self.statistics = CacheStatistics(cacheName: configuration.name)
        self.keyLimits = backend.keyLimits
        if backend is NullCache, configuration.warnWhenDisabled {
            configuration.logger.warning("caching is disabled: cache '\(configuration.name)' uses NullCache, which stores nothing")
        }
    }

    /// Creates a cache over `backend` with the most common settings.
    public convenience init(backend: any CacheBackend, defaultTimeout: CacheTimeout = .flaskDefault, keyPrefix: String = "") {
        self.init(backend: backend, configuration: Configuration(defaultTimeout: defaultTimeout, keyPrefix: keyPrefix))
    }

    /// The backend key for an application key: the prefix plus the key, checked against the backend's limits.
    /// - Throws: ``CacheError`` `.invalidKey` for an empty key or one the backend cannot store.
    public func fullKey(_ key: String) throws -> String {
        guard !key.isEmpty else { throw CacheError(.invalidKey, "cache keys must not be empty") }
        let full = configuration.keyPrefix.isEmpty ? key : configuration.keyPrefix + key
        try keyLimits.validate(full)
        return full
    }

    /// The timeout to use: `timeout`, or the default when `nil`.
    /// - Throws: ``CacheError`` `.invalidTimeout` for a negative or non-finite timeout.
    func resolve(_ timeout: CacheTimeout?) throws -> CacheTimeout {
        try (timeout ?? configuration.defaultTimeout).validated()
    }

    /// Runs a backend operation under the error policy: input errors (bad key, timeout, value) always
    /// throw; backend failures throw or are logged and replaced by `fallback`.
    func guarded<T>(_ operation: String, key: String, fallback: T, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CacheError where error.code != .backendFailure && error.code != .decodingFailed {
            throw error
        } catch {
            try absorb(error, operation: operation, key: key)
            return fallback
        }
    }

    /// Applies the error policy to a failure: rethrow, or log it.
    package func absorb(_ error: any Error, operation: String, key: String) throws {
        if configuration.backendErrors == .throw { throw error }
        configuration.logger.error(
            "cache \(operation) failed; treated as a miss",
            metadata: ["cache": "\(configuration.name)", "backend": "\(backend.kind)", "key": "\(key)", "error": "\(error)"]
        )
    }

    /// Counts a lookup in the total and in `group`, and delivers an event when a handler is set.
    package func record(_ outcome: CacheEvent.Outcome, in group: CacheGroupCounters?, key: String, arguments: @autoclosure () -> String) {
        switch outcome {
        case .hit:
            statistics.total.recordHit()
            group?.recordHit()
        case .miss:
            statistics.total.recordMiss()
            group?.recordMiss()
        }
        if let handler = configuration.eventHandler, let group {
            handler(
                CacheEvent(
                    outcome: outcome, kind: group.kind, group: group.name, key: key, arguments: arguments(),
                    cacheName: configuration.name
                ))
        }
    }
}
