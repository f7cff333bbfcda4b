import Caching
import CachingHummingbird
import Foundation
import Hummingbird
import Synchronization

/// The demo's routes, one per tutorial section.
struct DemoRoutes: Sendable {
    let demo: DemoApp

    /// Set while a request calls the memoized function; the function marks it when it really runs (a miss).
    @TaskLocal static var computation: ComputationProbe?

    /// The memoized computation of "Caching Expensive Functions".
    var expensive: Memoized<Int, ExpensiveResult> {
        let delay = demo.delays.computation
        return demo.cache.memoize("expensive", timeout: 300) { (n: Int) async throws -> ExpensiveResult in
            Self.computation?.ran.store(true, ordering: .relaxed)
            try await Task.sleep(for: delay)
            var sum: UInt64 = 0
            for value in 0..<UInt64(max(0, min(n, 1_000_000))) { sum &+= value &* value }
            return ExpensiveResult(n: n, sumOfSquares: sum)
        }
    }

    func add<Context: RequestContext>(to router: Router<Context>) {
        let cache = demo.cache
        let database = demo.database
        let upstream = demo.upstream
        router.add(middleware: DemoRouteRecorder<Context>(counters: demo.counters))

        // "Adding Caching" + "Setting cache control headers": a cached hello with Cache-Control and Expires.
        let hello = router.group().add(middleware: CachedResponseMiddleware<Context>(cache: cache, timeout: 300, responseHitIndication: true))
        hello.get("/") { _, _ -> Response in
            var response = Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "Hello, World!")))
            response.setCacheHeaders(maxAge: 300, visibility: .public)
            return response
        }

        // "Caching Database Queries": the whole list, cached as a view.
        router.group().add(middleware: CachedResponseMiddleware<Context>(cache: cache, timeout: 300, responseHitIndication: true)).get("api/users") {
            _, _ in
            try await database.allUsers()
        }

        // "Manual invalidation": get/set of user_{id} by hand.
        router.get("api/users/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int.self)
            if let cached = try await cache.get("user_\(id)", as: DemoUser.self, group: "user_{id}") {
                return try Self.json(cached, outcome: .hit)
            }
            guard let user = try await database.user(id) else { throw HTTPError(.notFound, message: "no user \(id)") }
            _ = try await cache.set("user_\(id)", user, timeout: 300)
            return try Self.json(user, outcome: .miss)
        }
        router.get("api/users/:id/update") { request, context -> Response in
            let id = try context.parameters.require("id", as: Int.self)
            guard let user = await database.update(id) else { throw HTTPError(.notFound, message: "no user \(id)") }
            // "Conditional invalidation": with ?conditional=1 only users aged 25 or more are invalidated.
            let conditional = request.uri.queryParameters.get("conditional") == "1"
            let invalidate = !conditional || user.age >= 25
            let deleted = invalidate ? try await cache.delete("user_\(id)") : false
            return try Self.json(DemoUpdateResult(id: id, age: user.age, version: user.version, invalidated: invalidate, keyExisted: deleted))
        }

        // "Cache Invalidation": clear the demo's keys (its prefix only).
        router.get("api/invalidate_cache") { _, _ -> Response in
            let cleared = try await cache.clear()
            return try Self.json(["cleared": cleared])
        }

        // "Caching API Responses": the query string is part of the key.
        router.group().add(middleware: CachedResponseMiddleware<Context>(cache: cache, timeout: 300, queryString: true, responseHitIndication: true))
            .get("api/weather") { request, _ in
                let city = request.uri.queryParameters.get("city") ?? "London"
                return try await upstream.weather(city: city)
            }

        // "Caching Expensive Functions": memoize.
        let expensive = expensive
        router.get("expensive/:n") { _, context -> Response in
            let n = try context.parameters.require("n", as: Int.self)
            guard (0...1_000_000).contains(n) else { throw HTTPError(.badRequest, message: "n must be 0…1000000") }
            let probe = ComputationProbe()
            let result = try await Self.$computation.withValue(probe) { try await expensive(n) }
            return try Self.json(result, outcome: probe.ran.load(ordering: .relaxed) ? .miss : .hit)
        }

        // "Using multiple cache backends": the same work on two backends.
        let report = { @Sendable () async throws -> Report in
            try await Task.sleep(for: demo.delays.computation)
            return Report(generatedAt: Date().timeIntervalSince1970, users: database.count)
        }
        router.get("simplecache") { _, _ -> Response in
            try Self.reportResponse(try await Self.cachedReport(on: cache, backend: "simplecache", report))
        }
        for (backend, second, flag) in [
            ("redis", demo.redisCache, "--redis redis://HOST:PORT"), ("memcached", demo.memcachedCache, "--memcached HOST:PORT"),
        ] {
            router.get(RouterPath(backend)) { _, _ -> Response in
                guard let second else {
                    throw HTTPError(.serviceUnavailable, message: "no \(backend) behind the demo: run cachescope --demo \(flag)")
                }
                return try Self.reportResponse(try await Self.cachedReport(on: second, backend: backend, report))
            }
        }

        // Not cached: the baseline the benchmark compares cached hits with.
        router.get("static") { _, _ in "Hello, World!" }
    }

    static func cachedReport(on cache: Cache, backend: String, _ make: @Sendable () async throws -> Report) async throws -> BackendReport {
        if let cached = try await cache.get("report", as: Report.self, group: "report") {
            return BackendReport(backend: backend, cached: true, report: cached)
        }
        let fresh = try await make()
        _ = try await cache.set("report", fresh, timeout: 60)
        return BackendReport(backend: backend, cached: false, report: fresh)
    }

    static func reportResponse(_ report: BackendReport) throws -> Response {
        try json(report, outcome: report.cached ? .hit : .miss)
    }

    static func json(_ value: some Encodable, outcome: CacheOutcome = .none) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/json"]
        if outcome != .none { headers[DemoHeaders.outcome] = outcome.rawValue }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}

/// Marked by the memoized function when its body runs, so the route can tell a miss from a hit.
final class ComputationProbe: Sendable {
    let ran = Atomic<Bool>(false)
}

struct ExpensiveResult: Codable, Sendable, ResponseEncodable {
    var n: Int
    var sumOfSquares: UInt64
}

/// What `/api/users/{id}/update` answers.
package struct DemoUpdateResult: Codable, Sendable {
    package var id: Int
    package var age: Int
    package var version: Int
    /// Whether `user_{id}` was deleted (always, unless `?conditional=1` and the user is under 25).
    package var invalidated: Bool
    /// Whether the key was in the cache when it was deleted.
    package var keyExisted: Bool
}

struct Report: Codable, Sendable {
    var generatedAt: Double
    var users: Int
}

struct BackendReport: Codable, Sendable {
    var backend: String
    var cached: Bool
    var report: Report
}

extension DemoUser: ResponseEncodable {}
extension DemoWeather: ResponseEncodable {}
