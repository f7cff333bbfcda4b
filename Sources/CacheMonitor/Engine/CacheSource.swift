import ConnectionSupport

/// One backend the monitor watches — a Redis server, a memcached server or pool, an in-process cache: its
/// identity, its connection and its counters. Everything else a backend can do is a port of its own,
/// declared beside the feature that needs it and conformed to in the backend's own file (`extension
/// RedisSource: TrafficSource`): ``KeyBrowsingSource``, ``KeyDeletionSource``, ``KeyExpirySource``,
/// ``KeyspaceSource``, ``TrafficSource``, ``HealthSource``, ``ClientControlSource``, ``MetricsSource``.
/// ``MonitoredBackend`` answers each as an optional, and keeps what each server answered at run time: a port
/// reports a server's refusal by throwing ``MonitorError/refused(_:server:_:)``.
///
/// Sampling uses stats commands only (`INFO`, `stats`), so watching never moves the counters it shows;
/// browsing keys (details, previews) is counted in the sample's `ownReadHits`/`ownReadMisses`.
package protocol CacheSource: AsyncClosable {
    /// The name shown and used on the command line.
    var name: String { get }
    /// Where it is (`host:port`, or a pool's `host:port,host:port`), never with a password.
    var address: String { get }
    /// What it is now (a `redis://` URL becomes `redisCluster` once the server says it is a cluster node).
    var kind: BackendKind { get }
    /// How the connection is secured.
    var tls: TLSState { get }
    /// Connects now (and checks the server), so a dead backend fails before anything else happens.
    func connect() async throws
    /// Connects for reading: where the backend is several servers, one that answers is enough (what reads
    /// them reports the others missing).
    func connectForReading() async throws
    /// Reads the backend's counters now.
    /// - Throws: the backend's error; an authentication failure is reported as ``BackendStatus/authFailed``.
    func sample() async throws -> SourceSample
    /// Whether `error` (thrown by this source) means the credentials were refused.
    func isAuthenticationFailure(_ error: any Error) -> Bool
    /// Closes its connections.
    func close() async
    /// A backend replayed from a recording (nothing to ask, nothing to change), not a live server.
    var isRecording: Bool { get }
}

extension CacheSource {
    /// One server (or none): connecting is connecting for reading.
    package func connectForReading() async throws { try await connect() }
    /// A backend without credentials never refuses them.
    package func isAuthenticationFailure(_ error: any Error) -> Bool { false }
    /// A plain connection (or none).
    package var tls: TLSState { .plain }
    package var isRecording: Bool { false }
}
