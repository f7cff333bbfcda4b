import Foundation
import RESP
import Recording
import TestSupport
import Testing

/// `cachescope record` and `replay` against a real redis-server: what was recorded replays with the same
/// figures; `kill -9` loses at most the last 10 s; a second recorder is refused; bad files are one line.
@Suite(.serialized) struct RecordCommandLineTests {
    private let commandLine = CommandLineTests()

    /// The built `cachescope`.
    private func binary() throws -> URL {
        let binary: URL = try #require(CommandLineTests.binary, "the cachescope binary was not built next to the tests")
        return binary
    }

    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private func recorder(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
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
        let second = try await commandLine.run(["--redis", server.url(), "record", "--to", file])
        #expect(second.status == 2)
        #expect(second.output.contains("another cachescope records into it"), "\(second.output)")
        try await Task.sleep(for: .seconds(9))
        let killedAt = Date()
        kill(process.processIdentifier, SIGKILL)
        await process.exited()

        let replay = try await commandLine.run(["replay", file, "--at", "-0s", "--json"])
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
        let early = try await commandLine.run(["replay", file, "--at", "-8s", "--json"])
        #expect(early.status == 0, "\(early.output)")
    }

    /// Another program's exit status and output.
    private func runProgram(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await offThePool { try Self.runBlocking(path, arguments) }
    }

