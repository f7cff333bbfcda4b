import Caching
import HTTPTypes
import Hummingbird
import Synchronization

/// Caches whole responses of the routes it wraps: Flask-Caching's `@cache.cached()` for Hummingbird 2.
///
/// ```swift
/// let cache = Cache(backend: SimpleCache())
/// let users = CachedResponseMiddleware<BasicRequestContext>(cache: cache, timeout: 300)
/// router.group("api/users").add(middleware: users).get { _, _ in try await loadUsers() }
/// // later, after a write:
/// try await users.deleteCached(path: "/api/users")
/// ```
///
/// - Only `GET` (and the `HEAD` Hummingbird derives from it) is cached; other methods pass through.
///   Flask-Caching shares one key between GET, HEAD and POST (its bug #270); we do not.
/// - Keys: the resolved ``ViewCacheKeyPrefix`` (default `view/%s` → `view//api/users`), plus, with
///   `queryString`, the hex hash of the sorted query pairs. The cache's own prefix goes in front.
/// - By default only `200 OK` responses are stored; pass `responseFilter` to change that.
/// - A response served from the cache has the stored status, headers and body, byte for byte (see
///   `CachedHTTPResponse` for the headers that are never stored, such as `Set-Cookie`).
/// - A backend failure is logged and the route runs uncached (under the cache's `.throw` policy it
///   propagates), as Flask-Caching does outside debug mode.
/// - Streamed bodies are collected completely before storing; a body announced larger than
///   `maxBodyBytes` is passed through uncached.
public struct CachedResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    public typealias Input = Request
    public typealias Output = Response

    /// The cache responses are stored in.
    public let cache: Cache
    let settings: Settings

    /// Creates the middleware.
    /// - Parameters:
    ///   - cache: where to store responses.
    ///   - timeout: entry lifetime; `nil` = the cache's default, `0` = never expires. Writable later via
    ///     ``timeout``; a handler can override it for one response with ``CachedResponse``.
    ///   - keyPrefix: Flask's `key_prefix`; default `view/%s`.
    ///   - queryString: include the (sorted, hashed) query string in the key.
    ///   - group: the name the route's hits and misses are counted under; default: the route pattern.
    ///   - unless: `true` bypasses the cache completely for this request (no read, no write).
    ///   - forcedUpdate: `true` re-runs the handler and overwrites the entry; evaluated once per request.
    ///   - isStale: called with the cached response on a hit; `true` turns it into a miss.
    ///   - responseFilter: whether a fresh response may be stored; default: only `200 OK`.
    ///   - makeCacheKey: replaces the whole key computation (before the cache's prefix).
    ///   - hashMethod: overrides the cache's hash for query strings.
    ///   - responseHitIndication: add `hit_cache: True` to responses served from the cache (misses get none).
    ///   - maxBodyBytes: responses announcing a longer body are not stored.
    public init(
        cache: Cache,
        timeout: CacheTimeout? = nil,
        keyPrefix: ViewCacheKeyPrefix = .default,
        queryString: Bool = false,
        group: String? = nil,
        unless: (@Sendable (Request, Context) -> Bool)? = nil,
        forcedUpdate: (@Sendable (Request, Context) -> Bool)? = nil,
        isStale: (@Sendable (Response) -> Bool)? = nil,
        responseFilter: @escaping @Sendable (Response) -> Bool = Self.onlyOK,
        makeCacheKey: (@Sendable (Request, Context) -> String)? = nil,
        hashMethod: CacheKeyHash? = nil,
        responseHitIndication: Bool = false,
        maxBodyBytes: Int = 16 << 20
    ) {
        self.cache = cache
        self.settings = Settings(
            timeout: timeout, keyPrefix: keyPrefix, queryString: queryString, group: group, unless: unless,
            forcedUpdate: forcedUpdate, isStale: isStale, responseFilter: responseFilter, makeCacheKey: makeCacheKey,
            hashMethod: hashMethod, responseHitIndication: responseHitIndication, maxBodyBytes: maxBodyBytes
        )
    }

    /// The default response filter: store only `200 OK`.
    public static var onlyOK: @Sendable (Response) -> Bool { { $0.status == .ok } }

    /// The route's timeout, read each time a response is stored (Flask's writable `cache_timeout`).
    public var timeout: CacheTimeout? {
        get { settings.timeout.withLock { $0 } }
        nonmutating set { settings.timeout.withLock { $0 = newValue } }
    }

    // MARK: keys

    /// The key (before the cache's prefix) for a path and raw query string, computed outside any request
    /// — Flask-Caching's `make_cache_key(path=…, query_args=…)`. Not available with `makeCacheKey`.
    public func cacheKey(path: String, query: String? = nil) -> String {
        let prefix = settings.keyPrefix.resolve(path: path)
        guard settings.queryString else { return prefix }
        return prefix + hash.hexDigest(of: CanonicalQuery.text(of: CanonicalQuery.pairs(of: query)))
    }

    /// The key for `(name, value)` query pairs; the order of the pairs does not matter.
    public func cacheKey(path: String, queryItems: [(String, String)]) -> String {
        let prefix = settings.keyPrefix.resolve(path: path)
        guard settings.queryString else { return prefix }
        return prefix + hash.hexDigest(of: CanonicalQuery.text(of: queryItems.sorted { $0 < $1 }))
    }

    /// Removes the cached response for one path (and query), leaving other query variants alone —
    /// Flask-Caching's `delete_cached`. - Returns: whether an entry was removed.
    @discardableResult
    public func deleteCached(path: String, query: String? = nil) async throws -> Bool {
        try await cache.delete(cacheKey(path: path, query: query))
    }

    /// Removes the cached response for one path and set of query pairs.
    @discardableResult
    public func deleteCached(path: String, queryItems: [(String, String)]) async throws -> Bool {
        try await cache.delete(cacheKey(path: path, queryItems: queryItems))
    }

    private var hash: CacheKeyHash { settings.hashMethod ?? cache.configuration.hashMethod }

    private func key(for request: Request, context: Context) -> String {
        if let makeCacheKey = settings.makeCacheKey { return makeCacheKey(request, context) }
        return cacheKey(path: request.uri.path, query: request.uri.query)
    }

    // MARK: the request

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, settings.unless?(request, context) != true else {
            return CachedResponse.removingOverride(from: try await next(request, context)).response
        }
        let counters = cache.statistics.group(settings.group ?? context.endpointPath ?? request.uri.path, kind: .view)
        let forced = settings.forcedUpdate?(request, context) ?? false
        let query = request.uri.query ?? ""
        let fullKey: String
        do {
            fullKey = try cache.fullKey(key(for: request, context: context))
            if !forced, let stored = try await cache.backend.get(fullKey),
                let cached = settings.decoded.response(for: fullKey, stored: stored.bytes, extraHeaders: HitIndication.fields)
            {
                if settings.isStale?(cached.plain) != true {
                    cache.record(.hit, in: counters, key: fullKey, arguments: query)
                    return settings.responseHitIndication ? cached.indicated : cached.plain
                }
            }
        } catch {
            counters.recordError()
            try cache.absorb(error, operation: "cached route \(counters.name)", key: counters.name)
            return CachedResponse.removingOverride(from: try await next(request, context)).response
        }
        cache.record(.miss, in: counters, key: fullKey, arguments: query)
        let (fresh, override) = CachedResponse.removingOverride(from: try await next(request, context))
        guard settings.responseFilter(fresh), (fresh.body.contentLength ?? 0) <= settings.maxBodyBytes else { return fresh }
        let body = try await ResponseBodyCollector.collect(fresh.body)
        let entry = CachedHTTPResponse(status: fresh.status, headers: fresh.headers, body: body)
        do {
            let lifetime = try (override ?? timeout ?? cache.configuration.defaultTimeout).validated()
            try await cache.backend.set(fullKey, CacheValue(format: .raw, bytes: entry.encoded), timeout: lifetime)
        } catch {
            counters.recordError()
            try cache.absorb(error, operation: "cached route \(counters.name)", key: counters.name)
        }
        var replay = fresh
        replay.body = ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        return replay
    }

    /// Flask-Caching's hit indication header.
    public static var hitCacheHeader: HTTPField.Name { HitIndication.name }

    final class Settings: Sendable {
        let timeout: Mutex<CacheTimeout?>
        let keyPrefix: ViewCacheKeyPrefix
        let queryString: Bool
        let group: String?
        let unless: (@Sendable (Request, Context) -> Bool)?
        let forcedUpdate: (@Sendable (Request, Context) -> Bool)?
        let isStale: (@Sendable (Response) -> Bool)?
        let responseFilter: @Sendable (Response) -> Bool
        let makeCacheKey: (@Sendable (Request, Context) -> String)?
        let hashMethod: CacheKeyHash?
        let responseHitIndication: Bool
        /// Responses decoded on earlier hits (the hit path's main cost otherwise).
        let decoded = DecodedResponseMemo()
        let maxBodyBytes: Int

        init(
            timeout: CacheTimeout?, keyPrefix: ViewCacheKeyPrefix, queryString: Bool, group: String?,
            unless: (@Sendable (Request, Context) -> Bool)?, forcedUpdate: (@Sendable (Request, Context) -> Bool)?,
            isStale: (@Sendable (Response) -> Bool)?, responseFilter: @escaping @Sendable (Response) -> Bool,
            makeCacheKey: (@Sendable (Request, Context) -> String)?, hashMethod: CacheKeyHash?, responseHitIndication: Bool,
            maxBodyBytes: Int
        ) {
            self.timeout = Mutex(timeout)
            self.keyPrefix = keyPrefix
            self.queryString = queryString
            self.group = group
            self.unless = unless
            self.forcedUpdate = forcedUpdate
            self.isStale = isStale
            self.responseFilter = responseFilter
            self.makeCacheKey = makeCacheKey
            self.hashMethod = hashMethod
            self.responseHitIndication = responseHitIndication
            self.maxBodyBytes = maxBodyBytes
        }
    }
}

/// Flask-Caching's `hit_cache: True`, built once.
enum HitIndication {
    static let name = HTTPField.Name("hit_cache")!
    static let fields: HTTPFields = [name: "True"]
}
