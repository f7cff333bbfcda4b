import Basics

/// What the routes panel shows about the embedded demo: where it serves, its traffic, and per route what
/// caching buys (latency of a hit against a miss).
package struct DemoTraffic: Sendable, Hashable {
    /// One route of the demo app.
    package struct Route: Sendable, Hashable {
        /// `/api/users/{id}`.
        package var path: String
        /// The tutorial section it shows.
        package var section: String
        /// Requests per second over the last few seconds; `nil` before there are two readings.
        package var requestsPerSecond: Double?
        /// Hits / (hits + misses) over the last few seconds; `nil` when the route is not cached or idle.
        package var hitRatio: Double?
        /// Median latency (seconds) of answers from the cache, and of answers computed afresh.
        package var hitP50: Double?
        package var missP50: Double?
        /// Failed requests since the start.
        package var errors: Int
        /// Whether answers come from a cache at all.
        package var isCached: Bool

        package init(
            path: String, section: String, requestsPerSecond: Double?, hitRatio: Double?, hitP50: Double?, missP50: Double?, errors: Int,
            isCached: Bool
        ) {
            self.path = path
            self.section = section
            self.requestsPerSecond = requestsPerSecond
            self.hitRatio = hitRatio
            self.hitP50 = hitP50
            self.missP50 = missP50
            self.errors = errors
            self.isCached = isCached
        }
    }

    /// `http://127.0.0.1:5000`.
    package var url: String
    /// The generator's target rate (requests per second); 0 when it sends nothing.
    package var rate: Double
    package var paused: Bool
    package var routes: [Route]

    package init(url: String, rate: Double, paused: Bool, routes: [Route]) {
        self.url = url
        self.rate = rate
        self.paused = paused
        self.routes = routes
    }

    /// `50 req/s`, `paused`, `no traffic (--rate 0)`.
    package var trafficText: String {
        if paused { return "traffic paused (p resumes)" }
        if rate <= 0 { return "no traffic (+ starts it)" }
        return "\(HumanUnits.rate(rate)) req/s"
    }
}
