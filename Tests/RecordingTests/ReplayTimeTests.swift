import Foundation
import Testing

@testable import Recording

@Suite struct ReplayTimeTests {
    // 2026-12-06T10:30:00Z to 2026-12-06T12:00:00Z.
    private let range: ClosedRange<Int64> = 1_796_553_000_000...1_796_558_400_000
    private let utc = TimeZone(identifier: "UTC")!
    private let paris = TimeZone(identifier: "Europe/Paris")!

    @Test func stepsBackAreFromTheRecordingsEnd() {
        #expect(ReplayTime.parse("-2h", in: range) == range.upperBound - 7_200_000)
        #expect(ReplayTime.parse("-90s", in: range) == range.upperBound - 90_000)
        #expect(ReplayTime.parse("-1d", in: range) == range.upperBound - 86_400_000)
        #expect(ReplayTime.parse("-0s", in: range) == range.upperBound)
        #expect(ReplayTime.parse("-soon", in: range) == nil)
    }

    @Test func aTimeOfDayIsTheLastOneWithinTheRecordingInLocalTime() {
        #expect(ReplayTime.parse("11:15", in: range, timeZone: utc) == 1_796_555_700_000)
        #expect(ReplayTime.parse("11:15:30", in: range, timeZone: utc) == 1_796_555_730_000)
        // 12:30 has not come on the last day: the day before.
        let dayBefore: Int64 = 1_796_473_800_000
        #expect(ReplayTime.parse("12:30", in: range, timeZone: utc) == dayBefore)
        // Paris is an hour ahead in December: 12:15 there is 11:15 UTC.
        #expect(ReplayTime.parse("12:15", in: range, timeZone: paris) == 1_796_555_700_000)
        #expect(ReplayTime.parse("25:00", in: range, timeZone: utc) == nil)
        #expect(ReplayTime.parse("1:5", in: range, timeZone: utc) == nil)
    }

    @Test func isoDatesAreLocalUnlessTheyNameAZone() {
        #expect(ReplayTime.parse("2026-12-06T11:15", in: range, timeZone: utc) == 1_796_555_700_000)
        #expect(ReplayTime.parse("2026-12-06 11:15:00", in: range, timeZone: utc) == 1_796_555_700_000)
        #expect(ReplayTime.parse("2026-12-06T12:15", in: range, timeZone: paris) == 1_796_555_700_000)
        #expect(ReplayTime.parse("2026-12-06T11:15:00Z", in: range, timeZone: paris) == 1_796_555_700_000)
        #expect(ReplayTime.parse("2026-12-06T12:15:00+01:00", in: range, timeZone: utc) == 1_796_555_700_000)
        #expect(ReplayTime.parse("2026-12-06T11:15:00.250Z", in: range, timeZone: paris) == 1_796_555_700_250)
        #expect(ReplayTime.parse("yesterday", in: range) == nil)
    }
}
