import Caching
import DemoApp
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every tutorial route of the demo, through Hummingbird's test client: misses run the work (and take its
/// time), hits do not, invalidation touches exactly what it should.
@Suite struct DemoRoutesTests {
    func demo(delays: DemoDelays = .none, backend: SimpleCache = SimpleCache()) -> DemoApp {
        DemoApp(cache: Cache(backend: backend, configuration: .init(keyPrefix: DemoApp.keyPrefix)), delays: delays)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func helloIsCachedWithCacheControlAndExpires() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            let first = try await client.execute(uri: "/", method: .get)
            #expect(String(buffer: first.body) == "Hello, World!")
            #expect(first.headers[.cacheControl] == "public, max-age=300")
            let expires = try #require(first.headers[.expires])
            #expect(expires.hasSuffix(" GMT"))
            let second = try await client.execute(uri: "/", method: .get)
            #expect(second.headers[.cacheControl] == "public, max-age=300")
        }
        #expect(try await demo.cache.backend.has(DemoApp.keyPrefix + "view//"), "the view key lives under the demo's prefix")
    }

    @Test func theUserListMissesOnceWithItsDelayThenHits() async throws {
        let demo = demo(delays: DemoDelays(usersQuery: .milliseconds(120)))
        try await Application(router: demo.router()).test(.router) { client in
            let clock = ContinuousClock()
            let started = clock.now
            let first = try await client.execute(uri: "/api/users", method: .get)
            let missTime = clock.now - started
            let second = try await client.execute(uri: "/api/users", method: .get)
            #expect(first.status == .ok)
            #expect(String(buffer: first.body) == String(buffer: second.body))
            // A lower bound only: how fast the hit is belongs in the benchmark, not in a test.
            #expect(missTime >= .milliseconds(120), "the miss ran the query, with its delay")
        }
        #expect(await demo.database.queries == 1, "the second request did not reach the database")
    }

    @Test func usersAreCachedByHandUnderUserID() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            let first = try json(try await client.execute(uri: "/api/users/7", method: .get))
            _ = try await client.execute(uri: "/api/users/7", method: .get)
            #expect(first["age"] as? Int == 25)
            #expect(try await client.execute(uri: "/api/users/999999", method: .get).status == .notFound)
        }
        #expect(await demo.database.queries == 2, "one query for user 7, one for the missing user")
        #expect(try await demo.cache.backend.has(DemoApp.keyPrefix + "user_7"))
    }

    @Test func updateInvalidatesExactlyThatUser() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            _ = try await client.execute(uri: "/api/users/7", method: .get)
            _ = try await client.execute(uri: "/api/users/8", method: .get)
            let update = try json(try await client.execute(uri: "/api/users/7/update", method: .get))
            #expect(update["invalidated"] as? Bool == true)
            #expect(update["keyExisted"] as? Bool == true)
            let fresh = try json(try await client.execute(uri: "/api/users/7", method: .get))
            #expect(fresh["version"] as? Int == 1, "the next read sees the update")
        }
        #expect(try await demo.cache.backend.has(DemoApp.keyPrefix + "user_8"), "other users stay cached")
    }

    @Test func conditionalInvalidationFollowsTheAgeRule() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            // user 3 is 21, user 10 is 28.
            _ = try await client.execute(uri: "/api/users/3", method: .get)
            _ = try await client.execute(uri: "/api/users/10", method: .get)
            let young = try json(try await client.execute(uri: "/api/users/3/update?conditional=1", method: .get))
            let old = try json(try await client.execute(uri: "/api/users/10/update?conditional=1", method: .get))
            #expect(young["invalidated"] as? Bool == false && young["age"] as? Int == 21)
            #expect(old["invalidated"] as? Bool == true && old["age"] as? Int == 28)
        }
        #expect(try await demo.cache.backend.has(DemoApp.keyPrefix + "user_3"))
        #expect(try await !demo.cache.backend.has(DemoApp.keyPrefix + "user_10"))
    }

    @Test func queryStringVariantsAreDistinctKeys() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            let paris = try json(try await client.execute(uri: "/api/weather?city=Paris", method: .get))
            _ = try await client.execute(uri: "/api/weather?city=Oslo", method: .get)
            let again = try json(try await client.execute(uri: "/api/weather?city=Paris", method: .get))
            #expect(paris["city"] as? String == "Paris")
            #expect(again["temperatureC"] as? Int == paris["temperatureC"] as? Int)
        }
        #expect(await demo.upstream.calls == 2, "Paris twice is one call; Oslo is another")
    }

    @Test func expensiveIsMemoizedPerArgument() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            let first = try json(try await client.execute(uri: "/expensive/1000", method: .get))
            _ = try await client.execute(uri: "/expensive/1000", method: .get)
            _ = try await client.execute(uri: "/expensive/10", method: .get)
            #expect(first["sumOfSquares"] as? Int == 332_833_500)
            #expect(try await client.execute(uri: "/expensive/-1", method: .get).status == .badRequest)
        }
        let counters = try #require(demo.cache.statistics.snapshot().groups.first { $0.name.contains("expensive") })
        #expect(counters.hits == 1 && counters.misses == 2)
    }

    @Test func clearingTheDemoLeavesOtherKeysAlone() async throws {
        let shared = SimpleCache()
        try await shared.set("someone_else:1", CacheValue(format: .text, bytes: Array("keep".utf8)), timeout: .never)
        let demo = demo(backend: shared)
        try await Application(router: demo.router()).test(.router) { client in
            _ = try await client.execute(uri: "/api/users/7", method: .get)
            _ = try await client.execute(uri: "/", method: .get)
            let cleared = try await client.execute(uri: "/api/invalidate_cache", method: .get)
            #expect(cleared.status == .ok)
        }
        #expect(try await shared.has("someone_else:1"), "a key outside the demo's prefix survives its clear")
        #expect(try await !shared.has(DemoApp.keyPrefix + "user_7"))
        #expect(try await !shared.has(DemoApp.keyPrefix + "view//"))
    }

    @Test func twoBackendsDoTheSameWork() async throws {
        let single = demo()
        try await Application(router: single.router()).test(.router) { client in
            let first = try json(try await client.execute(uri: "/simplecache", method: .get))
            let second = try json(try await client.execute(uri: "/simplecache", method: .get))
            #expect(first["cached"] as? Bool == false && second["cached"] as? Bool == true)
            let redis = try await client.execute(uri: "/redis", method: .get)
            #expect(redis.status == .serviceUnavailable, "without a Redis the route says how to get one")
        }
        let redis = SimpleCache()
        let memcached = SimpleCache()
        let all = DemoApp(
            cache: DemoApp.cache(on: SimpleCache()), redisCache: DemoApp.cache(on: redis), memcachedCache: DemoApp.cache(on: memcached), delays: .none
        )
        #expect(all.availableRoutes.contains(.redis) && all.availableRoutes.contains(.memcached))
        #expect(!single.availableRoutes.contains(.redis) && !single.availableRoutes.contains(.memcached))
        try await Application(router: all.router()).test(.router) { client in
            for backend in ["redis", "memcached"] {
                let first = try json(try await client.execute(uri: "/\(backend)", method: .get))
                let second = try json(try await client.execute(uri: "/\(backend)", method: .get))
                #expect(first["backend"] as? String == backend && first["cached"] as? Bool == false)
                #expect(second["cached"] as? Bool == true, "/\(backend) is served from its own backend the second time")
            }
        }
        #expect(
            try await redis.has(DemoApp.keyPrefix + "report") && memcached.has(DemoApp.keyPrefix + "report"),
            "each route writes to its backend, under the demo prefix")
        #expect(try await all.clearAll() == 2, "the clear covers every backend the demo uses")
    }

    @Test func cachedRoutesSayHitOrMissInXCache() async throws {
        let demo = demo()
        try await Application(router: demo.router()).test(.router) { client in
            for target in ["/", "/api/users", "/api/users/3", "/api/weather?city=Oslo", "/expensive/10", "/simplecache"] {
                let first = try await client.execute(uri: target, method: .get)
                let second = try await client.execute(uri: target, method: .get)
                #expect(first.headers[HTTPField.Name("X-Cache")!] == "MISS", "\(target) first")
                #expect(second.headers[HTTPField.Name("X-Cache")!] == "HIT", "\(target) second")
            }
            let uncached = try await client.execute(uri: "/static", method: .get)
            #expect(uncached.headers[HTTPField.Name("X-Cache")!] == nil)
        }
        let counted = demo.counters.snapshot()
        #expect(counted[.user] == DemoRouteCount(requests: 2, hits: 1, misses: 1))
        #expect(counted[.uncached] == DemoRouteCount(requests: 1, hits: 0, misses: 0))
    }

    @Test func headAnswersLikeGetWithoutTheBody() async throws {
        let demo = demo()
        try await Application(responder: demo.responder()).test(.router) { client in
            _ = try await client.execute(uri: "/", method: .get)
            let head = try await client.execute(uri: "/", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.cacheControl] == "public, max-age=300")
            #expect(head.headers[HTTPField.Name("X-Cache")!] == "HIT")
            #expect(head.body.readableBytes == 0)
            #expect(try await client.execute(uri: "/static", method: .head).status == .ok)
        }
    }
}
