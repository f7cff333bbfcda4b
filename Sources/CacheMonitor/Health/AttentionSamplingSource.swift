/// What an attention reading found: the servers read (only what the attention rules need) and those that
/// could not be.
package struct AttentionReading: Sendable {
    package var servers: [ServerHealth]
    package var missing: [KeyspaceCensus.MissingNode]

    package init(servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        self.servers = servers
        self.missing = missing
    }
}

/// Port of the attention rules for fleets: a health source whose sample can carry the attention reading in
/// the same round trip (the sample already reads the server's memory and counters). A fleet reads attention
/// every few seconds per backend; a round trip of its own per reading costs more than the reading, so the
/// poller asks a source that conforms for both at once when the reading is due, and reads separately only
/// for the health screen.
package protocol AttentionSamplingSource: HealthSource {
    /// A sample, and the attention-scope health of the backend's servers (or why it could not be read).
    /// - Throws: what ``CacheSource/sample()`` throws.
    func sampleWithAttention() async throws -> (sample: SourceSample, attention: Result<AttentionReading, any Error>)
}
