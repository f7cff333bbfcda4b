/// One request the generator sends.
package struct TrafficRequest: Sendable, Hashable {
    package var route: DemoRoute
    /// Path and query, such as `/api/users/7` or `/api/weather?city=Oslo`.
    package var target: String
}

/// What the virtual clients ask for: a weighted mix of the demo's routes, with Zipf-distributed users,
/// cities and inputs (hot keys hit, cold ones miss), a few updates (invalidations) and, every
/// `clearEvery` requests, one clear of the whole demo cache.
package struct TrafficMix: Sendable {
    /// Relative weights of the routes sent (routes not listed, or not served, are not sent).
    package var weights: [DemoRoute: Int]
    /// Every this many requests, one is `/api/invalidate_cache` (0 = never).
    package var clearEvery: Int
    private let users: ZipfSampler
    private let cities: ZipfSampler
    private let inputs: ZipfSampler
    private let routes: [DemoRoute]
    private let cumulative: [Int]

    package static let defaultWeights: [DemoRoute: Int] = [
        .hello: 10, .users: 8, .user: 40, .update: 2, .weather: 12, .expensive: 10,
        .simplecache: 4, .redis: 4, .memcached: 4, .uncached: 4,
    ]

    /// The cities the weather route is asked about (the first ones most often).
    package static let cities = [
        "London", "Paris", "Tokyo", "New York", "Berlin", "Madrid", "Rome", "Oslo", "Lisbon", "Vienna",
        "Prague", "Dublin", "Sydney", "Toronto", "Seoul", "Cairo", "Lima", "Nairobi", "Mumbai", "São Paulo",
    ]

    /// - Parameters:
    ///   - available: the routes the app serves (`/redis` needs a Redis behind the demo).
    ///   - users: how many users the database holds (ids 1…users).
    package init(available: [DemoRoute], users: Int, weights: [DemoRoute: Int] = Self.defaultWeights, clearEvery: Int = 3_000) {
        self.weights = weights
        self.clearEvery = max(0, clearEvery)
        self.users = ZipfSampler(count: users, exponent: 1.0)
        cities = ZipfSampler(count: Self.cities.count, exponent: 1.0)
        inputs = ZipfSampler(count: 100, exponent: 1.0)
        routes = available.filter { (weights[$0] ?? 0) > 0 && $0 != .invalidate }
        var total = 0
        cumulative = routes.map { route in
            total += weights[route] ?? 0
            return total
        }
    }

    /// The request numbered `number` (1, 2, …) of a run.
    package func request(number: Int, using generator: inout some RandomNumberGenerator) -> TrafficRequest {
        if clearEvery > 0, number % clearEvery == 0 {
            return TrafficRequest(route: .invalidate, target: "/api/invalidate_cache")
        }
        guard let total = cumulative.last, total > 0 else {
            return TrafficRequest(route: .uncached, target: "/static")
        }
        let draw = Int.random(in: 0..<total, using: &generator)
        let route = routes[cumulative.firstIndex { draw < $0 } ?? 0]
        return TrafficRequest(route: route, target: target(for: route, using: &generator))
    }

    private func target(for route: DemoRoute, using generator: inout some RandomNumberGenerator) -> String {
        switch route {
        case .user:
            return "/api/users/\(users.next(using: &generator))"
        case .update:
            let conditional = Bool.random(using: &generator) ? "?conditional=1" : ""
            return "/api/users/\(users.next(using: &generator))/update\(conditional)"
        case .weather:
            let city = Self.cities[cities.next(using: &generator) - 1]
            return "/api/weather?city=\(city.addingPercentEncodingForQuery)"
        case .expensive:
            return "/expensive/\(inputs.next(using: &generator) * 10_000)"
        case .uncached:
            return "/static"
        default:
            return route.template
        }
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters (RFC 3986), so any city name is a valid query.
    fileprivate var addingPercentEncodingForQuery: String {
        var encoded = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return encoded
    }
}

extension String {
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}
