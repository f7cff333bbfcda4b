import Foundation
import HTTPTypes
import Hummingbird

/// The tutorial's last section — "Setting cache control headers for responses" — for Hummingbird:
/// ```swift
/// var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "Hello, World!")))
/// response.setCacheHeaders(maxAge: 300, visibility: .public)   // Cache-Control: public, max-age=300 + Expires
/// ```
extension Response {
    /// Who may store the response: any cache (`public`) or only the user's browser (`private`).
    public enum CacheVisibility: Sendable {
        case `public`
        case `private`
    }

    /// Sets `Cache-Control` to the directives, e.g. `[.public, .maxAge(300)]`, replacing any earlier value.
    public mutating func setCacheControl(_ directives: [CacheControl.CacheControlValue]) {
        headers[.cacheControl] = directives.map(\.description).joined(separator: ", ")
    }

    /// Sets `Expires` to `date` as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
    public mutating func setExpires(_ date: Date) {
        headers[.expires] = HTTPDate.string(from: date)
    }

    /// Sets `Cache-Control: <visibility>, max-age=<maxAge>` and `Expires` = now + `maxAge` — what the
    /// tutorial does with `response.cache_control` and `response.expires`.
    public mutating func setCacheHeaders(maxAge: Int, visibility: CacheVisibility = .public, now: Date = Date()) {
        let scope: CacheControl.CacheControlValue = visibility == .public ? .public : .private
        setCacheControl([scope, .maxAge(max(0, maxAge))])
        setExpires(now.addingTimeInterval(TimeInterval(max(0, maxAge))))
    }
}

/// Formats dates the way HTTP headers want them (RFC 9110 IMF-fixdate, always GMT).
public enum HTTPDate {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` as `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func string(from date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (dayNumber, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: dayNumber)
        let weekday = days[Int(dayNumber.floorDivided(by: 7).remainder)]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        return "\(weekday), \(two(day)) \(months[Int(month - 1)]) \(year) \(time) GMT"
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = (self >= 0 ? self : self - divisor + 1) / divisor
        return (quotient, self - quotient * divisor)
    }
}
