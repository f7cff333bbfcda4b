/// One cache lookup by a cached route, a memoized function or a grouped `get`: Flask-Caching's
/// `cache_view_hit/miss` and `cache_memoize_hit/miss` signals.
///
/// Delivered to ``Cache/Configuration/eventHandler`` when one is set (off by default). Counting does not
/// need a handler: ``CacheStatistics`` counts every lookup regardless.
public struct CacheEvent: Sendable, Hashable {
    /// Whether the value came from the cache.
    public enum Outcome: String, Sendable, Hashable {
        case hit
        case miss
    }

    /// Hit or miss.
    public var outcome: Outcome
    /// What kind of code looked the key up.
    public var kind: CacheGroupCounters.Kind
    /// The route, memoized function or group name.
    public var group: String
    /// The full key that was looked up.
    public var key: String
    /// The call's arguments as text (memoize), or the request's query string (routes).
    public var arguments: String
    /// The name of the cache that was asked (its ``Cache/Configuration/name``).
    public var cacheName: String

    /// Creates an event.
    public init(outcome: Outcome, kind: CacheGroupCounters.Kind, group: String, key: String, arguments: String, cacheName: String) {
        self.outcome = outcome
        self.kind = kind
        self.group = group
        self.key = key
        self.arguments = arguments
        self.cacheName = cacheName
    }
}
