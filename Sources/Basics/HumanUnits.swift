/// Numbers, sizes and lifetimes as people read them — the same meaning on every screen and in every
/// command's output.
public enum HumanUnits {
    /// `-` for no expiry, else `850ms`, `42s`, `4m59s`, `3h12m`, `2d4h`.
    public static func ttl(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let seconds = milliseconds / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        if seconds < 86_400 { return "\(seconds / 3600)h\(seconds % 3600 / 60)m" }
        return "\(seconds / 86_400)d\(seconds % 86_400 / 3600)h"
    }

    /// A TTL counting down: `∞` for none, `expired` at zero, else whole seconds rounded up (`42s`, `4m59s`,
    /// `3h12m`, `2d4h`), so a key shows `1s` until it is gone.
    public static func countdown(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "∞" }
        if milliseconds <= 0 { return "expired" }
        return ttl(milliseconds: (milliseconds + 999) / 1000 * 1000)
    }

    /// `3h12m` for an uptime in seconds.
    public static func uptime(_ seconds: UInt64) -> String {
        ttl(milliseconds: Int64(clamping: seconds) * 1000)
    }

    /// `?` when unknown, else `56B`, `1.2K`, `3.4M`, `1.0G` (powers of 1024).
    public static func size(_ bytes: Int?) -> String {
        guard let bytes else { return "?" }
        if bytes < 1024 { return "\(bytes)B" }
        var value = Double(bytes)
        for unit in ["K", "M", "G", "T"] {
            value /= 1024
            if value < 1024 || unit == "T" { return "\((value * 10).rounded() / 10)\(unit)" }
        }
        return "\(bytes)B"
    }

    /// `1,204`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A count that fits a narrow column: `1,204` below 100,000, then `245.6k`, `3.4M`.
    public static func shortCount(_ value: Int) -> String {
        value.magnitude < 100_000 ? count(value) : rate(Double(value))
    }

    /// `97.5%`, `—` when there was no traffic.
    /// A time ahead, as a forecast says it: `45 s`, `12 m`, `5 h 20 m`, `3 d 4 h`; `now` under a second.
    public static func eta(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "never" }
        let whole = Int64(max(0, seconds).rounded())
        if whole < 1 { return "now" }
        if whole < 60 { return "\(whole) s" }
        if whole < 3_600 { return "\(whole / 60) m" }
        if whole < 86_400 { return whole % 3_600 / 60 == 0 ? "\(whole / 3_600) h" : "\(whole / 3_600) h \(whole % 3_600 / 60) m" }
        return whole % 86_400 / 3_600 == 0 ? "\(whole / 86_400) d" : "\(whole / 86_400) d \(whole % 86_400 / 3_600) h"
    }

    public static func ratio(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return "\(oneDecimal(value * 100))%"
    }

    /// A per-second rate: `0`, `3.2`, `123`, `1.2k`, `3.4M`; `—` when unknown.
    public static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        if value == 0 { return "0" }
        if value < 10 { return oneDecimal(value) }
        if value < 1000 { return String(Int(value.rounded())) }
        if value < 1_000_000 { return "\(oneDecimal(value / 1000))k" }
        return "\(oneDecimal(value / 1_000_000))M"
    }

    /// `3.2`: one decimal, rounded.
    public static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
