/// The tutorial's "upstream API": weather per city, deterministic, after a real delay. Counts its calls.
package actor DemoUpstream {
    /// How many requests reached the "API".
    package private(set) var calls = 0
    private let delay: Duration

    package init(delay: Duration = .milliseconds(100)) {
        self.delay = delay
    }

    /// One city's weather.
    package func weather(city: String) async throws -> DemoWeather {
        calls += 1
        try await Task.sleep(for: delay)
        let seed = city.lowercased().unicodeScalars.reduce(7) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF }
        let conditions = ["sunny", "cloudy", "rain", "wind", "fog", "snow"]
        return DemoWeather(city: city, temperatureC: seed % 35 - 5, conditions: conditions[seed % conditions.count])
    }
}

/// What the upstream API answers.
package struct DemoWeather: Codable, Sendable, Hashable {
    package var city: String
    package var temperatureC: Int
    package var conditions: String
}
