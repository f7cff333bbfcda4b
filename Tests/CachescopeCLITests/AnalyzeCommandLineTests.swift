import Foundation
import Memcache
import RESP
import TestSupport
import Testing

/// `cachescope analyze` as a user runs it: the JSON contract, the table, exit codes, odd keys, memcached.
@Suite struct AnalyzeCommandLineTests {
    let cli = CommandLineTests()

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func theJSONHasTheContractFieldsAndEveryFigureIsExactWithSampleAll() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        try await redis.send((0..<300).map { RESPCommand("SET", key: Array("sess:\($0)".utf8), ["v", "EX", 30]) })
        try await redis.send((0..<100).map { RESPCommand("SET", key: Array("flask_cache_view//api/users/\($0)".utf8), ["page"]) })
        try await redis.send([
            RESPCommand("HSET", key: Array("big:hash".utf8), (0..<1000).flatMap { ["f\($0)", "value"] as [any RESPArgument] }),
            RESPCommand("SET", key: [0xFF, 0x00] + Array("odd\nkey".utf8), ["x"]),
        ])
        let result = try await cli.run(["analyze", "--redis", server.url(), "--sample", "all", "--json", "--depth", "3", "--top", "5"])
        #expect(result.status == 0, "\(result.output)")
        let document = try json(result.output)
        for field in ["backend", "type", "sampledKeys", "totalKeys", "estimated", "elapsedMs", "prefixes", "bigKeys", "memorySource"] {
            #expect(document[field] != nil, "\(field) is there")
        }
        #expect(document["backend"] as? String == "redis" && document["type"] as? String == "redis")
        #expect(document["totalKeys"] as? Int == 402 && document["sampledKeys"] as? Int == 402 && document["estimated"] as? Bool == false)
        #expect(document["memorySource"] as? String == "memory-usage")
        let prefixes = try #require(document["prefixes"] as? [[String: Any]])
        let session = try #require(prefixes.first { $0["prefix"] as? String == "sess:" })
        for field in ["prefix", "depth", "keys", "memoryBytes", "share", "noTtlKeys", "ttl", "neverRead"] {
            #expect(session[field] != nil, "\(field) in a prefix")
        }
        #expect(session["keys"] as? Int == 300 && session["depth"] as? Int == 1 && session["noTtlKeys"] as? Int == 0)
        let ttl = try #require(session["ttl"] as? [String: Int])
        #expect(Set(ttl.keys) == ["none", "lt1m", "lt1h", "lt1d", "ge1d"] && ttl["lt1m"] == 300 && ttl.values.reduce(0, +) == 300)
        #expect(session["neverRead"] is NSNull, "Redis cannot tell")
        #expect(prefixes.contains { $0["prefix"] as? String == "flask_cache_view//api/users/" }, "the route's keys are one group")
        #expect(prefixes.contains { $0["prefix"] as? String == "\\xFF\\x00odd\\x0Akey" } == false, "a key without delimiter is no group")
        let bigKeys = try #require(document["bigKeys"] as? [[String: Any]])
        #expect(bigKeys.count == 5)
        #expect(
            bigKeys.first?["key"] as? String == "big:hash" && bigKeys.first?["elements"] as? Int == 1000
                && bigKeys.first?["type"] as? String == "hash")
        #expect(bigKeys.first?["ttlMs"] as? Int == -1 && bigKeys.first?["node"] is NSNull)
        for key in bigKeys { #expect(Set(key.keys) == ["key", "type", "memoryBytes", "elements", "ttlMs", "node"]) }
        let table = try await cli.run(["analyze", "--redis", server.url()])
        #expect(table.status == 0)
        #expect(
            table.output.contains("402 keys, every one read") && table.output.contains("sess:") && table.output.contains("BIG KEY"), "\(table.output)"
        )
        await redis.close()
    }

    /// Keys as Flask-Caching 2.5 writes them (captured from a real app): memoized results are listed per
    /// function, with what the group is in `flask`, and a route's keys as the route.
    @Test func flaskCachingGroupsSayWhichFunctionOrRoute() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        let version: (String) -> [UInt8] = { token in
            Array("!".utf8) + [0x80, 0x05, 0x95, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x06] + Array(token.utf8) + [0x94, UInt8(ascii: ".")]
        }
        var commands = [RESPCommand("SET", [Array("flask_cache___main__.expensive_memver".utf8), version("FxvLvy")])]
        for key in ["0Kb3lDKnQwwINdkOFxvLvy", "Gt9xvvcm1xc/vp5uFxvLvy", "QtU/408qTAJVufrVFxvLvy", "7iIOwNZCKG3FEx3sJpvIrO"] {
            commands.append(RESPCommand("SET", [Array("flask_cache_\(key)".utf8), "result"]))
        }
        for key in ["view//api/users", "view//api/users" + String(repeating: "7e17", count: 8), "view//api/users/7", "view//api/users/8"] {
            commands.append(RESPCommand("SET", ["flask_cache_\(key)", "page"]))
        }
        try await redis.send(commands)
        let result = try await cli.run(["analyze", "--redis", server.url(), "--json", "--depth", "4"])
        #expect(result.status == 0, "\(result.output)")
        let prefixes = try #require(try json(result.output)["prefixes"] as? [[String: Any]])
        let memoized = prefixes.filter { ($0["flask"] as? [String: Any])?["kind"] as? String == "memoized" }
        #expect(memoized.count == 1)
        #expect((memoized.first?["flask"] as? [String: Any])?["function"] as? String == "__main__.expensive")
        #expect(
            memoized.first?["keys"] as? Int == 3 && memoized.first?["prefix"] as? String == "flask_cache_" && memoized.first?["depth"] as? Int == 2)
        let stale = prefixes.filter { ($0["flask"] as? [String: Any])?["kind"] as? String == "stale-memoized" }
        #expect(stale.first?["keys"] as? Int == 1, "a version no version key holds")
        let route = try #require(prefixes.first { $0["prefix"] as? String == "flask_cache_view//api/users" })
        #expect(route["keys"] as? Int == 2 && (route["flask"] as? [String: Any])?["route"] as? String == "/api/users")
        #expect(prefixes.first { $0["prefix"] as? String == "flask_cache_view//api/users/" }?["flask"] is NSNull, "a plain prefix")
        let table = try await cli.run(["analyze", "--redis", server.url(), "--depth", "4"]).output
        #expect(table.contains("flask_cache_ [memoized __main__.expensive]"), "\(table)")
        await redis.close()
    }

    @Test func badInputIsAUsageErrorAndADeadServerABackendFailure() async throws {
        let unknown = try await cli.run(["analyze", "nosuch", "--redis", "redis://127.0.0.1:1"])
        #expect(unknown.status == 2 && unknown.output.contains("the backends are"), "\(unknown.output)")
        #expect(try await cli.run(["analyze", "--redis", "redis://127.0.0.1:1", "--sample", "5"]).status == 2)
        #expect(try await cli.run(["analyze", "--redis", "redis://127.0.0.1:1", "--sample", "lots"]).status == 2)
        #expect(try await cli.run(["analyze", "--redis", "redis://127.0.0.1:1", "--depth", "0"]).status == 2)
        let dead = try await cli.run(["analyze", "--redis", "redis://127.0.0.1:\(TestServers.freePort())"])
        #expect(dead.status == 1 && dead.output.split(separator: "\n").count == 1, "\(dead.output)")
    }

    @Test func anEmptyDatabaseIsAnEmptyTable() async throws {
        guard let server = try RedisServerProcess() else { return }
        let result = try await cli.run(["analyze", "--redis", server.url()])
        #expect(result.status == 0 && result.output.contains("0 keys") && result.output.contains("no keys"), "\(result.output)")
        let json = try self.json(try await cli.run(["analyze", "--redis", server.url(), "--json"]).output)
        #expect((json["prefixes"] as? [Any])?.isEmpty == true && json["totalKeys"] as? Int == 0)
    }

    @Test func memcachedSaysWhatWasNeverRead() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let client = MemcachedClient(address: try MemcachedAddress(parsing: server.address))
        _ = try await client.send(try (0..<40).map { try .store(.set, key: Array("page:\($0)".utf8), value: [1, 2, 3]) })
        _ = try await client.send(try (0..<10).map { try .get([Array("page:\($0)".utf8)]) })
        await client.close()
        let result = try await cli.run(["analyze", "--memcached", server.address, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let document = try json(result.output)
        #expect(document["type"] as? String == "memcached" && document["estimated"] as? Bool == false)
        let page = try #require((document["prefixes"] as? [[String: Any]])?.first { $0["prefix"] as? String == "page:" })
        #expect(page["neverRead"] as? Int == 30 && page["keys"] as? Int == 40)
        // A pool with a server down: the others are read, the dead one is named.
        let pool = try await cli.run(["analyze", "--memcached", "\(server.address),127.0.0.1:1", "--json"])
        #expect(pool.status == 0, "\(pool.output)")
        let partial = try json(pool.output)
        #expect(partial["totalKeys"] as? Int == 40)
        let missing = try #require(partial["missingNodes"] as? [[String: Any]])
        #expect(missing.count == 1 && missing.first?["address"] as? String == "127.0.0.1:1")
        #expect(try await cli.run(["analyze", "--memcached", "127.0.0.1:1,127.0.0.1:2"]).status == 1, "none answers: a backend failure")
    }
}
