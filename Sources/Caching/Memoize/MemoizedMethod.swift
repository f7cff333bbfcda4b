/// A type whose instances memoized methods tell apart: Flask-Caching's `__caching_id__`.
///
/// Two instances with the same `cachingID` share cached results; give each logical object its own id
/// (a database id, a name). The id is sanitised to `[A-Za-z0-9_.]` in version keys.
public protocol CacheIdentifiable: Sendable {
    /// A stable identity of this instance, the same in every process.
    var cachingID: String { get }
}

/// A memoized method: a memoized function whose first argument is the instance it runs on. Created with
/// ``Cache/memoizeMethod(_:timeout:ignoreInstance:unless:forcedUpdate:responseFilter:cacheNone:hashMethod:codeVersion:_:)``.
///
/// Each instance has its own version key besides the function's, so invalidation comes in three sizes:
/// ```swift
/// let area = cache.memoizeMethod("Room.area") { (room: Room, scale: Int) in room.width * room.depth * scale }
/// try await area(kitchen, 2)
/// try await area.deleteMemoized()                                   // every instance
/// try await area.deleteMemoized(instance: kitchen)                  // only the kitchen
/// try await area.deleteMemoized(instance: kitchen, arguments: 2)    // only area(kitchen, 2)
/// ```
/// In Swift the instance is always passed explicitly, so Flask's "delete through the class without an
/// instance raises" case cannot arise; static methods are plain ``Memoized`` functions whose name carries
/// the type.
public struct MemoizedMethod<Instance: CacheIdentifiable, each Argument: Encodable & Sendable, Result: Codable & Sendable>: Sendable {
    let engine: MemoizeEngine
    let function: @Sendable @concurrent (Instance, repeat each Argument) async throws -> Result
    let ignoreInstance: Bool
    let unless: (@Sendable (Instance, repeat each Argument) -> Bool)?
    let forcedUpdate: (@Sendable (Instance, repeat each Argument) -> Bool)?
    let responseFilter: (@Sendable (Result) -> Bool)?

    /// The name the keys are built from.
    public var name: String { engine.name }

    /// The decorator's timeout (`nil` = the cache's default), read at store time; writable.
    public var timeout: CacheTimeout? {
        get { engine.timeout }
        nonmutating set { engine.timeout = newValue }
    }

    /// This method's hit/miss counts.
    public var counters: CacheGroupCounters { engine.counters }

    /// Calls the method on `instance` through the cache.
    public func callAsFunction(_ instance: Instance, _ arguments: repeat each Argument) async throws -> Result {
        if let unless, unless(instance, repeat each arguments) { return try await function(instance, repeat each arguments) }
        let forced = forcedUpdate?(instance, repeat each arguments) ?? false
        return try await engine.call(
            argumentText: try argumentText(instance, repeat each arguments), instanceID: instanceID(instance),
            forcedUpdate: forced, isStale: nil, responseFilter: responseFilter
        ) {
            try await function(instance, repeat each arguments)
        }
    }

    /// Calls the method directly, bypassing the cache.
    public func uncached(_ instance: Instance, _ arguments: repeat each Argument) async throws -> Result {
        try await function(instance, repeat each arguments)
    }

    /// The exact backend key of this call.
    public func cacheKey(_ instance: Instance, _ arguments: repeat each Argument) async throws -> String {
        try await engine.cacheKey(argumentText: try argumentText(instance, repeat each arguments), instanceID: instanceID(instance))
    }

    /// Invalidates every cached call on every instance.
    public func deleteMemoized() async throws {
        try await engine.resetVersion(instanceID: nil)
    }

    /// Invalidates every cached call on `instance` only (Flask's `delete_memoized(obj.method)`).
    public func deleteMemoized(instance: Instance) async throws {
        guard let id = instanceID(instance) else { return try await engine.resetVersion(instanceID: nil) }
        try await engine.resetVersion(instanceID: id)
    }

    /// Deletes the cached result of exactly `instance.method(arguments…)`.
    @discardableResult
    public func deleteMemoized(instance: Instance, arguments: repeat each Argument) async throws -> Bool {
        try await engine.deleteEntry(argumentText: try argumentText(instance, repeat each arguments), instanceID: instanceID(instance))
    }

    /// Deletes the function's version key (and with `instance`, only that instance's).
    public func deleteVersionHash(instance: Instance? = nil) async throws {
        try await engine.deleteVersionKeys(instanceID: instance.flatMap(instanceID))
    }

    private func instanceID(_ instance: Instance) -> String? {
        ignoreInstance ? nil : instance.cachingID
    }

    private func argumentText(_ instance: Instance, _ arguments: repeat each Argument) throws -> String {
        var text = ArgumentText()
        if ignoreInstance { text.appendIgnored() } else { text.appendRendered(instance.cachingID.debugDescription) }
        for argument in repeat each arguments { try text.append(argument) }
        return text.text
    }
}
