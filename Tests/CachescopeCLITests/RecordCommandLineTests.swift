import Foundation
import TestSupport
import Testing

/// `cachescope record` and `replay` against a real redis-server: what was recorded replays with the same
/// figures; `kill -9` loses at most the last 10 s; a second recorder is refused; bad files are one line.
@Suite(.serialized) struct RecordCommandLineTests {
    private let commandLine = CommandLineTests()

    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private func recorder(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try #require(CommandLineTests.binary, "the cachescope binary was not built next to the tests")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func killedMidRecordingLosesAtMostTenSecondsAndReplaysTheServer() async throws {
        guard let server = try RedisServerProcess() else { return }
        let file = try scratch().appendingPathComponent("incident.cachescope").path
        let process = try recorder(["--redis", server.url(), "record", "--to", file])
        defer { if process.isRunning { process.terminate() } }
        try await Task.sleep(for: .seconds(4))
        // A second recorder on the same file is refused, while the first goes on.
        let second = try commandLine.run(["--redis", server.url(), "record", "--to", file])
        #expect(second.status == 2)
        #expect(second.output.contains("another cachescope records into it"), "\(second.output)")
        try await Task.sleep(for: .seconds(9))
        let killedAt = Date()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let replay = try commandLine.run(["replay", file, "--at", "-0s", "--json"])
        #expect(replay.status == 0, "\(replay.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(replay.output.utf8)) as? [String: Any])
        let atText = try #require(document["at"] as? String)
        let at = try #require(ISO8601DateFormatter.withFractions.date(from: atText))
        #expect(killedAt.timeIntervalSince(at) <= 10, "the last recorded instant is \(killedAt.timeIntervalSince(at)) s before the kill")
        let backends = try #require(document["backends"] as? [[String: Any]])
        #expect(backends.first?["name"] as? String == "redis")
        #expect(backends.first?["status"] as? String == "up")
        #expect(backends.first?["version"] as? String != nil)
        #expect((backends.first?["memoryBytes"] as? Int ?? 0) > 0)
        // Recorded at least as far back as the start.
        let early = try commandLine.run(["replay", file, "--at", "-8s", "--json"])
        #expect(early.status == 0, "\(early.output)")
    }

    @Test func badFilesAndTimesAreOneLine() throws {
        let directory = try scratch()
        let text = directory.appendingPathComponent("notes.txt").path
        try String(repeating: "hello\n", count: 1000).write(toFile: text, atomically: true, encoding: .utf8)
        for (arguments, expected) in [
            (["replay", text, "--at", "-1s", "--json"], "not a cachescope recording"),
            (["replay", directory.appendingPathComponent("missing").path, "--at", "-1s", "--json"], "no such recording"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", text], "not a cachescope recording"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--keep", "soon"], "--keep 'soon'"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--max-size", "12"], "--max-size '12'"),
        ] {
            let result = try commandLine.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.output.contains(expected), "\(arguments): \(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count <= 3, "\(result.output)")
        }
    }
}

extension ISO8601DateFormatter {
    /// ISO 8601 with milliseconds and an offset, as `replay` prints `at`.
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