    private static func runBlocking(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The run's output written to a file (exports can be long).
    private func runToFile(_ arguments: [String], _ path: String) async throws -> Int32 {
        let executable = try binary()
        return try await offThePool { try Self.runBlocking(executable, arguments, to: path) }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], to path: String) throws -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return process.terminationStatus
    }

    @Test func anExportImportedByPromtoolAnswersPrometheusQueriesWithTheRecordedValues() async throws {
        guard let server = try RedisServerProcess() else { return }
        guard let prometheus = ServeCommandLineTests.prometheus,
            let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            Issue.record("prometheus and promtool are not installed (scripts/test.sh installs them)")
            return
        }
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Keys that change while it records: 40, then 60.
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        try await redis.send((0..<40).map { RESPCommand("SET", key: Array("exported:\($0)".utf8), ["v"]) })
        let file = directory.appendingPathComponent("r.cachescope").path
        let recording = try recorder(["--redis", server.url(), "record", "--to", file])
        try await Task.sleep(for: .seconds(3))
        try await redis.send((40..<60).map { RESPCommand("SET", key: Array("exported:\($0)".utf8), ["v"]) })
        try await Task.sleep(for: .seconds(3))
        recording.interrupt()
        await recording.exited()
        #expect(recording.terminationStatus == 0)
        await redis.close()

        let csvPath = directory.appendingPathComponent("r.csv").path
        #expect(try await runToFile(["export", file, "--format", "csv"], csvPath) == 0)
        let rows = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let header = try #require(rows.first)
        let keysColumn = try #require(header.firstIndex(of: "keys"))
        let last = try #require(rows.last)
        #expect(last[keysColumn] == "60", "\(last)")
        let lastTime = try #require(Int64(last[1]))

        let exported = directory.appendingPathComponent("r.om").path
        #expect(try await runToFile(["export", file, "--format", "openmetrics"], exported) == 0)
        let data = directory.appendingPathComponent("data").path
        let importing = try await runProgram(promtool, ["tsdb", "create-blocks-from", "openmetrics", exported, data])
        #expect(importing.status == 0, "\(importing.output)")
        let port = TestServers.freePort()
        let config = directory.appendingPathComponent("prometheus.yml")
        try "global:\n  scrape_interval: 15s\n".write(to: config, atomically: true, encoding: .utf8)
        let running = try ServeCommandLineTests.Background(
            URL(fileURLWithPath: prometheus),
            ["--config.file=\(config.path)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(port)"])
        // The recorded values at the last reading: 60 keys, memory as recorded.
        let at = String(format: "%.3f", Double(lastTime) / 1000)
        var body: String?
        for _ in 0..<60 where body == nil {
            let query = "http://127.0.0.1:\(port)/api/v1/query?query=cachescope_keys%7Bbackend%3D%22redis%22%7D&time=\(at)"
            if let answer = try? await ServeCommandLineTests.fetch(query), answer.body.contains("\"result\":[{") { body = answer.body }
            if body == nil { try await Task.sleep(for: .milliseconds(500)) }
        }
        let answer = try #require(body, "Prometheus never answered with the imported series")
        #expect(answer.contains("\"60\"]"), "\(answer)")
        _ = running
    }

    @Test(.enabled(if: DashboardEndToEndTests.enabled, Comment(rawValue: DashboardEndToEndTests.skip)))
    func theDashboardRecordsItsChangesAndTheReplayMovesThroughThem() async throws {
        let server = try #require(try RedisServerProcess())
        defer { server.kill() }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        _ = try await redis.send([RESPCommand("SET", key: Array("solo:delete-me".utf8), ["v"]), RESPCommand("SET", key: Array("keep".utf8), ["v"])])
        await redis.close()
        let file = try scratch().appendingPathComponent("session.cachescope").path
        let binary = CommandLineTests.binary?.path ?? ""
        do {
            let live = try TmuxSession(command: "\(binary) --redis \(server.url()) --record \(file)")
            defer { live.close() }
            try await live.waitFor("1/1 up")
            live.send(["Enter"])
            try await live.waitFor("2 keys")
            live.send(["/"])
            live.type("solo:")
            live.send(["Enter"])
            try await live.waitFor("1 keys")
            live.send(["d"])
            try await live.waitFor("Delete key 'solo:delete-me'")
            live.send(["y"])
            try await live.waitFor("deleted key 'solo:delete-me'")
            try await Task.sleep(for: .seconds(2))
            live.send(["q"])
            try await Task.sleep(for: .seconds(1))
        }
        // The change is in the audit trail, with what it touched.
        let reader = try await RecordingReader.open(file)
        let events = try await reader.events(in: 0...Int64.max)
        let change = try #require(events.first { $0.kind == .change }, "\(events.map(\.summary))")
        #expect(change.summary.hasPrefix("delete-keys 'solo:delete-me' on redis: 1 deleted of 1 matched (completed"), "\(change.summary)")
        #expect(events.last?.kind == .recordingStopped)
        await reader.close()

        // The replay opens at the end, paused; a step back moves the instant by a second.
        let replay = try TmuxSession(command: "\(binary) replay \(file)")
        defer { replay.close() }
        try await replay.waitFor(" REPLAY ")
        try await replay.waitFor("paused")
        let before = try replay.screen().split(separator: "\n").first.map(String.init) ?? ""
        replay.send([","])
        try await Task.sleep(for: .seconds(1))
        let after = try replay.screen().split(separator: "\n").first.map(String.init) ?? ""
        #expect(before != after, "the instant moved: \(before) → \(after)")
        // Nothing that reaches a server is offered: the keys say why.
        replay.send(["Enter"])
        try await replay.waitFor("replayed from a recording")
        replay.send(["q"])
    }

    /// Runs a system program, quietly; its exit status.
    @discardableResult
    private func system(_ path: String, _ arguments: [String]) throws -> Int32 { try Self.runBlocking(path, arguments).status }

    @Test func aFullDiskStopsTheRecordingWithOneLineWhileServeGoesOn() async throws {
        guard getuid() == 0 else {
            Issue.record("needs root to mount a small tmpfs (scripts/test.sh runs as root)")
            return
        }
        guard let server = try RedisServerProcess() else { return }
        let directory = try scratch()
        guard try system("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", directory.path]) == 0 else {
            Issue.record("cannot mount a tmpfs on \(directory.path)")
            return
        }
        defer { _ = try? system("/bin/umount", [directory.path]) }
        let port = TestServers.freePort()
        let errors = try scratch().appendingPathComponent("serve.err").path
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = [
            "serve", "--redis", server.url(), "--listen", "127.0.0.1:\(port)", "--record", directory.appendingPathComponent("r.cachescope").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        _ = try await ServeCommandLineTests.fetch("http://127.0.0.1:\(port)/healthz")
        try await Task.sleep(for: .seconds(2))
        // The disk fills up under the recording.
        _ = try? system("/bin/dd", ["if=/dev/zero", "of=\(directory.appendingPathComponent("filler").path)", "bs=64k"])
        var stopped = ""
        for _ in 0..<40 where stopped.isEmpty {
            try await Task.sleep(for: .milliseconds(500))
            stopped =
                (try String(contentsOfFile: errors, encoding: .utf8)).split(separator: "\n").first { $0.contains("recording stopped") }.map(
                    String.init) ?? ""
        }
        #expect(stopped.contains("the disk is full"), "\(stopped)")
        // Monitoring goes on: serve still answers with the server's figures.
        #expect(process.isRunning)
        let metrics = try await ServeCommandLineTests.fetch("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.status == 200 && metrics.body.contains("redis_up"))
    }

    @Test func keyspaceSamplesAreRecordedOnTheirSchedule() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        try await redis.send((0..<300).map { RESPCommand("SET", key: Array("user:\($0)".utf8), ["v"]) })
        await redis.close()
        let file = try scratch().appendingPathComponent("r.cachescope").path
        let recording = try recorder(["--redis", server.url(), "record", "--to", file, "--keyspace-every", "2s"])
        try await Task.sleep(for: .seconds(6))
        recording.interrupt()
        await recording.exited()
        #expect(recording.terminationStatus == 0)
        let store = try await RecordingStore.openForReading(file)
        let samples = try await store.samples(kind: "keyspace", in: 0...Int64.max)
        await store.close()
        #expect(!samples.isEmpty, "a keyspace sample every 2 s")
        let document = try #require(samples.first?.documentJSON)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(parsed["backend"] as? String == "redis")
        #expect(parsed["totalKeys"] as? Int == 300, "\(document.prefix(300))")
        #expect(document.contains("user:"))
        // The whole report too, as the replay's insights read it: at the recording's end, and none before the
        // first sample.
        let reader = try await RecordingReader.open(file)
        let last = try #require(try await reader.insight(RecordedKeyspace.self, of: "redis", at: Int64.max))
        #expect(last.insight.report.totalKeys == 300)
        #expect(last.insight.report.root.children.contains { $0.prefix == Array("user:".utf8) })
        #expect(try await reader.insight(RecordedKeyspace.self, of: "redis", at: last.atMilliseconds - 1_000_000) == nil)
        #expect(try await reader.insight(RecordedKeyspace.self, of: "another", at: Int64.max) == nil)
        await reader.close()
        if DashboardEndToEndTests.enabled, let binary = CommandLineTests.binary?.path {
            // `i` in the replay: the recorded analysis, saying when it was taken.
            let replay = try TmuxSession(command: "\(binary) replay \(file)")
            defer { replay.close() }
            try await replay.waitFor(" REPLAY ")
            try await replay.waitFor("1/1 up")
            replay.send(["i"])
            try await replay.waitFor("user:")
            try await replay.waitFor("recorded ")
            #expect(try replay.screen().contains("300 keys"))
            // Before the first sample: none recorded by then, and the screen says so.
            replay.send(["{"])
            try await replay.waitFor("no keyspace or traffic sample of redis was recorded")
            replay.send(["q"])
        }
        // off: none.
        let quiet = try scratch().appendingPathComponent("r.cachescope").path
        let off = try recorder(["--redis", server.url(), "record", "--to", quiet, "--keyspace-every", "off"])
        try await Task.sleep(for: .seconds(3))
        off.interrupt()
        await off.exited()
        let quietStore = try await RecordingStore.openForReading(quiet)
        #expect(try await quietStore.samples(kind: "keyspace", in: 0...Int64.max).isEmpty)
        await quietStore.close()
    }

    @Test func trafficSamplesAreRecordedWhenAskedAndChangeNoSettingWithoutConsent() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let admin = RedisClient(url: url)
        defer { Task { await admin.close() } }
        let before = try await admin.send([RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])])[0].array?.last?.string
        let file = try scratch().appendingPathComponent("t.cachescope").path
        let recording = try recorder([
            "--redis", server.url(), "record", "--to", file, "--keyspace-every", "off", "--traffic-every", "5s", "--traffic-for", "2s",
        ])
        // An application reading and writing `cart:` keys while the recorder listens.
        let app = RedisClient(url: url, configuration: .init(clientName: "app"))
        let deadline = ContinuousClock.now + .seconds(9)
        var round = 0
        while ContinuousClock.now < deadline {
            _ = try await app.send([
                RESPCommand("SET", key: Array("cart:\(round % 7)".utf8), ["v"]), RESPCommand("GET", key: Array("cart:\(round % 5)".utf8)),
            ])
            round += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        await app.close()
        recording.interrupt()
        await recording.exited()
        #expect(recording.terminationStatus == 0)
        let after = try await admin.send([RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])])[0].array?.last?.string
        #expect(after == before, "no setting changed without --traffic-change-settings")
        let store = try await RecordingStore.openForReading(file)
        let documents = try await store.samples(kind: "traffic", in: 0...Int64.max)
        await store.close()
        let document = try #require(documents.first?.documentJSON, "a traffic sample 5 s in")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(parsed["method"] as? String == "monitor", "\(document.prefix(300))")
        #expect(document.contains("cart:"))
        let reader = try await RecordingReader.open(file)
        let recorded = try #require(try await reader.insight(RecordedTraffic.self, of: "redis", at: Int64.max))
        #expect(recorded.insight.report.root.reads > 0 && recorded.insight.report.root.writes > 0)
        #expect(recorded.insight.report.root.children.contains { $0.prefix == Array("cart:".utf8) })
        await reader.close()
    }

    @Test func badFilesAndTimesAreOneLine() async throws {
        let directory = try scratch()
        let text = directory.appendingPathComponent("notes.txt").path
        try String(repeating: "hello\n", count: 1000).write(toFile: text, atomically: true, encoding: .utf8)
        for (arguments, expected) in [
            (["replay", text, "--at", "-1s", "--json"], "not a cachescope recording"),
            (["replay", directory.appendingPathComponent("missing").path, "--at", "-1s", "--json"], "no such recording"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", text], "not a cachescope recording"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--keep", "soon"], "--keep 'soon'"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--max-size", "12"], "--max-size '12'"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--keyspace-every", "soon"], "--keyspace-every 'soon'"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--traffic-every", "1s"], "--traffic-every '1s'"),
            (["--redis", "redis://127.0.0.1:1", "record", "--to", "x", "--traffic-for", "10m"], "--traffic-for '10m'"),
            (["--redis", "redis://127.0.0.1:1", "--record", "x", "--record-traffic-every", "often"], "--record-traffic-every 'often'"),
        ] {
            let result = try await commandLine.run(arguments)
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
