import Foundation
import RESP
import TestSupport
import Testing

/// `cachescope keys` and `cachescope invalidate` against the test Redis: output contracts (JSON field names),
/// confirmation, and exit codes.
@Suite struct RedisCommandLineTests {
    static let enabled = TestServers.redis != nil
    let cli = CommandLineTests()

    func seed(_ keys: [[UInt8]], ttl: Int? = 600) async throws -> RedisClient {
        let redis = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        try await redis.send(keys.map { RESPCommand("SET", key: $0, ttl.map { ["value", "EX", $0] } ?? ["value"]) })
        return redis
    }

    func url() throws -> String { try #require(TestServers.redisURL()) }

    func unique() -> String { "cli-test:\(UUID().uuidString.prefix(8)):" }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func keysJSONHasTheContractFields() async throws {
        let prefix = unique()
        let written = Date()
        let redis = try await seed([Array((prefix + "a").utf8), Array((prefix + "line\nbreak").utf8)])
        try await redis.send(RESPCommand("SET", key: Array((prefix + "forever").utf8), ["x"]))
        let result = try await cli.run(["keys", "--redis", try url(), "--prefix", prefix, "--json"])
        let elapsed = Date().timeIntervalSince(written)
        #expect(result.status == 0)
        let document = try json(result.output)
        let keys = try #require(document["keys"] as? [[String: Any]])
        #expect(document["more"] as? Bool == false)
        #expect(Set(keys.compactMap { $0["key"] as? String }) == [prefix + "a", prefix + "line\\x0Abreak", prefix + "forever"])
        for key in keys {
            #expect(Set(key.keys) == ["key", "type", "ttlMs", "size"])
            #expect(key["type"] as? String == "string")
            #expect(key["size"] is Int)
        }
        #expect(keys.first { $0["key"] as? String == prefix + "forever" }?["ttlMs"] as? Int == -1)
        let ttl = Double(keys.first { $0["key"] as? String == prefix + "a" }?["ttlMs"] as? Int ?? 0)
        #expect(ttl <= 600_000 && ttl >= (600 - elapsed - 1) * 1000, "ttl \(ttl) ms, \(elapsed) s after writing")
        try await redis.deleteKeys(withPrefix: Array(prefix.utf8))
        await redis.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func keysStopsAtTheLimitAndSaysThereIsMore() async throws {
        let prefix = unique()
        let redis = try await seed((0..<25).map { Array((prefix + "\($0)").utf8) })
        let limited = try json(try await cli.run(["keys", "--redis", try url(), "--prefix", prefix, "--limit", "10", "--json"]).output)
        #expect((limited["keys"] as? [Any])?.count == 10)
        #expect(limited["more"] as? Bool == true)
        let exact = try json(try await cli.run(["keys", "--redis", try url(), "--prefix", prefix, "--limit", "25", "--json"]).output)
        #expect((exact["keys"] as? [Any])?.count == 25)
        #expect(exact["more"] as? Bool == false)
        let table = try await cli.run(["keys", "--redis", try url(), "--match", prefix + "1*", "--limit", "100"])
        #expect(table.status == 0)
        #expect(table.output.contains("TYPE"))
        #expect(table.output.contains(prefix + "12"))
        #expect(!table.output.contains(prefix + "2\n"))
        try await redis.deleteKeys(withPrefix: Array(prefix.utf8))
        await redis.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func invalidatePrefixWithYesDeletesAndReportsJSON() async throws {
        let prefix = unique()
        let redis = try await seed((0..<50).map { Array((prefix + "p:\($0)").utf8) } + [Array((prefix + "keep").utf8)])
        let dry = try json(try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix + "p:", "--dry-run", "--json"]).output)
        #expect(dry["matched"] as? Int == 50)
        #expect(dry["deleted"] as? Int == 0)
        #expect(dry["method"] as? String == "scan", "a dry run counts on the client side")
        let result = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix + "p:", "--yes", "--json"])
        #expect(result.status == 0)
        let document = try json(result.output)
        #expect(Set(document.keys) == ["matched", "deleted", "elapsedMs", "method"])
        #expect(document["method"] as? String == "script")
        #expect(document["matched"] as? Int == 50)
        #expect(document["deleted"] as? Int == 50)
        #expect(try await redis.send(RESPCommand("EXISTS", keys: [Array((prefix + "keep").utf8)])).integer == 1)
        try await redis.deleteKeys(withPrefix: Array(prefix.utf8))
        await redis.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func invalidateAsksFirstAndANoDeletesNothing() async throws {
        let prefix = unique()
        let redis = try await seed((0..<5).map { Array((prefix + "\($0)").utf8) })
        let declined = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix], input: "n\n")
        #expect(declined.status == 0)
        #expect(declined.output.contains("Delete 5 keys starting with \(prefix)"))
        #expect(declined.output.contains("Nothing deleted."))
        #expect(try await redis.send(RESPCommand("EXISTS", keys: (0..<5).map { Array((prefix + "\($0)").utf8) })).integer == 5)
        let noAnswer = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix])
        #expect(noAnswer.status == 2)
        #expect(noAnswer.output.contains("--yes"))
        let accepted = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix], input: "y\n")
        #expect(accepted.status == 0)
        #expect(accepted.output.contains("Deleted 5 of 5"))
        await redis.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func invalidateKeysTakesTheEscapeFormBackExactly() async throws {
        let prefix = unique()
        let binary = Array(prefix.utf8) + [0xFF, 0x0A, 0x5C]
        let redis = try await seed([binary, Array((prefix + "other").utf8)])
        let listed = try json(try await cli.run(["keys", "--redis", try url(), "--prefix", prefix, "--json"]).output)
        let escaped = try #require((listed["keys"] as? [[String: Any]])?.compactMap { $0["key"] as? String }.first { $0.hasSuffix("\\xFF\\x0A\\\\") })
        let result = try await cli.run(["invalidate", "--redis", try url(), "--key", escaped, "--yes", "--json"])
        #expect(try json(result.output)["deleted"] as? Int == 1)
        #expect(try await redis.send(RESPCommand("EXISTS", keys: [binary])).integer == 0)
        #expect(try await redis.send(RESPCommand("EXISTS", keys: [Array((prefix + "other").utf8)])).integer == 1)
        try await redis.deleteKeys(withPrefix: Array(prefix.utf8))
        await redis.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: TestServers.skipMessage)))
    func readOnlyRefusesWithExitThreeAndTouchesNothing() async throws {
        let prefix = unique()
        let redis = try await seed([Array((prefix + "a").utf8)])
        let refused = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix, "--yes", "--read-only"])
        #expect(refused.status == 3)
        #expect(refused.output.contains("--read-only"))
        let refusedKey = try await cli.run(["--read-only", "invalidate", "--redis", try url(), "--key", prefix + "a", "--yes"])
        #expect(refusedKey.status == 3, "--read-only before the subcommand counts too")
        #expect(try await redis.send(RESPCommand("EXISTS", keys: [Array((prefix + "a").utf8)])).integer == 1)
        let dryRun = try await cli.run(["invalidate", "--redis", try url(), "--prefix", prefix, "--dry-run", "--read-only", "--json"])
        #expect(dryRun.status == 0, "a dry run touches nothing, so --read-only allows it")
        try await redis.deleteKeys(withPrefix: Array(prefix.utf8))
        await redis.close()
    }

    @Test func anUnreachableBackendExitsWithOneAndOneLine() async throws {
        let result = try await cli.run(["keys", "--redis", "redis://127.0.0.1:\(TestServers.freePort())"])
        #expect(result.status == 1)
        #expect(result.output.contains("connection refused"))
        #expect(result.output.split(separator: "\n").count == 1)
        #expect(!result.output.contains("TYPE"), "nothing is printed before the connection works")
    }

    @Test func usageAndConfigurationErrorsExitWithTwo() async throws {
        #expect(try await cli.run(["keys", "--redis", "redis://:hunter2@h:notaport"]).status == 2)
        #expect(!(try await cli.run(["keys", "--redis", "redis://:hunter2@h:notaport"]).output.contains("hunter2")))
        #expect(try await cli.run(["keys"]).status == 2)
        #expect(try await cli.run(["keys", "--redis", "redis://a:1", "--redis", "redis://b:2"]).status == 2)
        #expect(try await cli.run(["keys", "--redis", "redis://a:1", "--prefix", "a", "--match", "b*"]).status == 2)
        #expect(try await cli.run(["keys", "--redis", "redis://a:1", "--limit", "0"]).status == 2)
        #expect(try await cli.run(["invalidate", "--redis", "redis://a:1"]).status == 2)
        #expect(try await cli.run(["invalidate", "--redis", "redis://a:1", "--prefix", ""]).status == 2)
        #expect(try await cli.run(["invalidate", "--redis", "redis://a:1", "--key", "bad\\q", "--yes"]).status == 2)
    }
}
