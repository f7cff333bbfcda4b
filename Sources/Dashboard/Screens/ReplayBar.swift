import Basics
import Foundation

/// A replay's line above the status line: play state and speed, the timeline over the whole recording with
/// its events marked and the cursor on it, and the recording's span.
enum ReplayBar {
    static func draw(_ replay: ReplayPosition, into canvas: inout Canvas, y: Int) {
        let width = canvas.width
        var x = 1
        let state = replay.playing ? "▶ \(replay.speed)×" : "‖ paused"
        x += canvas.write(state, x: x, y: y, role: replay.playing ? .good : .warning, attributes: .bold) + 2
        let span = "\(time(replay.range.lowerBound)) – \(time(replay.range.upperBound))"
        let room = width - x - CharacterWidth.of(span) - 3
        guard room >= 10 else {
            canvas.write(span, x: x, y: y, role: .dim, maxWidth: max(0, width - x - 1))
            return
        }
        canvas.write(line(replay, width: room), x: x, y: y, role: .dim)
        // The cursor and the marks over the dim track.
        for column in columns(of: replay.marks, replay.range, width: room) { canvas.write("│", x: x + column, y: y, role: .warning) }
        let cursor = columns(of: [replay.instant], replay.range, width: room).first ?? 0
        canvas.write("●", x: x + cursor, y: y, role: .accent, attributes: .bold)
        canvas.write(span, x: x + room + 2, y: y, role: .dim)
    }

    /// The track: `─` across the width.
    static func line(_ replay: ReplayPosition, width: Int) -> String { String(repeating: "─", count: width) }

    /// The columns instants fall on, across `width` columns spanning `range`.
    static func columns(of instants: [Int64], _ range: ClosedRange<Int64>, width: Int) -> [Int] {
        let span = max(1, range.upperBound - range.lowerBound)
        return instants.map { instant in
            let clamped = min(max(instant, range.lowerBound), range.upperBound)
            return Int(Double(clamped - range.lowerBound) / Double(span) * Double(width - 1))
        }
    }

    /// `HH:MM` of an instant, local time.
    private static func time(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%02d:%02d", parts.tm_hour, parts.tm_min)
    }
}
