import Foundation

/// The `exptime` field of storage and `touch` commands.
///
/// memcached reads `exptime` up to 30 days (2,592,000 s) as seconds from now and anything larger as an
/// absolute unix time, so a relative timeout longer than 30 days must be sent as `now + timeout` — sent
/// as is, it would name a moment in 1970 and the item would expire at once.
public enum MemcachedExpiry {
    /// The largest relative `exptime` (30 days).
    public static let maxRelativeSeconds = 2_592_000

    /// `0` for "never", the whole seconds (rounded up, at least 1) up to 30 days, else the absolute unix
    /// time `now + seconds`.
    /// - Parameter seconds: the lifetime; `nil` or `0` means never expire; negative means already expired.
    public static func exptime(seconds: Double?, now: Double = Date().timeIntervalSince1970) -> Int64 {
        guard let seconds, seconds != 0 else { return 0 }
        if seconds < 0 { return -1 }
        let whole = seconds >= Double(Int64.max / 2) ? Int64.max / 2 : max(1, Int64(seconds.rounded(.up)))
        if whole <= Int64(maxRelativeSeconds) { return whole }
        return Int64(now) + whole
    }
}
