import Foundation
import Memcache
import RESP
import TestSupport
import Testing

/// `cachescope snapshot` against servers this suite starts, so every counter is known exactly.
@Suite(.serialized) struct SnapshotCommandLineTests {
    let cli = CommandLineTests()

    func backends(_ output: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output)")
        return try #require(document["backends"] as? [[String: Any]])
    }

    @Test func totalsEqualTheServersCountersAndTheMonitorAddsNothing() async throws {
        guard let redis = try RedisServerProcess(), let memcached = try MemcachedServerProcess() else { return }
        let redisClient = RedisClient(url: try RedisURL(parsing: redis.url()))
        try await redisClient.send(RESPCommand("SET", ["hot", "1"]))
        try await redisClient.send((0..<30).map { _ in RESPCommand("GET", ["hot"]) } + (0..<20).map { RESPCommand("GET", ["cold\($0)"]) })
        await redisClient.close()
        let memcachedClient = MemcachedClient(address: try MemcachedAddress(parsing: memcached.address))
        _ = try await memcachedClient.store(.set, key: Array("hot".utf8), value: [1])
        for _ in 0..<12 { _ = try await memcachedClient.get([Array("hot".utf8)]) }
        for index in 0..<4 { _ = try await memcachedClient.get([Array("cold\(index)".utf8)]) }
        await memcachedClient.close()

        let result = try await cli.run(["snapshot", "--redis", redis.url(), "--memcached", memcached.address, "--json", "--interval", "300ms"])
        #expect(result.status == 0)
        let list = try backends(result.output)
        #expect(list.map { $0["name"] as? String } == ["redis", "memcached"])
        let contract = [
            "name", "type", "address", "status", "error", "hits", "misses", "hitRatio", "lifetimeHitRatio", "opsPerSec", "totalHits",
            "totalMisses", "keys", "memoryBytes", "evictions", "latencyMs", "ownReads",
        ]
        for backend in list {
            for field in contract { #expect(backend.keys.contains(field), "\(field) in \(backend["name"] ?? "?")") }
            #expect(backend["status"] as? String == "up")
            #expect(backend["hits"] as? Int == 0 && backend["misses"] as? Int == 0, "no traffic in the interval")
            #expect(backend["hitRatio"] is NSNull, "no traffic is null, never 0%")
            #expect(backend["opsPerSec"] as? Double == 0, "the monitor's own commands are not traffic")
            #expect((backend["latencyMs"] as? Double ?? -1) >= 0)
        }
        #expect(list[0]["totalHits"] as? Int == 30 && list[0]["totalMisses"] as? Int == 20)
        #expect(list[0]["lifetimeHitRatio"] as? Double == 0.6)
        #expect(list[0]["keys"] as? Int == 1)
        #expect(list[1]["totalHits"] as? Int == 12 && list[1]["totalMisses"] as? Int == 4)
        #expect(list[1]["lifetimeHitRatio"] as? Double == 0.75)
        #expect(list[1]["type"] as? String == "memcached" && list[1]["address"] as? String == memcached.address)
    }

    @Test func trafficDuringTheIntervalGivesLiveRates() async throws {
        guard let redis = try RedisServerProcess() else { return }
        _ = try TestServers.exchange(host: "127.0.0.1", port: redis.port, "SET hot 1\r\n")
        let traffic = Thread {
            let end = Date().addingTimeInterval(2)
            while Date() < end { _ = try? TestServers.exchange(host: "127.0.0.1", port: redis.port, "GET hot\r\nGET hot\r\nGET cold\r\n") }
        }
        traffic.start()
        let result = try await cli.run(["snapshot", "--redis", redis.url(), "--json", "--interval", "1s"])
        let backend = try #require(try backends(result.output).first)
        let hits = try #require(backend["hits"] as? Int)
        let misses = try #require(backend["misses"] as? Int)
        #expect(hits > 0 && misses > 0)
        let ratio = try #require(backend["hitRatio"] as? Double)
        #expect(abs(ratio - Double(hits) / Double(hits + misses)) < 1e-9)
        #expect((backend["opsPerSec"] as? Double ?? 0) > 0)
    }

    @Test func downAndLockedBackendsAreReportedAndTheCommandStillSucceeds() async throws {
        guard let locked = try RedisServerProcess(arguments: ["--requirepass", "s3cret"]) else { return }
        let dead = "127.0.0.1:\(TestServers.freePort())"
        let result = try await cli.run([
            "snapshot", "--redis", locked.url(), "--redis", locked.url(password: "wrong-hunter2"), "--memcached", dead, "--json", "--interval",
            "100ms",
        ])
        #expect(result.status == 0)
        #expect(!result.output.contains("hunter2") && !result.output.contains("s3cret"))
        let list = try backends(result.output)
        #expect(list.map { $0["status"] as? String } == ["auth_failed", "auth_failed", "down"])
        #expect((list[2]["error"] as? String ?? "").contains("connection refused"))
        #expect(list[2]["hitRatio"] is NSNull && list[2]["keys"] is NSNull)
        let table = try await cli.run(["snapshot", "--memcached", dead, "--interval", "100ms"])
        #expect(table.status == 0 && table.output.contains("STATUS") && table.output.contains("down") && table.output.contains("connection refused"))
    }

    @Test func usageErrorsExitWithTwo() async throws {
        #expect(try await cli.run(["snapshot"]).status == 2)
        #expect(try await cli.run(["snapshot", "--redis", "redis://a:1", "--interval", "soon"]).status == 2)
        #expect(try await cli.run(["snapshot", "--redis", "redis://a:1", "--interval", "0"]).status == 2)
        #expect(try await cli.run(["snapshot", "--memcached", "a b"]).status == 2)
        #expect(try await cli.run(["snapshot", "--redis", "redis://a:1", "--refresh", "1ms"]).status == 2)
    }
}
