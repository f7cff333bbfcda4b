import Basics
import CacheMonitor

/// A change to a backend's data the operator asked for — what a confirmation dialog names and what the
/// loop runs once it is confirmed. `backend` is the backend's index in the snapshot.
public enum PendingChange: Sendable, Hashable {
    /// Delete exactly this key.
    case deleteKey(backend: Int, key: [UInt8])
    /// Delete every key starting with the prefix.
    case invalidatePrefix(backend: Int, prefix: [UInt8])
    /// Delete a Flask-Caching route's keys (the route and its query-string variants).
    case invalidateRoute(backend: Int, path: String, keyPrefix: [UInt8])
    /// Flask-Caching's `delete_memoized(f)`: delete the function's version key.
    case invalidateMemoized(backend: Int, function: String, keyPrefix: [UInt8])
    /// Set the key's TTL (`nil` removes it: the key never expires).
    case setTTL(backend: Int, key: [UInt8], seconds: Int?)
    /// Clear the embedded demo's cache (its own prefix only).
    case clearDemoCache

    /// The backend it touches, if it is one of the watched ones.
    public var backend: Int? {
        switch self {
        case .deleteKey(let backend, _), .invalidatePrefix(let backend, _), .invalidateRoute(let backend, _, _),
            .invalidateMemoized(let backend, _, _), .setTTL(let backend, _, _):
            backend
        case .clearDemoCache:
            nil
        }
    }

    /// Whether the dialog should count the keys it touches before the operator confirms.
    var needsCount: Bool {
        switch self {
        case .invalidatePrefix, .invalidateRoute: true
        default: false
        }
    }

    /// What it does, in one phrase: `delete key 'user:1'`.
    public var summary: String {
        switch self {
        case .deleteKey(_, let key): "delete key '\(KeyEscaping.escape(key))'"
        case .invalidatePrefix(_, let prefix): "delete every key under '\(KeyEscaping.escape(prefix))'"
        case .invalidateRoute(_, let path, _): "invalidate route '\(path)' (the page and its query-string variants)"
        case .invalidateMemoized(_, let function, _): "invalidate memoized function '\(function)' (delete_memoized)"
        case .setTTL(_, let key, let seconds):
            seconds.map { "expire key '\(KeyEscaping.escape(key))' in \(HumanUnits.ttl(milliseconds: Int64($0) * 1000))" }
                ?? "remove the TTL of key '\(KeyEscaping.escape(key))' (it will never expire)"
        case .clearDemoCache: "clear the demo's cache (its own keys only)"
        }
    }
}
