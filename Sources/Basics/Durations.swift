#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Duration {
    /// The span in seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// The span in whole milliseconds (rounded towards zero).
    public var inMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// The span in whole microseconds (rounded towards zero).
    public var inMicroseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}

/// Seconds on the monotonic clock since this process first asked: what TTL countdowns and the dashboard's
/// ticks are measured against (never jumps with the wall clock).
public enum MonotonicSeconds {
    private static let origin = ContinuousClock.now

    /// Seconds since this process first asked.
    public static var now: Double {
        origin.duration(to: .now).inSeconds
    }
}

/// The wall clock in whole Unix seconds — what servers stamp their slow logs with.
public enum UnixTime {
    public static var now: Int64 { Int64(time(nil)) }
}

/// Durations read from and written as text — the one place that turns a `Duration` into words.
public enum DurationText {
    /// `1s`, `500ms`, `2.5s`, `1m`, `2h`, `7d`, or a bare number of seconds; `nil` for anything else.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = trimmedSpaces(text).lowercased()
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3_600.0), ("d", 86_400.0), ("", 1.0)] where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value.isFinite, value >= 0 else { continue }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return nil
    }

    /// A limit or a timeout: `2s`, `0.25s` (milliseconds kept, no trailing zeros).
    public static func limit(_ duration: Duration) -> String {
        let seconds = duration.inSeconds
        return seconds == seconds.rounded() ? "\(Int64(seconds))s" : "\((seconds * 1000).rounded() / 1000)s"
    }

    /// How long a command took, for a result sentence: `0.84 s` (hundredths).
    public static func took(_ duration: Duration) -> String {
        "\((duration.inSeconds * 100).rounded() / 100) s"
    }

    /// A round trip or an elapsed time on screen: `0.3ms`, `12ms`, `1.2s`; `—` when unknown.
    public static func latency(_ duration: Duration?) -> String {
        guard let duration else { return "—" }
        let milliseconds = duration.inSeconds * 1000
        if milliseconds < 10 { return "\(HumanUnits.oneDecimal(milliseconds))ms" }
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        return "\(HumanUnits.oneDecimal(milliseconds / 1000))s"
    }
}

/// `text` without leading and trailing spaces and tabs.
private func trimmedSpaces(_ text: String) -> Substring {
    var trimmed = Substring(text)
    while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
    while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
    return trimmed
}
