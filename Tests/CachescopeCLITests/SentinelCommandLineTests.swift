import Foundation
import RESP
import TestSupport
import Testing

/// `--redis redis+sentinel://…` and `type = "redis-sentinel"`, as a user runs them: the backend's address is the
/// master's, keys are listed and invalidated on it; a wrong service name is one line naming it.
@Suite(.serialized) struct SentinelCommandLineTests {
    static let installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-sentinel")

    func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").first { $0.hasPrefix("{") }.map(String.init) ?? text
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test(.enabled(if: installed, Comment(rawValue: "redis-sentinel is not installed (scripts/test.sh installs it)")))
    func snapshotKeysAndInvalidateThroughSentinel() async throws {
        guard let master = try RedisServerProcess(), let sentinel = try SentinelProcess(masterPort: master.port, quorum: 1) else { return }
        let client = RedisClient(url: try RedisURL(parsing: master.url()))
        try await client.send((0..<5).map { RESPCommand("SET", key: Array("ha:\($0)".utf8), ["v"]) })
        await client.close()
        let url = "redis+sentinel://\(sentinel.address)/mymaster"
        let tests = CommandLineTests()
        let snapshot = try await tests.run(["snapshot", "--redis", url, "--json", "--interval", "200ms"])
        try #require(snapshot.status == 0, "\(snapshot.output)")
        let backend = try #require((try json(snapshot.output)["backends"] as? [[String: Any]])?.first)
        #expect(backend["address"] as? String == "127.0.0.1:\(master.port)", "the master's address")
        #expect(backend["status"] as? String == "up")
        #expect(backend["keys"] as? Int == 5)
        let keys = try await tests.run(["keys", "--redis", url, "--json"])
        let listed = try JSONSerialization.jsonObject(with: Data(keys.output.utf8)) as? [String: Any]
        #expect((listed?["keys"] as? [[String: Any]])?.count == 5, "\(keys.output)")
        let invalidate = try await tests.run(["invalidate", "--redis", url, "--prefix", "ha:", "--yes", "--json"])
        #expect(try json(invalidate.output)["deleted"] as? Int == 5, "\(invalidate.output)")

        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-sentinel-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("cachescope"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try """
        [[backend]]
        name = "ha"
        type = "redis-sentinel"
        sentinels = ["\(sentinel.address)"]
        service = "mymaster"
        """.write(to: home.appendingPathComponent("cachescope/config.toml"), atomically: true, encoding: .utf8)
        let configured = try await tests.run(["snapshot", "--json", "--interval", "200ms"], environment: ["XDG_CONFIG_HOME": home.path])
        let ha = try #require((try json(configured.output)["backends"] as? [[String: Any]])?.first)
        #expect(ha["name"] as? String == "ha" && ha["address"] as? String == "127.0.0.1:\(master.port)", "\(configured.output)")

        let wrong = try await tests.run(["keys", "--redis", "redis+sentinel://\(sentinel.address)/nosuch"])
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("'nosuch'") && wrong.output.split(separator: "\n").count == 1, "\(wrong.output)")
    }
}
