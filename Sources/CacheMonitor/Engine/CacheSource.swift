/// One backend the monitor watches — a Redis server, a memcached server or pool, an in-process cache.
///
/// Sampling uses stats commands only (`INFO`, `stats`), so watching never moves the counters it shows;
/// browsing keys (details, previews) is counted in the sample's `ownReadHits`/`ownReadMisses`.
package protocol CacheSource: KeyDeletionSource {
    /// What it is now (a `redis://` URL becomes `redisCluster` once the server says it is a cluster node).
    var kind: BackendKind { get }
    /// How the connection is secured.
    var tls: TLSState { get }
    /// What can be done with it besides sampling (everything, unless it says otherwise).
    var capabilities: BackendCapabilities { get }
    /// Connects for reading: where the backend is several servers, one that answers is enough (what reads
    /// them reports the others missing).
    func connectForReading() async throws
    /// Reads the backend's counters now.
    /// - Throws: the backend's error; an authentication failure is reported as ``BackendStatus/authFailed``.
    func sample() async throws -> SourceSample
    /// Whether `error` (thrown by this source) means the credentials were refused.
    func isAuthenticationFailure(_ error: any Error) -> Bool
    /// Lists the keys `filter` accepts, handing them to `body` a batch at a time as they are found (memory
    /// stays flat however many there are), at most `limit` in all; `body` returns `false` to stop early.
    /// Lookups this causes on the server are counted as own reads.
    /// - Returns: whether more matching keys exist beyond `limit`.
    func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool
    /// Type, TTL, size, encoding and a bounded preview of one key (its first `maxBytes` bytes or first items),
    /// read now; `nil` when the key is gone. Counted as own reads. `kindPrefix` is the application's key
    /// prefix, for labelling.
    func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails?
    /// Reads keys for a keyspace analysis — every key, or about `limit` of them (a fair sample) where reading
    /// all would take long — handing them to `body` a batch at a time (memory stays flat); `progress` sees how
    /// many were read and returns `false` to stop. The lookups this causes are counted as own reads.
    /// - Returns: how many keys the backend holds (what a sample is scaled to), and what is known.
    func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus
    /// Sets `key` to expire in `milliseconds` (whole seconds where the backend counts in seconds), or with
    /// `nil` removes its expiry so it never expires.
    /// - Returns: whether the key existed.
    func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool
    /// What a traffic sample here needs before it starts (settings to change, what it cannot measure),
    /// learned without changing anything.
    /// - Throws: when the backend cannot be sampled at all (one line).
    func trafficPreflight() async throws -> TrafficPreflight
    /// Listens to the backend's traffic, counting it into `recorder`, while `listen` runs (it returns when the
    /// time is up, on a stop, or once ``TrafficRecorder/endStreams()`` was called); then closes the streams
    /// and puts back every setting changed for them — also when `listen` ends early or a stream fails.
    /// - Throws: when no stream could be started (one line); nothing is left changed.
    func sampleTraffic(_ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void) async throws -> TrafficStreamsEnding
    /// The health of each server (a cluster's every node, a pool's every server), every view or only what
    /// the attention rules need; servers that cannot be reached are missing.
    /// - Throws: when no server can be read, or the backend has no server (in process).
    func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode])
    /// The commands the monitor sent to the server at `address` so far, by their `INFO commandstats` names
    /// (empty where the server counts no commands per name).
    func ownCommandCounts(on address: String) -> [String: UInt64]
    /// Closes one client connection of a server (`CLIENT KILL ID`), after checking it is not one of
    /// cachescope's own.
    /// - Returns: whether it was still connected.
    func killClient(_ client: ClientToKill) async throws -> Bool
}

extension CacheSource {
    package func connectForReading() async throws { try await connect() }

    package func isAuthenticationFailure(_ error: any Error) -> Bool { false }
    package var tls: TLSState { .plain }
    package var capabilities: BackendCapabilities { .all }

    package func trafficPreflight() async throws -> TrafficPreflight {
        throw TrafficUnavailable("\(kind.rawValue) backends cannot be sampled for traffic")
    }

    package func sampleTraffic(
        _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws
        -> TrafficStreamsEnding
    {
        throw TrafficUnavailable("\(kind.rawValue) backends cannot be sampled for traffic")
    }
}

extension CacheSource {
    package func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        throw TrafficUnavailable("\(kind.rawValue) backends have no server whose health could be read")
    }

    package func ownCommandCounts(on address: String) -> [String: UInt64] { [:] }

    package func killClient(_ client: ClientToKill) async throws -> Bool {
        throw TrafficUnavailable("\(kind.rawValue) backends have no clients to close")
    }

    /// Every view of every server.
    package func readHealth() async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        try await readHealth(.full)
    }

    /// Whether the backend has servers whose health can be read.
    package var hasServerHealth: Bool { kind != .inProcess }
}

/// A backend that cannot be sampled for traffic, and why (one line).
package struct TrafficUnavailable: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
