import Logging

extension Cache {
    /// What to do when the backend fails (connection refused, timeout, server error).
    public enum BackendErrorPolicy: Sendable, Hashable {
        /// Log the failure and carry on as if the key were missing: reads miss, writes report `false`,
        /// memoized functions and cached routes run uncached. Flask-Caching's behaviour outside debug mode.
        case logAndMiss
        /// Throw the failure to the caller (Flask-Caching in debug mode).
        case `throw`
    }

    /// Settings of a ``Cache``; every field has Flask-Caching's default.
    public struct Configuration: Sendable {
        /// A name for logs, events and the dashboard.
        public var name: String
        /// The timeout used when none is given: 300 s (`CACHE_DEFAULT_TIMEOUT`).
        public var defaultTimeout: CacheTimeout
        /// Put in front of every key (`CACHE_KEY_PREFIX`). With a prefix, ``Cache/clear()`` removes only
        /// keys under it, even on a shared Redis or memcached; without one it clears the whole backend.
        public var keyPrefix: String
        /// What backend failures do (default: log and treat as a miss).
        public var backendErrors: BackendErrorPolicy
        /// The hash for memoize and route keys (`CACHE_HASH_METHOD`, default SHA-256).
        public var hashMethod: CacheKeyHash
        /// Log "caching is disabled" once when the backend is a ``NullCache`` (`CACHE_NO_NULL_WARNING` off).
        public var warnWhenDisabled: Bool
        /// Where warnings and swallowed backend errors go.
        public var logger: Logger
        /// The time source for memoize version bookkeeping; use the backend's clock.
        public var clock: any CacheClock
        /// Receives every hit/miss of routes, memoized functions and grouped gets; `nil` (the default) turns
        /// events off. Called on the caller's task: keep it fast.
        public var eventHandler: (@Sendable (CacheEvent) -> Void)?

        /// Creates a configuration.
        public init(
            name: String = "cache",
            defaultTimeout: CacheTimeout = .flaskDefault,
            keyPrefix: String = "",
            backendErrors: BackendErrorPolicy = .logAndMiss,
            hashMethod: CacheKeyHash = .sha256,
            warnWhenDisabled: Bool = true,
            logger: Logger = Logger(label: "cachescope.caching"),
            clock: any CacheClock = SystemCacheClock(),
            eventHandler: (@Sendable (CacheEvent) -> Void)? = nil
        ) {
            self.name = name
            self.defaultTimeout = defaultTimeout
            self.keyPrefix = keyPrefix
            self.backendErrors = backendErrors
            self.hashMethod = hashMethod
            self.warnWhenDisabled = warnWhenDisabled
            self.logger = logger
            self.clock = clock
            self.eventHandler = eventHandler
        }
    }
}
