/// The demo's routes, one per section of the Flask-Caching tutorial, in the tutorial's order. One table
/// serves the router's counters, the traffic generator, the routes panel and the README.
package enum DemoRoute: String, CaseIterable, Sendable, Hashable, Comparable {
    case hello = "/"
    case users = "/api/users"
    case user = "/api/users/{id}"
    case update = "/api/users/{id}/update"
    case invalidate = "/api/invalidate_cache"
    case weather = "/api/weather"
    case expensive = "/expensive/{n}"
    case simplecache = "/simplecache"
    case redis = "/redis"
    case memcached = "/memcached"
    case uncached = "/static"

    /// The route's path template, as Hummingbird names the endpoint (`/api/users/{id}`).
    package var template: String { rawValue }

    /// Whether answers come from a cache (and so count as hits or misses).
    package var isCached: Bool {
        switch self {
        case .update, .invalidate, .uncached: false
        default: true
        }
    }

    /// The tutorial section the route shows.
    package var section: String {
        switch self {
        case .hello: "Adding Caching · Setting cache control headers"
        case .users: "Caching Database Queries"
        case .user: "Manual invalidation"
        case .update: "Manual and conditional invalidation"
        case .invalidate: "Cache Invalidation"
        case .weather: "Caching API Responses"
        case .expensive: "Caching Expensive Functions"
        case .simplecache, .redis, .memcached: "Using multiple cache backends"
        case .uncached: "(baseline: not cached)"
        }
    }

    /// The route an endpoint path names (`/api/users/{id}`, with or without the leading slash).
    package init?(endpointPath: String) {
        let path = endpointPath.hasPrefix("/") ? endpointPath : "/" + endpointPath
        self.init(rawValue: path)
    }

    /// The route a request target (`/api/users/7/update?conditional=1`) goes to.
    package static func matching(target: String) -> DemoRoute? {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return allCases.first { route in
            let pattern = route.template.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == parts.count else { return false }
            return zip(pattern, parts).allSatisfy { expected, actual in expected.hasPrefix("{") || expected == actual }
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Whether an answer came from the cache: the demo puts it in an `X-Cache` header (`HIT` or `MISS`) on
/// every cached route, so any HTTP client (the traffic generator, curl, wrk scripts) can tell.
package enum CacheOutcome: String, Sendable, Hashable {
    case hit = "HIT"
    case miss = "MISS"
    /// The route is not cached, or failed.
    case none = ""

    /// The response header carrying the outcome.
    package static let headerName = "X-Cache"
}
