import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time source a cache uses for expiry. Inject a ``ManualCacheClock`` in tests instead of sleeping.
public protocol CacheClock: Sendable {
    /// The current time in seconds. Only differences between readings matter.
    func now() -> Double
}

/// The real, monotonic clock: immune to wall-clock jumps. On Linux it reads `CLOCK_MONOTONIC_COARSE`
/// (a few nanoseconds per read, millisecond resolution), which is plenty for lifetimes in seconds.
public struct SystemCacheClock: CacheClock {
    public init() {}

    public func now() -> Double { Self.read() }

    /// The reading itself, callable without going through the protocol (``SimpleCache`` does, per call).
    @inline(__always)
    static func read() -> Double {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &spec)
        #else
        clock_gettime(CLOCK_MONOTONIC, &spec)
        #endif
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}

/// A clock that moves only when told to; for tests of expiry without sleeps.
///
/// ```swift
/// let clock = ManualCacheClock()
/// let cache = Cache(backend: SimpleCache(clock: clock), configuration: .init(clock: clock))
/// try await cache.set("k", 1, timeout: 10)
/// clock.advance(by: 11)   // "k" has now expired
/// ```
public final class ManualCacheClock: CacheClock {
    private let current: Mutex<Double>

    /// Starts the clock at `start` seconds.
    public init(start: Double = 1_000_000) { current = Mutex(start) }

    public func now() -> Double { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: Double) { current.withLock { $0 += seconds } }
}
