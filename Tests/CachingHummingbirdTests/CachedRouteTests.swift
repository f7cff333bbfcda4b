import Caching
import CachingHummingbird
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

/// Cached routes: Flask-Caching's `@cache.cached()` (checklist items 13–27 that apply to views).
@Suite struct CachedRouteTests {
    typealias Middleware = CachedResponseMiddleware<BasicRequestContext>

    /// A router whose `/…` routes sit behind `middleware` and count their handler runs.
    func app(_ middleware: Middleware, calls: CallCounter, build: ((RouterGroup<BasicRequestContext>) -> Void)? = nil) -> some ApplicationProtocol {
        let router = Router()
        let group = router.group().add(middleware: middleware)
        if let build {
            build(group)
        } else {
            group.get("api/users") { request, _ in
                let n = calls.tick()
                return "users v\(n) \(request.uri.query ?? "")"
            }
        }
        return Application(router: router)
    }

    @Test func theSecondRequestIsServedFromTheCache() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        try await app(Middleware(cache: cache, timeout: 300), calls: calls).test(.router) { client in
            let first = try await client.execute(uri: "/api/users", method: .get)
            let second = try await client.execute(uri: "/api/users", method: .get)
            #expect(String(buffer: first.body) == "users v1 ")
            #expect(String(buffer: second.body) == "users v1 ")
            #expect(calls.value == 1, "the handler ran once")
        }
        #expect(try await cache.backend.has("view//api/users"), "the key is Flask-Caching's view/%s of the path")
        let group = try #require(cache.statistics.snapshot().group("/api/users", kind: .view))
        #expect(group.hits == 1)
        #expect(group.misses == 1)
    }

    @Test func aRewrittenEntryIsServedAfreshNotFromAnEarlierDecoding() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, timeout: 300)
        try await app(middleware, calls: calls).test(.router) { client in
            #expect(String(buffer: try await client.execute(uri: "/api/users", method: .get).body) == "users v1 ")
            #expect(String(buffer: try await client.execute(uri: "/api/users", method: .get).body) == "users v1 ")
            try await middleware.deleteCached(path: "/api/users")
            #expect(String(buffer: try await client.execute(uri: "/api/users", method: .get).body) == "users v2 ")
            #expect(String(buffer: try await client.execute(uri: "/api/users", method: .get).body) == "users v2 ", "the hit serves the new entry")
            // Another writer (another process, say) replaces the stored bytes under the same key.
            let stored = try #require(try await cache.backend.get("view//api/users"))
            var replaced = stored.bytes
            let marker = Array("users v2".utf8)
            let at = try #require(replaced.indices.first { replaced[$0...].starts(with: marker) })
            replaced[at + marker.count - 1] = UInt8(ascii: "9")
            try await cache.backend.set("view//api/users", CacheValue(format: stored.format, bytes: replaced), timeout: 300)
            #expect(String(buffer: try await client.execute(uri: "/api/users", method: .get).body) == "users v9 ")
        }
        #expect(calls.value == 2)
    }

    @Test func keyTemplatesReplaceOnlyTheFirstPercentS() {
        let cache = Cache(backend: SimpleCache())
        #expect(Middleware(cache: cache).cacheKey(path: "/api/users") == "view//api/users")
        #expect(Middleware(cache: cache, keyPrefix: "a%b/%s/%s").cacheKey(path: "/ü") == "a%b//ü/%s")
        #expect(Middleware(cache: cache, keyPrefix: "fixed%").cacheKey(path: "/x") == "fixed%")
        #expect(Middleware(cache: cache, keyPrefix: "%s").cacheKey(path: "/日本") == "/日本")
    }

    @Test func aCachedResponseIsByteIdenticalToTheStoredOne() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache)
        let application = app(middleware, calls: calls) { group in
            group.get("page") { _, _ in
                calls.tick()
                var response = Response(
                    status: .ok,
                    headers: [.contentType: "text/html; charset=utf-8", .eTag: "\"v1\"", .setCookie: "session=secret"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: [0x3C, 0x62, 0x3E, 0x00, 0xFF, 0x0A]))
                )
                response.setCacheHeaders(maxAge: 300, visibility: .public, now: Date(timeIntervalSince1970: 784_111_777))
                return response
            }
        }
        try await application.test(.router) { client in
            let first = try await client.execute(uri: "/page", method: .get)
            let second = try await client.execute(uri: "/page", method: .get)
            #expect(calls.value == 1)
            #expect(second.status == first.status)
            #expect(second.body == first.body)
            #expect(second.headers[.contentType] == "text/html; charset=utf-8")
            #expect(second.headers[.cacheControl] == "public, max-age=300")
            #expect(second.headers[.expires] == "Sun, 06 Nov 1994 08:54:37 GMT")
            #expect(second.headers[.expires] == first.headers[.expires])
            #expect(second.headers[.eTag] == "\"v1\"")
            #expect(first.headers[.setCookie] == "session=secret")
            #expect(second.headers[.setCookie] == nil, "one visitor's cookie is never replayed to another")
        }
    }

    @Test func theQueryStringIsIgnoredUnlessAsked() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        try await app(Middleware(cache: cache), calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users?page=1", method: .get)
            let other = try await client.execute(uri: "/api/users?page=2", method: .get)
            #expect(String(buffer: other.body) == "users v1 page=1")
            #expect(calls.value == 1)
        }
    }

    @Test func queryStringVariantsShareOrSplitEntriesByValueNotOrder() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, keyPrefix: "search/%s", queryString: true)
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users?a=1&b=2&tag=x&tag=y", method: .get)
            _ = try await client.execute(uri: "/api/users?tag=y&b=2&tag=x&a=1", method: .get)
            #expect(calls.value == 1, "order and repeated-parameter order do not matter")
            _ = try await client.execute(uri: "/api/users?a=1&b=3&tag=x&tag=y", method: .get)
            #expect(calls.value == 2, "a different value is a different entry")
            _ = try await client.execute(uri: "/api/users?a=1&b=%32&tag=x&tag=y", method: .get)
            #expect(calls.value == 2, "percent-encoding is decoded before hashing")
        }
        let keys = try await cache.backend.listKeys(prefix: "", limit: 10).keys.map(\.key)
        #expect(keys.count == 2)
        #expect(keys.allSatisfy { $0.hasPrefix("search//api/users") && $0.count == "search//api/users".count + 64 })
        #expect(
            middleware.cacheKey(path: "/api/users", query: "b=2&a=1&tag=y&tag=x")
                == keys.first { _ in true }.map { _ in
                    middleware.cacheKey(path: "/api/users", queryItems: [("tag", "x"), ("a", "1"), ("tag", "y"), ("b", "2")])
                })
    }

    @Test func theQueryHashFollowsTheCacheOrTheRouteHashMethod() {
        let sha256 = Middleware(cache: Cache(backend: SimpleCache()), queryString: true)
        let md5Cache = Middleware(cache: Cache(backend: SimpleCache(), configuration: .init(hashMethod: .md5)), queryString: true)
        let md5Route = Middleware(cache: Cache(backend: SimpleCache()), queryString: true, hashMethod: .md5)
        let path = "/search"
        #expect(sha256.cacheKey(path: path, query: "q=swift").count == "view//search".count + 64)
        #expect(md5Cache.cacheKey(path: path, query: "q=swift").count == "view//search".count + 32)
        #expect(md5Route.cacheKey(path: path, query: "q=swift") == md5Cache.cacheKey(path: path, query: "q=swift"))
        #expect(sha256.cacheKey(path: path, query: "q=swift") != sha256.cacheKey(path: path, query: "q=rust"))
    }

    @Test func deleteCachedRemovesExactlyOneQueryVariant() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, queryString: true)
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users?city=paris", method: .get)
            _ = try await client.execute(uri: "/api/users?city=rome", method: .get)
            #expect(try await middleware.deleteCached(path: "/api/users", query: "city=paris"))
            #expect(try await middleware.deleteCached(path: "/api/users", queryItems: [("city", "paris")]) == false)
            _ = try await client.execute(uri: "/api/users?city=paris", method: .get)
            _ = try await client.execute(uri: "/api/users?city=rome", method: .get)
            #expect(calls.value == 3, "only the paris entry was recomputed")
        }
    }

    @Test func deleteCachedByPathWithoutQueryString() async throws {
        let cache = Cache(backend: SimpleCache(), keyPrefix: "flask_cache_")
        let calls = CallCounter()
        let middleware = Middleware(cache: cache)
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            #expect(try await cache.backend.has("flask_cache_view//api/users"))
            #expect(try await middleware.deleteCached(path: "/api/users"))
            _ = try await client.execute(uri: "/api/users", method: .get)
            #expect(calls.value == 2)
        }
    }

    @Test func unlessBypassesTheCacheCompletely() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, unless: { request, _ in request.headers[.authorization] != nil })
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get, headers: [.authorization: "Bearer x"])
            _ = try await client.execute(uri: "/api/users", method: .get, headers: [.authorization: "Bearer x"])
            #expect(calls.value == 2)
            #expect(try await cache.backend.statistics().keys == 0, "nothing was written")
        }
    }

    @Test func forcedUpdateRecomputesAndTheNewValuePersists() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let checks = CallCounter()
        let middleware = Middleware(
            cache: cache,
            forcedUpdate: { request, _ in
                checks.tick()
                return request.headers[.cacheControl] == "no-cache"
            })
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            let forced = try await client.execute(uri: "/api/users", method: .get, headers: [.cacheControl: "no-cache"])
            let after = try await client.execute(uri: "/api/users", method: .get)
            #expect(String(buffer: forced.body) == "users v2 ")
            #expect(String(buffer: after.body) == "users v2 ")
            #expect(calls.value == 2)
            #expect(checks.value == 3, "evaluated exactly once per request")
        }
    }

    @Test func isStaleRunsOnHitsOnly() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let checks = CallCounter()
        let middleware = Middleware(cache: cache, isStale: { _ in checks.tick() == 1 })
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            #expect(checks.value == 0)
            _ = try await client.execute(uri: "/api/users", method: .get)
            _ = try await client.execute(uri: "/api/users", method: .get)
            #expect(calls.value == 2, "the first hit was stale, the second fresh")
            #expect(checks.value == 2)
        }
    }

    @Test func non200ResponsesAreNotCachedByDefault() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let application = app(Middleware(cache: cache), calls: calls) { group in
            group.get("broken") { _, _ -> Response in
                calls.tick()
                return Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "boom")))
            }
            group.get("missing") { _, _ -> Response in
                calls.tick()
                throw HTTPError(.notFound)
            }
        }
        try await application.test(.router) { client in
            for uri in ["/broken", "/broken", "/missing", "/missing"] { _ = try await client.execute(uri: uri, method: .get) }
            #expect(calls.value == 4)
        }
        #expect(try await cache.backend.statistics().keys == 0)
    }

    @Test func aResponseFilterCanAllowOtherStatuses() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, responseFilter: { $0.status.code < 500 })
        let application = app(middleware, calls: calls) { group in
            group.get("gone") { _, _ -> Response in
                calls.tick()
                return Response(status: .gone)
            }
        }
        try await application.test(.router) { client in
            _ = try await client.execute(uri: "/gone", method: .get)
            let second = try await client.execute(uri: "/gone", method: .get)
            #expect(second.status == .gone)
            #expect(calls.value == 1)
        }
    }

    @Test func onlyGetRequestsAreCached() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let application = app(Middleware(cache: cache), calls: calls) { group in
            group.post("api/users") { _, _ in "created \(calls.tick())" }
        }
        try await application.test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .post)
            let second = try await client.execute(uri: "/api/users", method: .post)
            #expect(String(buffer: second.body) == "created 2")
        }
    }

    @Test func entriesExpireAfterTheRouteTimeout() async throws {
        let clock = ManualCacheClock()
        let cache = Cache(backend: SimpleCache(clock: clock), configuration: .init(clock: clock))
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, timeout: 2)
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            clock.advance(by: 1)
            _ = try await client.execute(uri: "/api/users", method: .get)
            #expect(calls.value == 1)
            clock.advance(by: 1)
            let fresh = try await client.execute(uri: "/api/users", method: .get)
            #expect(String(buffer: fresh.body) == "users v2 ")
            middleware.timeout = 100
            #expect(middleware.timeout == 100)
        }
    }

    @Test func aHandlerCanOverrideTheTimeoutForOneResponse() async throws {
        let clock = ManualCacheClock()
        let cache = Cache(backend: SimpleCache(clock: clock), configuration: .init(clock: clock))
        let calls = CallCounter()
        let application = app(Middleware(cache: cache, timeout: 1), calls: calls) { group in
            group.get("report") { _, _ in CachedResponse("report \(calls.tick())", timeout: 60) }
        }
        try await application.test(.router) { client in
            let first = try await client.execute(uri: "/report", method: .get)
            #expect(first.headers[HTTPField.Name("x-cachescope-cache-timeout")!] == nil, "the internal header never leaks")
            clock.advance(by: 30)
            let second = try await client.execute(uri: "/report", method: .get)
            #expect(String(buffer: second.body) == "report 1")
        }
    }

    @Test func hitIndicationMarksHitsOnly() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        try await app(Middleware(cache: cache, responseHitIndication: true), calls: calls).test(.router) { client in
            let miss = try await client.execute(uri: "/api/users", method: .get)
            let hit = try await client.execute(uri: "/api/users", method: .get)
            #expect(miss.headers[Middleware.hitCacheHeader] == nil)
            #expect(hit.headers[Middleware.hitCacheHeader] == "True")
        }
        try await app(Middleware(cache: Cache(backend: SimpleCache())), calls: CallCounter()).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            let hit = try await client.execute(uri: "/api/users", method: .get)
            #expect(hit.headers[Middleware.hitCacheHeader] == nil, "off by default")
        }
    }

    @Test func aFixedPrefixSharesOneEntryAndADynamicPrefixIsEvaluatedPerRequest() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let evaluations = CallCounter()
        let fixed = Middleware(cache: cache, keyPrefix: "all-users")
        let dynamic = Middleware(
            cache: cache,
            keyPrefix: .dynamic { path in
                evaluations.tick()
                return "dyn:\(path)"
            })
        let application = app(fixed, calls: calls) { group in
            group.get("a") { _, _ in "a \(calls.tick())" }
            group.get("b") { _, _ in "b \(calls.tick())" }
        }
        try await application.test(.router) { client in
            _ = try await client.execute(uri: "/a", method: .get)
            let b = try await client.execute(uri: "/b", method: .get)
            #expect(String(buffer: b.body) == "a 1", "a prefix without %s is one key for every path")
        }
        try await app(dynamic, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
            _ = try await client.execute(uri: "/api/users", method: .get)
        }
        #expect(evaluations.value == 2)
        #expect(try await cache.backend.has("dyn:/api/users"))
    }

    @Test func aCustomKeyFunctionIsHonoured() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let middleware = Middleware(cache: cache, makeCacheKey: { request, _ in "lang:" + (request.headers[.acceptLanguage] ?? "en") })
        try await app(middleware, calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get, headers: [.acceptLanguage: "fr"])
            _ = try await client.execute(uri: "/api/users?x=1", method: .get, headers: [.acceptLanguage: "fr"])
            _ = try await client.execute(uri: "/api/users", method: .get, headers: [.acceptLanguage: "de"])
            #expect(calls.value == 2)
        }
        #expect(try await cache.backend.has("lang:fr"))
    }

    @Test func streamedBodiesAreCollectedBeforeStoring() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        let application = app(Middleware(cache: cache), calls: calls) { group in
            group.get("stream") { _, _ -> Response in
                calls.tick()
                let chunks = ["alpha ", "beta ", "gamma"].map { ByteBuffer(string: $0) }
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(contentsOf: chunks))
            }
        }
        try await application.test(.router) { client in
            let first = try await client.execute(uri: "/stream", method: .get)
            let second = try await client.execute(uri: "/stream", method: .get)
            #expect(String(buffer: first.body) == "alpha beta gamma")
            #expect(String(buffer: second.body) == "alpha beta gamma")
            #expect(calls.value == 1)
        }
    }

    @Test func aFailingBackendServesTheRouteUncached() async throws {
        let logs = LogCapture()
        let cache = Cache(backend: UnreachableBackend(), configuration: .init(logger: logs.logger))
        let calls = CallCounter()
        try await app(Middleware(cache: cache), calls: calls).test(.router) { client in
            let first = try await client.execute(uri: "/api/users", method: .get)
            let second = try await client.execute(uri: "/api/users", method: .get)
            #expect(first.status == .ok)
            #expect(String(buffer: second.body) == "users v2 ")
        }
        let group = try #require(cache.statistics.snapshot().group("/api/users", kind: .view))
        #expect(group.errors == 2)
        #expect(logs.messages.filter { $0.text.contains("cached route /api/users failed") }.count == 2)
    }

    @Test func oneCacheServesSeveralRouters() async throws {
        let cache = Cache(backend: SimpleCache())
        let calls = CallCounter()
        try await app(Middleware(cache: cache), calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
        }
        try await app(Middleware(cache: cache), calls: calls).test(.router) { client in
            _ = try await client.execute(uri: "/api/users", method: .get)
        }
        #expect(calls.value == 1, "the second application was served from the shared cache")
    }

    @Test func viewEventsCarryTheKeyAndQuery() async throws {
        let events = Mutex<[CacheEvent]>([])
        let cache = Cache(backend: SimpleCache(), configuration: .init(eventHandler: { event in events.withLock { $0.append(event) } }))
        try await app(Middleware(cache: cache, group: "users"), calls: CallCounter()).test(.router) { client in
            _ = try await client.execute(uri: "/api/users?page=2", method: .get)
            _ = try await client.execute(uri: "/api/users?page=2", method: .get)
        }
        let seen = events.withLock { $0 }
        #expect(seen.map(\.outcome) == [.miss, .hit])
        #expect(seen.allSatisfy { $0.kind == .view && $0.group == "users" && $0.key == "view//api/users" && $0.arguments == "page=2" })
    }
}
