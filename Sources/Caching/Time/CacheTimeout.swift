import Basics
import ConnectionSupport

/// How long a cache entry lives, as in Flask-Caching: a number of seconds, where `0` means "never expires".
///
/// ```swift
/// try await cache.set("greeting", "hello", timeout: 60)      // one minute
/// try await cache.set("config", settings, timeout: .never)   // same as timeout: 0
/// try await cache.set("token", token, timeout: .init(.milliseconds(1500)))
/// ```
/// Passing `nil` where a `CacheTimeout?` is asked for means "the cache's default" (300 s unless configured).
/// Negative or non-finite values are rejected with ``CacheError`` code `.invalidTimeout` when used.
public struct CacheTimeout: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, CustomStringConvertible {
    /// The lifetime in seconds; `0` means the entry never expires.
    public let seconds: Double

    /// An entry that never expires (Flask-Caching's `timeout=0`).
    public static let never = CacheTimeout(seconds: 0)

    /// Flask-Caching's default timeout: 300 seconds.
    public static let flaskDefault = CacheTimeout(seconds: 300)

    /// A lifetime of `seconds`; `0` means never.
    public init(seconds: Double) { self.seconds = seconds }

    /// A lifetime of `duration`; a zero duration means never.
    public init(_ duration: Duration) {
        self.seconds = duration.inSeconds
    }

    public init(integerLiteral value: Int) { self.seconds = Double(value) }
    public init(floatLiteral value: Double) { self.seconds = value }

    /// Whether entries with this timeout never expire.
    public var isNever: Bool { seconds == 0 }

    public var description: String { isNever ? "never" : "\(seconds.formatted(maxFractionDigits: 3))s" }

    /// Returns `self` when it is a usable timeout (≥ 0 and finite).
    /// - Throws: ``CacheError`` `.invalidTimeout` for a negative, NaN or infinite number of seconds.
    public func validated() throws -> CacheTimeout {
        guard seconds.isFinite, seconds >= 0 else {
            throw CacheError(.invalidTimeout, "invalid cache timeout \(seconds): use a number of seconds ≥ 0 (0 means never expires)")
        }
        return self
    }

    /// Seconds an entry lives, or `.infinity` when it never expires.
    var lifetime: Double { isNever ? .infinity : seconds }

    /// The instant an entry written at `now` expires, or `.infinity` when it never does.
    func expiry(from now: Double) -> Double { isNever ? .infinity : now + seconds }
}

extension Double {
    /// A short decimal rendering without trailing zeros (`300`, `1.5`).
    func formatted(maxFractionDigits: Int) -> String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        var scale = 1.0
        for _ in 0..<maxFractionDigits { scale *= 10 }
        let rounded = (self * scale).rounded() / scale
        return String(rounded)
    }
}
