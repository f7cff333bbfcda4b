/// A memoized async function: Flask-Caching's `@cache.memoize()` for Swift. Create one with
/// ``Cache/memoize(_:timeout:unless:forcedUpdate:isStale:responseFilter:cacheNone:hashMethod:codeVersion:ignoring:_:)``
/// and call it like the function it wraps.
///
/// ```swift
/// let userCount = cache.memoize("user_count", timeout: 60) { (team: String) in try await db.countUsers(team) }
/// let n = try await userCount("core")                  // computed and stored
/// let again = try await userCount("core")              // served from the cache
/// try await userCount.deleteMemoized(arguments: "core") // forget one call
/// try await userCount.deleteMemoized()                 // forget every call
/// ```
///
/// Arguments must be `Encodable`: their canonical text (see the `ArgumentText` notes: quoted strings, plain
/// numbers, JSON with sorted keys) is hashed into the key, so every process computes the same key for the
/// same call. Results must be `Codable`.
public struct Memoized<each Argument: Encodable & Sendable, Result: Codable & Sendable>: Sendable {
    let engine: MemoizeEngine
    let function: @Sendable @concurrent (repeat each Argument) async throws -> Result
    let unless: (@Sendable (repeat each Argument) -> Bool)?
    let forcedUpdate: (@Sendable (repeat each Argument) -> Bool)?
    let isStale: (@Sendable (Result, repeat each Argument) -> Bool)?
    let responseFilter: (@Sendable (Result) -> Bool)?
    let ignoredPositions: Set<Int>

    /// The name the keys are built from (sanitised to `[A-Za-z0-9_.]`).
    public var name: String { engine.name }

    /// The decorator's timeout, read each time an entry is stored (`nil` = the cache's default). Writable,
    /// like Flask-Caching's `cache_timeout` attribute; the change applies to the next store.
    public var timeout: CacheTimeout? {
        get { engine.timeout }
        nonmutating set { engine.timeout = newValue }
    }

    /// This function's hit/miss counts.
    public var counters: CacheGroupCounters { engine.counters }

    /// Calls the function through the cache.
    public func callAsFunction(_ arguments: repeat each Argument) async throws -> Result {
        if let unless, unless(repeat each arguments) { return try await function(repeat each arguments) }
        let text = try argumentText(repeat each arguments)
        let forced = forcedUpdate?(repeat each arguments) ?? false
        var staleCheck: ((Result) -> Bool)?
        if let isStale { staleCheck = { value in isStale(value, repeat each arguments) } }
        return try await engine.call(
            argumentText: text, instanceID: nil, forcedUpdate: forced, isStale: staleCheck, responseFilter: responseFilter
        ) {
            try await function(repeat each arguments)
        }
    }

    /// Calls the wrapped function directly, bypassing the cache (Flask-Caching's `uncached`).
    public func uncached(_ arguments: repeat each Argument) async throws -> Result {
        try await function(repeat each arguments)
    }

    /// The exact backend key a call with these arguments reads and writes (Flask-Caching's `make_cache_key`).
    /// Creates the version key if it does not exist yet.
    public func cacheKey(_ arguments: repeat each Argument) async throws -> String {
        try await engine.cacheKey(argumentText: try argumentText(repeat each arguments), instanceID: nil)
    }

    /// Invalidates every cached call of this function (Flask-Caching's `f.delete_memoized()`).
    public func deleteMemoized() async throws {
        try await engine.resetVersion(instanceID: nil)
    }

    /// Deletes the cached result of exactly this call; other calls stay cached.
    /// - Returns: whether an entry was removed.
    @discardableResult
    public func deleteMemoized(arguments: repeat each Argument) async throws -> Bool {
        try await engine.deleteEntry(argumentText: try argumentText(repeat each arguments), instanceID: nil)
    }

    /// Deletes the version key (Flask-Caching's `delete_memoized_verhash`): the next call makes a new
    /// version and recomputes.
    public func deleteVersionHash() async throws {
        try await engine.deleteVersionKeys(instanceID: nil)
    }

    func argumentText(_ arguments: repeat each Argument) throws -> String {
        var text = ArgumentText()
        var position = 0
        for argument in repeat each arguments {
            if ignoredPositions.contains(position) { text.appendIgnored() } else { try text.append(argument) }
            position += 1
        }
        return text.text
    }
}
