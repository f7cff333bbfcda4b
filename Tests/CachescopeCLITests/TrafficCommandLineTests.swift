import Foundation
import Memcache
import RESP
import TestSupport
import Testing

/// `cachescope traffic` as a user runs it: the JSON contract, a setting changed only with `--yes` and put back
/// also on SIGTERM, `--read-only`, bad input.
@Suite(.serialized) struct TrafficCommandLineTests {
    func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").first { $0.hasPrefix("{") }.map(String.init) ?? text
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    /// The binary started in the background, with its output collected.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let pipe = Pipe()
        private let errors = Pipe()

        init(_ arguments: [String]) throws {
            let binary = try #require(CommandLineTests.binary)
            process.executableURL = binary
            process.arguments = arguments
            process.standardOutput = pipe
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits for the end: the exit status, standard output and standard error.
        func finish() -> (status: Int32, output: String, errors: String) {
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            let errorText = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errorText, as: UTF8.self))
        }
    }

    /// Waits until the server shows a `MONITOR` connection (the sample listens), then a moment more.
    func waitForMonitor(_ client: RedisClient) async throws {
        for _ in 0..<600 {
            let list = try await client.send(RESPCommand("CLIENT", ["LIST"])).string ?? ""
            if list.contains("cmd=monitor") {
                try await Task.sleep(for: .milliseconds(300))
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no MONITOR connection appeared")
    }

    /// Waits until memcached shows a `watch` connection (the sample listens), then a moment more.
    func waitForWatcher(_ address: String) async throws {
        let parts = address.split(separator: ":")
        for _ in 0..<600 {
            let host = String(parts[0])
            let port = Int(parts[1]) ?? 0
            let stats = (try? await offThePool { try TestServers.exchange(host: host, port: port, "stats conns\r\n") }) ?? ""
            if stats.contains("conn_watch") {
                try await Task.sleep(for: .milliseconds(300))
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no watch connection appeared")
    }

    func notifyEvents(_ client: RedisClient) async throws -> String? {
        try await client.send(RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])).array?.last?.string
    }

    @Test func memcachedJSONHasTheContractFields() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let client = MemcachedClient(address: try MemcachedAddress(parsing: server.address))
        _ = try await client.send([try .store(.set, key: Array("user:1".utf8), value: [1]), try .store(.set, key: Array("user:2".utf8), value: [1])])
        // Listening until stopped (SIGTERM, as Ctrl-C): the workload is inside the sample however slow the machine.
        let running = try Running(["traffic", "--memcached", server.address, "--duration", "60s", "--json", "--top", "3"])
        try await waitForWatcher(server.address)
        for id in 0..<30 { _ = try await client.get([Array("user:\(id % 3 == 2 ? 2 : 1)".utf8)]) }
        for id in 0..<10 { _ = try await client.get([Array("miss:\(id % 2)".utf8)]) }
        try await Task.sleep(for: .milliseconds(500))
        running.process.terminate()
        let result = try await offThePool { running.finish() }
        await client.close()
        #expect(result.status == 0, "\(result.errors)")
        let document = try json(result.output)
        for field in ["backend", "type", "method", "durationMs", "reads", "writes", "prefixes", "hotKeys", "missStorms"] {
            #expect(document[field] != nil, "\(field) is there")
        }
        #expect(document["method"] as? String == "watch" && document["type"] as? String == "memcached")
        #expect(document["reads"] as? Int == 40)
        let prefixes = try #require(document["prefixes"] as? [[String: Any]])
        let user = try #require(prefixes.first { $0["prefix"] as? String == "user:" }, "\(prefixes)")
        for field in ["prefix", "depth", "reads", "hits", "misses", "hitRatio", "writes"] { #expect(user[field] != nil, "\(field) in a prefix") }
        #expect(user["hitRatio"] as? Double == 1.0 && user["reads"] as? Int == 30 && user["depth"] as? Int == 1)
        let miss = try #require(prefixes.first { $0["prefix"] as? String == "miss:" })
        #expect(miss["hitRatio"] as? Double == 0.0)
        let hot = try #require(document["hotKeys"] as? [[String: Any]])
        #expect(hot.first?["key"] as? String == "user:1" && hot.first?["reads"] as? Int == 20)
        #expect(abs((hot.first?["share"] as? Double ?? 0) - 0.5) < 0.001)
        for key in hot { #expect(Set(key.keys) == ["key", "reads", "share", "misses"]) }
        let storms = try #require(document["missStorms"] as? [[String: Any]])
        #expect(Set(storms.compactMap { $0["key"] as? String }) == ["miss:0", "miss:1"])
    }

    @Test func redisWithoutYesChangesNothingAndSaysWhatItCouldNotMeasure() async throws {
        guard let server = try RedisServerProcess() else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "app"))
        let running = try Running(["traffic", "--redis", server.url(), "--duration", "60s", "--json"])
        try await waitForMonitor(client)
        for _ in 0..<20 { try await client.send(RESPCommand("GET", key: Array("page:home".utf8))) }
        try await Task.sleep(for: .milliseconds(500))
        running.process.terminate()
        let result = try await offThePool { running.finish() }
        #expect(result.status == 0, "\(result.errors)")
        let document = try json(result.output)
        #expect(document["method"] as? String == "monitor")
        let prefixes = try #require(document["prefixes"] as? [[String: Any]])
        let page = try #require(prefixes.first { $0["prefix"] as? String == "page:home" })
        #expect(page["reads"] as? Int == 20 && page["hitRatio"] is NSNull && page["misses"] is NSNull)
        #expect(result.errors.contains("not changing notify-keyspace-events"), "\(result.errors)")
        #expect(try await notifyEvents(client) == "")
        let url = server.url()
        let readOnly = try await CommandLineTests().run(["traffic", "--redis", url, "--duration", "200ms", "--yes", "--read-only", "--json"])
        #expect(readOnly.status == 0)
        #expect(readOnly.output.contains("--read-only: not changing"))
        #expect(try await notifyEvents(client) == "")
        await client.close()
    }

    @Test func aSettingTurnedOnWithYesIsPutBackOnSIGTERM() async throws {
        guard let server = try RedisServerProcess() else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "app"))
        try await client.send(RESPCommand("CONFIG", ["SET", "notify-keyspace-events", "Kx"]))
        let running = try Running(["traffic", "--redis", server.url(), "--duration", "60s", "--yes", "--json"])
        var changed = false
        for _ in 0..<100 where !changed {
            try await Task.sleep(for: .milliseconds(50))
            changed = try await notifyEvents(client) == "xKEm"
        }
        #expect(changed, "the sample turned key-miss events on")
        try await waitForMonitor(client)
        for id in 0..<5 { try await client.send(RESPCommand("GET", key: Array("gone:\(id)".utf8))) }
        try await Task.sleep(for: .milliseconds(300))
        running.process.terminate()
        let result = try await offThePool { running.finish() }
        #expect(result.status == 0, "\(result.errors)")
        #expect(try await notifyEvents(client) == "xK")
        let document = try json(result.output)
        #expect(document["stopped"] as? Bool == true && document["method"] as? String == "monitor+keymiss")
        let prefixes = try #require(document["prefixes"] as? [[String: Any]])
        #expect(prefixes.first { $0["prefix"] as? String == "gone:" }?["hitRatio"] as? Double == 0)
        await client.close()
    }

    @Test func badInputIsOneLine() async throws {
        let cli = CommandLineTests()
        for arguments in [["--duration", "forever"], ["--duration", "10m"], ["--top", "-1"], ["--depth", "0"]] {
            let result = try await cli.run(["traffic", "--memcached", "127.0.0.1:1"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.output)")
        }
        let dead = try await cli.run(["traffic", "--memcached", "127.0.0.1:\(TestServers.freePort())", "--duration", "1s"])
        #expect(dead.status == 1)
        #expect(dead.output.split(separator: "\n").count == 1, "\(dead.output)")
    }
}
