/// Port of the traffic insights (`w`, `cachescope traffic`): a backend whose reads, misses and writes per
/// key can be sampled for a while.
package protocol TrafficSource: CacheSource {
    /// What a sample costs: `free` where the figures are read back from a log at once (an in-process cache),
    /// so they may be read again and again (the insights follow them live, `serve` exports them).
    var trafficCost: TrafficCost { get }
    /// What a traffic sample here needs before it starts (settings to change, how it would measure), learned
    /// without changing anything; what it runs is this plan.
    /// - Throws: when the backend cannot be sampled at all (one line).
    func trafficPreflight() async throws -> TrafficPreflight
    /// Listens to the backend's traffic as `plan` says (from ``trafficPreflight()``), counting it into
    /// `recorder`, while `listen` runs (it returns when the time is up, on a stop, or once
    /// ``TrafficRecorder/endStreams()`` was called); then closes the streams and puts back every setting
    /// changed for them — also when `listen` ends early or a stream fails.
    /// - Throws: when no stream could be started (one line); nothing is left changed.
    func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding
}

/// What sampling a backend's traffic costs it.
package enum TrafficCost: Sendable, Hashable {
    /// Nothing: the backend keeps a log of its key operations, read back at once.
    case free
    /// The server streams its commands to us while we listen (`MONITOR`, memcached's `watch`).
    case listening
}
