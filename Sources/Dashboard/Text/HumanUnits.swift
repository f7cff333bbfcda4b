/// Short human renderings of durations and sizes for text output.
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

    /// `0.84 s`.
    public static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        let value = Double(whole) + Double(atto) / 1e18
        return "\((value * 100).rounded() / 100) s"
    }

    /// Whole milliseconds of a duration.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (whole, atto) = duration.components
        return whole * 1000 + atto / 1_000_000_000_000_000
    }
}
