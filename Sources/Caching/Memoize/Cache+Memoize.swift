extension Cache {
    /// Wraps an async function so its results are cached per argument list (Flask-Caching's `memoize`).
    ///
    /// - Parameters:
    ///   - name: the function's name in keys and in the dashboard, e.g. `"app.expensive"`; keep it stable
    ///     across deploys and unique per function (Python derives it from the module and qualified name).
    ///   - timeout: entry lifetime; `nil` = the cache default, `0` = never expires.
    ///   - unless: when it returns `true` the call bypasses the cache completely (no read, no write).
    ///   - forcedUpdate: when it returns `true` the value is recomputed and stored; evaluated once per call.
    ///   - isStale: called on hits only, with the cached value and the arguments; `true` turns the hit into
    ///     a miss that recomputes and stores.
    ///   - responseFilter: a result for which it returns `false` is returned but not stored.
    ///   - cacheNone: store and serve `nil` results (default: a `nil` result is never served from the cache).
    ///   - hashMethod: overrides the cache's ``Configuration/hashMethod`` for this function.
    ///   - codeVersion: folded into every key; change it when the function's behaviour changes so old
    ///     entries stop being served (Swift has no function source to check, unlike `source_check`).
    ///   - ignoring: zero-based argument positions that do not affect the key (`args_to_ignore`).
    ///   - function: the function to memoize.
    public func memoize<each Argument: Encodable & Sendable, Result: Codable & Sendable>(
        _ name: String,
        timeout: CacheTimeout? = nil,
        unless: (@Sendable (repeat each Argument) -> Bool)? = nil,
        forcedUpdate: (@Sendable (repeat each Argument) -> Bool)? = nil,
        isStale: (@Sendable (Result, repeat each Argument) -> Bool)? = nil,
        responseFilter: (@Sendable (Result) -> Bool)? = nil,
        cacheNone: Bool = false,
        hashMethod: CacheKeyHash? = nil,
        codeVersion: String? = nil,
        ignoring: Set<Int> = [],
        _ function: @escaping @Sendable @concurrent (repeat each Argument) async throws -> Result
    ) -> Memoized<repeat each Argument, Result> {
        let options = MemoizeEngine.Options(cacheNone: cacheNone, hashMethod: hashMethod, codeVersion: codeVersion)
        return Memoized(
            engine: MemoizeEngine(cache: self, name: name, timeout: timeout, options: options),
            function: function, unless: unless, forcedUpdate: forcedUpdate, isStale: isStale,
            responseFilter: responseFilter, ignoredPositions: ignoring
        )
    }

    /// Wraps a method — a function whose first argument is an instance — so results are cached per
    /// instance and argument list, with per-instance invalidation. See ``MemoizedMethod``.
    /// - Parameter ignoreInstance: share results between instances (Flask's `args_to_ignore=["self"]`).
    public func memoizeMethod<Instance: CacheIdentifiable, each Argument: Encodable & Sendable, Result: Codable & Sendable>(
        _ name: String,
        timeout: CacheTimeout? = nil,
        ignoreInstance: Bool = false,
        unless: (@Sendable (Instance, repeat each Argument) -> Bool)? = nil,
        forcedUpdate: (@Sendable (Instance, repeat each Argument) -> Bool)? = nil,
        responseFilter: (@Sendable (Result) -> Bool)? = nil,
        cacheNone: Bool = false,
        hashMethod: CacheKeyHash? = nil,
        codeVersion: String? = nil,
        _ function: @escaping @Sendable @concurrent (Instance, repeat each Argument) async throws -> Result
    ) -> MemoizedMethod<Instance, repeat each Argument, Result> {
        let options = MemoizeEngine.Options(cacheNone: cacheNone, hashMethod: hashMethod, codeVersion: codeVersion)
        return MemoizedMethod(
            engine: MemoizeEngine(cache: self, name: name, timeout: timeout, options: options),
            function: function, ignoreInstance: ignoreInstance, unless: unless, forcedUpdate: forcedUpdate,
            responseFilter: responseFilter
        )
    }

    /// Invalidates every cached call of `function` (Flask-Caching's `delete_memoized(f)`).
    public func deleteMemoized<each Argument, Result>(_ function: Memoized<repeat each Argument, Result>) async throws {
        try await function.deleteMemoized()
    }

    /// Deletes the cached result of one call of `function` (Flask-Caching's `delete_memoized(f, *args)`).
    /// - Returns: whether an entry was removed.
    @discardableResult
    public func deleteMemoized<each Argument, Result>(
        _ function: Memoized<repeat each Argument, Result>, arguments: repeat each Argument
    ) async throws -> Bool {
        try await function.deleteMemoized(arguments: repeat each arguments)
    }

    /// Invalidates every cached call of a memoized method, on every instance.
    public func deleteMemoized<Instance, each Argument, Result>(_ method: MemoizedMethod<Instance, repeat each Argument, Result>) async throws {
        try await method.deleteMemoized()
    }

    /// Invalidates a memoized method's cached calls on one instance.
    public func deleteMemoized<Instance, each Argument, Result>(
        _ method: MemoizedMethod<Instance, repeat each Argument, Result>, instance: Instance
    ) async throws {
        try await method.deleteMemoized(instance: instance)
    }

    /// Deletes the version key of a memoized function (Flask-Caching's `delete_memoized_verhash`).
    public func deleteMemoizedVersionHash<each Argument, Result>(_ function: Memoized<repeat each Argument, Result>) async throws {
        try await function.deleteVersionHash()
    }
}
