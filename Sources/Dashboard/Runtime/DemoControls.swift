/// What the dashboard can ask of the embedded demo (its traffic and its cache), when one runs.
package protocol DemoControls: Sendable {
    /// Runs a traffic command and says what it did.
    func perform(_ command: TrafficCommand) async -> DemoActionResult
    /// Clears the demo's own keys; returns how many were removed.
    func clearCache() async throws -> Int
    /// The routes panel's figures now.
    func traffic() async -> DemoTraffic
}
