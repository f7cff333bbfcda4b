import Foundation
import Recording

/// What `replay` and `export` share: a recording opened (one usage line when it cannot be), its span, times
/// read as the operator types them, and the reader closed on every way out.
enum RecordingFile {
    /// Runs `body` on the recording at `path` and its span; every ``RecordingError`` becomes one usage line.
    static func reading<T>(_ path: String, _ body: (RecordingReader, ClosedRange<Int64>) async throws -> T) async throws -> T {
        let reader: RecordingReader
        do {
            reader = try await RecordingReader.open(path)
        } catch {
            throw CommandFailure(.usage, error.message)
        }
        do {
            guard let range = try await reader.timeRange() else { throw CommandFailure(.usage, "\(path): the recording holds no readings yet") }
            let result = try await body(reader, range)
            await reader.close()
            return result
        } catch let error as RecordingError {
            await reader.close()
            throw CommandFailure(.usage, error.message)
        } catch {
            await reader.close()
            throw error
        }
    }

    /// The instant `text` (given as `flag`) names within the recording's `range`.
    static func instant(_ text: String, flag: String, in range: ClosedRange<Int64>) throws -> Int64 {
        guard let instant = ReplayTime.parse(text, in: range) else {
            throw CommandFailure(.usage, "\(flag) '\(text)': give a time such as 14:02, 14:02:30, -2h, -90s or 2026-12-06T03:10")
        }
        guard range.contains(instant) else {
            throw CommandFailure(
                .usage, "\(flag) '\(text)' is \(iso(instant)), outside the recording (\(iso(range.lowerBound)) to \(iso(range.upperBound)))")
        }
        return instant
    }

    /// An instant as ISO 8601 in local time with its offset (`2026-12-06T03:10:00.000+01:00`).
    static func iso(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
