import Foundation
import TestSupport
import Testing

/// The configuration file: backends from `[[backend]]` tables, the XDG default location, and one-line errors
/// naming the file, the line and the field.
@Suite struct ConfigFileTests {
    let cli = CommandLineTests()

    /// A fresh directory holding `cachescope/config.toml` with `text`; returns the directory (an XDG_CONFIG_HOME).
    func configHome(_ text: String) throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("cachescope"), withIntermediateDirectories: true)
        try text.write(to: home.appendingPathComponent("cachescope/config.toml"), atomically: true, encoding: .utf8)
        return home
    }

    func json(_ text: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
        return try #require(document["backends"] as? [[String: Any]])
    }

    @Test func backendsComeFromTheFileFirstThenTheFlags() async throws {
        let home = try configHome(
            """
            refresh = "2s"

            [[backend]]
            name = "sessions"
            type = "RedisCache"
            url = "redis://127.0.0.1:\(TestServers.freePort())/0"
            password_env = "CACHESCOPE_TEST_SESSIONS_PASSWORD"
            key_prefix = "flask_cache_"

            [[backend]]
            type = "memcached"
            servers = ["127.0.0.1:\(TestServers.freePort())", "127.0.0.1:\(TestServers.freePort())"]
            """)
        let result = try await cli.run(
            ["snapshot", "--json", "--interval", "100ms", "--memcached", "127.0.0.1:\(TestServers.freePort())"],
            environment: ["XDG_CONFIG_HOME": home.path, "CACHESCOPE_TEST_SESSIONS_PASSWORD": "hunter2"]
        )
        #expect(result.status == 0, "\(result.output)")
        let backends = try json(result.output)
        #expect(backends.compactMap { $0["name"] as? String } == ["sessions", "memcached1", "memcached2"])
        #expect(!result.output.contains("hunter2"), "the password never appears")
        #expect((backends[1]["address"] as? String ?? "").contains(","), "a pool is one backend")
        let explicit = try await cli.run(
            ["snapshot", "--json", "--interval", "100ms", "--config", home.appendingPathComponent("cachescope/config.toml").path],
            environment: ["XDG_CONFIG_HOME": "/nonexistent", "CACHESCOPE_TEST_SESSIONS_PASSWORD": "x"]
        )
        #expect(try json(explicit.output).count == 2)
    }

    /// Every mistake the parser finds is covered by SettingsTests without the binary; here, that the command
    /// turns one into a single line on standard error and exit status 2.
    @Test(arguments: [
        ("[[backend]]\ntype = \"mongodb\"\n", ":2:", "unknown type 'mongodb'"),
        ("[[backend]\nname = 1\n", ":1:", "expected"),
    ])
    func mistakesAreOneLineWithFileLineAndFieldAndExitTwo(text: String, line: String, detail: String) async throws {
        let home = try configHome(text)
        let path = home.appendingPathComponent("cachescope/config.toml").path
        let result = try await cli.run(["snapshot", "--config", path])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
        #expect(result.output.contains(path + line), "\(result.output)")
        #expect(result.output.contains(detail), "\(result.output)")
    }

    @Test func aMissingExplicitFileIsAUsageError() async throws {
        let result = try await cli.run(["keys", "--config", "/nonexistent/cachescope.toml"])
        #expect(result.status == 2 && result.output.contains("/nonexistent/cachescope.toml"))
    }
}
