/// What the dashboard can ask of the embedded demo (its traffic and its cache), when one runs.
public protocol DemoControls: Sendable {
    /// Runs a traffic command; returns the line to show (`traffic paused`, `50 req/s`).
    func perform(_ command: TrafficCommand) async -> String
    /// Clears the demo's own keys; returns how many were removed.
    func clearCache() async throws -> Int
    /// The routes panel's figures now.
    func traffic() async -> DemoTraffic
}
