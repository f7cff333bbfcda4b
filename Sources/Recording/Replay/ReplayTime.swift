import Foundation

/// An instant of a recording as people type it: `14:02` or `14:02:30` (the last such time of day within the
/// recording, local time), a step back from the recording's end (`-2h`, `-90s`, `-1d`), or an ISO 8601 date
/// and time (`2026-12-06T03:10`, `2026-12-06 03:10:00`, with `Z` or `+01:00` to name a zone; local time
/// otherwise).
package enum ReplayTime {
    /// The instant (ms since 1970) `text` names within `range`; `nil` when it is not a time.
    package static func parse(_ text: String, in range: ClosedRange<Int64>, timeZone: TimeZone = .current) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-") { return stepBack(String(trimmed.dropFirst()), from: range.upperBound) }
        if let seconds = timeOfDay(trimmed) { return lastTimeOfDay(seconds, in: range, timeZone: timeZone) }
        return dateTime(trimmed, timeZone: timeZone)
    }

    private static func stepBack(_ text: String, from end: Int64) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value.isFinite, value >= 0, value * Double(scale) < 1e15 else { continue }
            return end - Int64((value * Double(scale)).rounded())
        }
        return nil
    }

    /// `HH:MM` or `HH:MM:SS` as seconds into the day.
    private static func timeOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        let seconds = parts.count == 3 ? Int(parts[2]) : 0
        guard let seconds, (0..<60).contains(seconds) else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }

    /// The latest instant at that time of day that is not after the recording's end (the day before when
    /// today's has not come yet).
    private static func lastTimeOfDay(_ seconds: Int, in range: ClosedRange<Int64>, timeZone: TimeZone) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let end = Date(timeIntervalSince1970: Double(range.upperBound) / 1000)
        let startOfDay = calendar.startOfDay(for: end)
        guard var candidate = calendar.date(byAdding: .second, value: seconds, to: startOfDay) else { return nil }
        if candidate > end, let dayBefore = calendar.date(byAdding: .day, value: -1, to: candidate) { candidate = dayBefore }
        return Int64((candidate.timeIntervalSince1970 * 1000).rounded())
    }

    private static func dateTime(_ text: String, timeZone: TimeZone) -> Int64? {
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        let hasZone = normalized.hasSuffix("Z") || normalized.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = hasZone ? format + "XXXXX" : format
            if let date = formatter.date(from: normalized) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
    }
}
