import Foundation
import RESP
import TestSupport
import Testing

/// `invalidate --route` and `--memoized [--sweep]` on keys laid out exactly as Flask-Caching 2.5 writes
/// them with cachelib's RedisCache (captured from a real app).
@Suite struct FlaskCachingCommandLineTests {
    let cli = CommandLineTests()

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func routeAndMemoizedInvalidationOnAFlaskCachingLayout() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        let version: (String) -> [UInt8] = { token in
            Array("!".utf8) + [0x80, 0x05, 0x95, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x06] + Array(token.utf8) + [0x94, UInt8(ascii: ".")]
        }
        let result: [UInt8] = Array("!".utf8) + [0x80, 0x05, 0x4B, 0x04, UInt8(ascii: ".")]
        var commands = [
            RESPCommand("SET", [Array("flask_cache___main__.expensive_memver".utf8), version("FxvLvy")]),
            RESPCommand("SET", [Array("flask_cache___main__.other_memver".utf8), version("JpvIrO")]),
        ]
        for key in [
            "0Kb3lDKnQwwINdkOFxvLvy", "Gt9xvvcm1xc/vp5uFxvLvy", "QtU/408qTAJVufrVFxvLvy", "wTcfe+MGxnVqdp/uFxvLvy", "7iIOwNZCKG3FEx3sJpvIrO",
            "HKWo+wHAd24G7AaFJpvIrO",
        ] {
            commands.append(RESPCommand("SET", [Array("flask_cache_\(key)".utf8), result]))
        }
        for key in [
            "view//api/users", "view//api/users/7", "view//api/weather" + String(repeating: "7e17", count: 16),
            "view//api/weather" + String(repeating: "b6d3", count: 16),
        ] {
            commands.append(RESPCommand("SET", ["flask_cache_\(key)", "page"]))
        }
        try await redis.send(commands)

        let route = try json(try await cli.run(["invalidate", "--redis", server.url(), "--route", "/api/users", "--yes", "--json"]).output)
        #expect(route["deleted"] as? Int == 1, "only /api/users, not /api/users/7")
        let weather = try json(try await cli.run(["invalidate", "--redis", server.url(), "--route", "/api/weather", "--yes", "--json"]).output)
        #expect(weather["deleted"] as? Int == 2, "both query-string variants")
        let dry = try json(
            try await cli.run(["invalidate", "--redis", server.url(), "--memoized", "__main__.expensive", "--sweep", "--dry-run", "--json"]).output)
        #expect(dry["matched"] as? Int == 5 && dry["deleted"] as? Int == 0, "the version key and 4 results")
        let swept = try json(
            try await cli.run(["invalidate", "--redis", server.url(), "--memoized", "__main__.expensive", "--sweep", "--yes", "--json"]).output)
        #expect(swept["deleted"] as? Int == 5)
        let remaining = try await redis.send(RESPCommand("DBSIZE")).integer
        #expect(remaining == 4, "the other function's version key and 2 results, and /api/users/7")
        let versionOnly = try json(
            try await cli.run(["invalidate", "--redis", server.url(), "--memoized", "__main__.other", "--yes", "--json"]).output)
        #expect(versionOnly["deleted"] as? Int == 1)
        #expect(try await cli.run(["invalidate", "--redis", server.url(), "--sweep", "--prefix", "x"]).status == 2)
        #expect(try await cli.run(["invalidate", "--redis", server.url(), "--route", "/a", "--prefix", "x"]).status == 2)
        await redis.close()
    }
}
