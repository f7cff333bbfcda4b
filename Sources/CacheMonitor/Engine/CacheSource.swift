/// One backend the monitor watches — a Redis server, a memcached server or pool, an in-process cache.
///
/// Sampling uses stats commands only (`INFO`, `stats`), so watching never moves the counters it shows;
/// browsing keys (details, previews) is counted in the sample's `ownReadHits`/`ownReadMisses`.
public protocol CacheSource: KeyDeletionSource {
    /// `redis`, `memcached`, `in-process`.
    var type: String { get }
    /// Reads the backend's counters now.
    /// - Throws: the backend's error; an authentication failure is reported as ``BackendStatus/authFailed``.
    func sample() async throws -> SourceSample
    /// Whether `error` (thrown by this source) means the credentials were refused.
    func isAuthenticationFailure(_ error: any Error) -> Bool
}

extension CacheSource {
    public func isAuthenticationFailure(_ error: any Error) -> Bool { false }
}
