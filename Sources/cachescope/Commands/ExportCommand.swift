import ArgumentParser
import Basics
import Foundation
import Recording

/// `cachescope export FILE --format csv|ndjson|openmetrics`: a recording's readings for other tools.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a recording's readings as CSV, NDJSON or OpenMetrics (for promtool and Prometheus).",
        discussion: """
            Every reading between --from and --to (default: the whole recording), backend by backend (its own \
            figures, then each server's), oldest first. csv: one row per reading, columns time (ISO 8601, UTC), \
            time_ms, backend, node (empty for the backend's own figures), then every recorded field (hits, \
            misses, own_read_hits, own_read_misses, operations, evictions, expired, keys, memory_bytes, \
            max_memory_bytes, uptime_seconds, latency_us, clients, own_commands, slots; empty where not \
            recorded). ndjson: one object per reading with the same fields ("time", "timeMs", "backend", "node" \
            for a server). openmetrics: the families serve exports (cachescope_hits_total and _misses_total \
            without the monitor's own reads, cachescope_keys, cachescope_memory_bytes, …, and \
            cachescope_node_… per server) with a timestamp per sample, ending in # EOF — what \
            'promtool tsdb create-blocks-from openmetrics FILE DIR' imports into Prometheus. A TIME is as \
            'replay' reads it (14:02, -2h, 2026-12-06T03:10, …).

            Exit codes: 0 written; 2 usage error, no such recording, not a recording, a newer format, a damaged \
            file, or a time that is not one.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("csv, ndjson or openmetrics.", valueName: "format"))
    var format: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The first instant (default: the recording's start).", valueName: "time"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The last instant (default: the recording's end).", valueName: "time"))
    var to: String?

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("--format '\(format)': give csv, ndjson or openmetrics")
        }
    }

    func run() async throws {
        try await RecordingFile.reading(file) { reader, recorded in
            let start = try from.map { try RecordingFile.instant($0, flag: "--from", in: recorded) } ?? recorded.lowerBound
            let end = try to.map { try RecordingFile.instant($0, flag: "--to", in: recorded) } ?? recorded.upperBound
            guard start <= end else { throw CommandFailure(.usage, "--from is after --to") }
            var output = BufferedOutput()
            try await RecordingExport(reader: reader, range: start...end).run(ExportFormat(rawValue: format) ?? .csv) { output.write($0) }
            output.flush()
        }
    }
}
