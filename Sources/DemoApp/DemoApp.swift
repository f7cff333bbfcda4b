import Caching
import CachingHummingbird
import Foundation
import Hummingbird

/// The tutorial as a web app: one route per section of the Flask-Caching tutorial, on loopback, backed by
/// a fake database and a fake upstream API with real delays — so caching shows up as time saved.
///
/// ```swift
/// let demo = DemoApp(cache: Cache(backend: SimpleCache(), configuration: .init(keyPrefix: DemoApp.keyPrefix)))
/// let app = Application(router: demo.router(), configuration: .init(address: .hostname("127.0.0.1", port: 5000)))
/// ```
/// Everything the demo writes sits under ``keyPrefix`` (the `Cache`'s key prefix); its clear removes that
/// prefix only, so pointing it at a shared Redis or memcached never touches anyone else's keys.
package struct DemoApp: Sendable {
    /// The key prefix of every key the demo writes.
    package static let keyPrefix = "cachescope_demo:"

    /// The main cache (the tutorial's SimpleCache, or Redis/memcached with `--demo`).
    package let cache: Cache
    /// The Redis of the "multiple backends" section (`/redis`); `nil` without one.
    package let redisCache: Cache?
    /// The memcached of the "multiple backends" section (`/memcached`); `nil` without one.
    package let memcachedCache: Cache?
    /// What the app counted per route (requests, hits, misses).
    package let counters = DemoRouteCounters()
    package let database: DemoDatabase
    package let upstream: DemoUpstream
    package let delays: DemoDelays

    package init(cache: Cache, redisCache: Cache? = nil, memcachedCache: Cache? = nil, delays: DemoDelays = DemoDelays(), users: Int = 1_000) {
        self.cache = cache
        self.redisCache = redisCache
        self.memcachedCache = memcachedCache
        self.delays = delays
        database = DemoDatabase(count: users, delays: delays)
        upstream = DemoUpstream(delay: delays.upstream)
    }

    /// A cache on `backend` under the demo's key prefix (so its clear touches the demo's keys only).
    package static func cache(on backend: any CacheBackend) -> Cache {
        Cache(backend: backend, configuration: .init(keyPrefix: keyPrefix))
    }

    /// Removes the demo's keys (under ``keyPrefix`` only) from every cache it uses; returns how many.
    package func clearAll() async throws -> Int {
        var removed = 0
        for cache in [cache, redisCache, memcachedCache].compactMap({ $0 }) {
            removed += try await cache.backend.clear(prefix: Self.keyPrefix)
        }
        return removed
    }

    /// The routes this app can answer (`/redis` and `/memcached` only with their backend).
    package var availableRoutes: [DemoRoute] {
        DemoRoute.allCases.filter { route in
            switch route {
            case .redis: redisCache != nil
            case .memcached: memcachedCache != nil
            default: true
            }
        }
    }

    /// What the server runs: the routes, with `HEAD` answered like `GET` (without the body).
    package func responder<Context: RequestContext>(context: Context.Type = BasicRequestContext.self) -> some HTTPResponder<Context> {
        HeadAsGetResponder(wrapped: router(context: Context.self).buildResponder())
    }

    /// The routes, in the tutorial's order.
    package func router<Context: RequestContext>(context: Context.Type = BasicRequestContext.self) -> Router<Context> {
        let router = Router(context: Context.self)
        DemoRoutes(demo: self).add(to: router)
        return router
    }
}
