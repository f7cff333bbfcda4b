import ConnectionSupport

/// How the dashboard writes numbers: short, fixed meaning, the same on every screen.
public enum DisplayFormat {
    /// `97.5%`, `—` when there was no traffic.
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

    /// A TTL counting down: `∞` for none, `expired` at zero, else `42s`, `4m59s`, `3h12m`, `2d4h`.
    public static func ttl(milliseconds: Int64?, ascii: Bool = false) -> String {
        guard let milliseconds else { return ascii ? "none" : "∞" }
        if milliseconds <= 0 { return "expired" }
        // Whole seconds, rounded up, so a key shows 1s until it is gone.
        let seconds = (milliseconds + 999) / 1000
        return HumanUnits.ttl(milliseconds: seconds * 1000)
    }

    /// A round trip: `0.3ms`, `12ms`, `1.2s`; `—` when unknown.
    public static func latency(_ duration: Duration?) -> String {
        guard let duration else { return "—" }
        let milliseconds = duration.inSeconds * 1000
        if milliseconds < 10 { return "\(oneDecimal(milliseconds))ms" }
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        return "\(oneDecimal(milliseconds / 1000))s"
    }

    /// `1.2s`, `350ms`.
    public static func elapsed(_ duration: Duration) -> String {
        latency(duration)
    }

    /// `3h12m` for an uptime in seconds.
    public static func uptime(_ seconds: UInt64) -> String {
        HumanUnits.ttl(milliseconds: Int64(clamping: seconds) * 1000)
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
