import Foundation
import Memcache
import TestSupport
import Testing

/// `cachescope keys` and `cachescope invalidate` on memcached backends (`--memcached`), against servers this
/// suite starts so every listing is exact.
@Suite struct MemcachedCommandLineTests {
    let cli = CommandLineTests()

    func fill(_ address: String, _ keys: [String], exptime: Int64 = 0) async throws {
        let client = MemcachedClient(address: try MemcachedAddress(parsing: address))
        _ = try await client.send(keys.map { try .store(.set, key: Array($0.utf8), value: Array("v".utf8), exptime: exptime) })
        await client.close()
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func keysJSONKeepsTheContractAndAddsServers() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let written = Date()
        try await fill(first.address, ["a:1", "a:2", "odd%20name/é"], exptime: 300)
        try await fill(second.address, ["a:3", "b:1"])
        let pool = "\(first.address),\(second.address)"
        let result = try await cli.run(["keys", "--memcached", pool, "--json"])
        let elapsed = Date().timeIntervalSince(written)
        #expect(result.status == 0)
        let document = try json(result.output)
        let keys = try #require(document["keys"] as? [[String: Any]])
        #expect(Set(keys.compactMap { $0["key"] as? String }) == ["a:1", "a:2", "odd%20name/é", "a:3", "b:1"])
        for key in keys {
            #expect(Set(key.keys) == ["key", "type", "ttlMs", "size", "server"])
            #expect(key["type"] as? String == "item")
        }
        let ttl = try #require(keys.first { $0["key"] as? String == "a:1" }?["ttlMs"] as? Int)
        // memcached keeps whole seconds: the TTL shown is the true remaining time within a second.
        #expect(Double(ttl) <= 300_000 && Double(ttl) >= (300 - elapsed - 1) * 1000, "ttl \(ttl) ms, \(elapsed) s after writing")
        #expect(keys.first { $0["key"] as? String == "b:1" }?["ttlMs"] as? Int == -1)
        #expect(keys.first { $0["key"] as? String == "b:1" }?["server"] as? String == second.address)
        #expect(document["more"] as? Bool == false)
        let servers = try #require(document["servers"] as? [[String: Any]])
        #expect(servers.compactMap { $0["address"] as? String } == [first.address, second.address])
        #expect(servers.compactMap { $0["listed"] as? Int } == [3, 2])
        #expect(servers.compactMap { $0["items"] as? Int } == [3, 2])

        let prefixed = try json(try await cli.run(["keys", "--memcached", pool, "--prefix", "a:", "--limit", "2", "--json"]).output)
        #expect((prefixed["keys"] as? [Any])?.count == 2 && prefixed["more"] as? Bool == true)
        let globbed = try json(try await cli.run(["keys", "--memcached", pool, "--match", "*:[13]", "--json"]).output)
        #expect(Set((globbed["keys"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }) == ["a:1", "a:3", "b:1"])
        let table = try await cli.run(["keys", "memcached", "--memcached", pool])
        #expect(table.status == 0 && table.output.contains("TYPE") && table.output.contains("odd%20name/é"))
    }

    @Test func invalidateOnAPoolDeletesThePrefixEverywhereAndReportsEachServer() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        try await fill(first.address, (0..<30).map { "p:\($0)" } + ["keep"])
        try await fill(second.address, (30..<50).map { "p:\($0)" } + ["p"])
        let pool = "\(first.address),\(second.address)"
        let dry = try json(try await cli.run(["invalidate", "--memcached", pool, "--prefix", "p:", "--dry-run", "--json"]).output)
        #expect(dry["matched"] as? Int == 50 && dry["deleted"] as? Int == 0)
        let declined = try await cli.run(["invalidate", "--memcached", pool, "--prefix", "p:"], input: "n\n")
        #expect(declined.status == 0 && declined.output.contains("Delete 50 keys starting with p:") && declined.output.contains("Nothing deleted."))
        let result = try await cli.run(["invalidate", "--memcached", pool, "--prefix", "p:", "--yes", "--json"])
        #expect(result.status == 0)
        let document = try json(result.output)
        #expect(Set(document.keys) == ["matched", "deleted", "elapsedMs", "method", "servers"])
        #expect(document["method"] as? String == "metadump")
        #expect(document["matched"] as? Int == 50 && document["deleted"] as? Int == 50)
        let servers = try #require(document["servers"] as? [[String: Any]])
        #expect(servers.compactMap { $0["deleted"] as? Int } == [30, 20])
        let left = try json(try await cli.run(["keys", "--memcached", pool, "--json"]).output)
        #expect(Set((left["keys"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }) == ["keep", "p"])

        let keyResult = try json(
            try await cli.run(["invalidate", "--memcached", pool, "--key", "keep", "--key", "absent", "--yes", "--json"]).output)
        #expect(keyResult["matched"] as? Int == 1 && keyResult["deleted"] as? Int == 1)
    }

    @Test func readOnlyAndBadInputAreRefusedAndNothingIsTouched() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        try await fill(server.address, ["p:1"])
        let refused = try await cli.run(["invalidate", "--memcached", server.address, "--prefix", "p:", "--yes", "--read-only"])
        #expect(refused.status == 3)
        #expect(try await cli.run(["invalidate", "--memcached", server.address, "--key", "has space", "--yes"]).status == 2)
        #expect(try await cli.run(["invalidate", "--memcached", server.address, "--key", String(repeating: "k", count: 251), "--yes"]).status == 2)
        #expect(try await cli.run(["keys", "--memcached", "host:notaport"]).status == 2)
        #expect(try await cli.run(["keys", "--memcached", "a:1,,b:2"]).status == 2)
        let still = try json(try await cli.run(["keys", "--memcached", server.address, "--json"]).output)
        #expect((still["keys"] as? [Any])?.count == 1)
    }

    @Test func deadAndWrongServersExitWithOneAndOneLine() async throws {
        let dead = try await cli.run(["keys", "--memcached", "127.0.0.1:\(TestServers.freePort())"])
        #expect(dead.status == 1 && dead.output.contains("connection refused") && dead.output.split(separator: "\n").count == 1)
        #expect(!dead.output.contains("TYPE"), "nothing is printed before the servers answer")
        let silent = try SilentServer()
        let started = Date()
        let hung = try await cli.run(["invalidate", "--memcached", "127.0.0.1:\(silent.port)", "--prefix", "p:", "--yes"])
        #expect(hung.status == 1 && hung.output.split(separator: "\n").count == 1)
        #expect(Date().timeIntervalSince(started) < 15)
        if let redis = TestServers.redis {
            let wrong = try await cli.run(["keys", "--memcached", "\(redis.host):\(redis.port)"])
            #expect(wrong.status == 1 && wrong.output.contains("does not speak the memcached protocol"))
        }
    }

    @Test func aServerThatForbidsDumpingSaysSo() async throws {
        guard let server = try MemcachedServerProcess(arguments: ["-X"]) else { return }
        let result = try await cli.run(["keys", "--memcached", server.address])
        #expect(result.status == 1)
        #expect(result.output.contains("-X"))
        #expect(result.output.split(separator: "\n").filter { !$0.hasPrefix("TYPE") }.count == 1)
    }
}
