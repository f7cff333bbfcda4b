import ArgumentParser
import Basics
import CacheMonitor
import Foundation
import Recording

/// `cachescope replay FILE --at TIME --json`: a recorded instant as `snapshot --json` prints a live one.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recording made by 'cachescope record': the dashboard at any past instant, or one instant as JSON.",
        discussion: """
            Without --json: the dashboard on the recording — the overview, the backend panel and what needed \
            attention, as they were at a time cursor (--at, else the recording's end): , and . step one interval, \
            [ and ] a minute, { and } an hour, : goes to a time, Space plays and pauses (> and < for 1×, 10×, \
            60×), n and N go to the next and previous event; the timeline above the status line marks the \
            events. Nothing that would reach a server is offered.

            --at TIME --json prints the 'snapshot --json' document of that instant — each backend's figures from \
            its last reading at or before it, its rates from the reading before, its status, error and what needed \
            attention then — with "at" (ISO 8601) added. A TIME is HH:MM or HH:MM:SS (the last such time within \
            the recording, local time), a step back from the recording's end (-2h, -90s, -1d), or an ISO 8601 date \
            and time (2026-12-06T03:10, with Z or +01:00 to name a zone; local time otherwise). A backend whose \
            last reading is more than three intervals older than TIME is reported down: "not recorded at this \
            instant". Nothing is sent to any server.

            Exit codes: 0 printed; 2 usage error, no such recording, not a recording, a newer format, a damaged \
            file, or TIME outside the recording.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file"))
    var file: String

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The instant: 14:02, 14:02:30, -2h, -90s, 2026-12-06T03:10 (local time unless it names a zone).", valueName: "time"))
    var at: String?

    @Flag(help: "Print the instant as JSON (the 'snapshot --json' document).")
    var json = false

    @Option(help: ArgumentHelp("The dashboard's colours (as for the live dashboard).", valueName: "name"))
    var theme: String?

    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal.")
    var noMouse = false

    func validate() throws {
        if json, at == nil { throw ValidationError("--json prints one instant: give it with --at TIME") }
    }

    func run() async throws {
        try await RecordingFile.reading(file) { reader, range in
            guard json else {
                // The dashboard at the instant asked for, else at the recording's end.
                let instant = try at.map { try RecordingFile.instant($0, flag: "--at", in: range) } ?? range.upperBound
                try await ReplayDashboard.run(reader: reader, range: range, at: instant, themeName: theme, mouse: !noMouse)
                return
            }
            let instant = try RecordingFile.instant(at ?? "", flag: "--at", in: range)
            let snapshot = try await reader.snapshot(at: instant)
            guard case .object(let fields) = SnapshotReport.document(snapshot) else { return }
            print(JSONValue.object([("at", .string(RecordingFile.iso(instant)))] + fields).text)
        }
    }
}
