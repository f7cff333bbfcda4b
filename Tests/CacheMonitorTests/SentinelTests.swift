import Basics
import CacheMonitor
import Caching
import Foundation
import RESP
import TestSupport
import Testing

/// A Sentinel-managed Redis, with Debian's redis-sentinel: a master, a replica and three sentinels of the
/// test's own. The backend is the master the sentinels name, follows a failover with no action, survives a
/// sentinel down, and a service the sentinels do not know is one clear line.
@Suite(.serialized) struct SentinelTests {
    static let installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-sentinel")
    static let skip = "redis-sentinel is not installed (scripts/test.sh installs it)"

    struct Setup {
        var master: RedisServerProcess
        var replica: RedisServerProcess
        var sentinels: [SentinelProcess]

        func url(service: String = "mymaster", skipping: Int = 0) -> String {
            "redis+sentinel://" + sentinels.dropFirst(skipping).map(\.address).joined(separator: ",") + "/" + service
        }
    }

    static func setUp() async throws -> Setup? {
        guard let master = try RedisServerProcess(),
            let replica = try RedisServerProcess(arguments: ["--replicaof", "127.0.0.1", String(master.port)])
        else { return nil }
        var sentinels: [SentinelProcess] = []
        for _ in 0..<3 {
            guard let sentinel = try SentinelProcess(masterPort: master.port) else { return nil }
            sentinels.append(sentinel)
        }
        // Until every sentinel knows the replica (they learn it from the master's INFO) and the other sentinels
        // (from their hello messages, every 2 s).
        for sentinel in sentinels {
            let client = RedisClient(url: try RedisURL(parsing: "redis://\(sentinel.address)"))
            defer { Task { await client.close() } }
            for _ in 0..<150 {
                let replicas = try await client.send(RESPCommand("SENTINEL", ["REPLICAS", "mymaster"])).array ?? []
                let others = try await client.send(RESPCommand("SENTINEL", ["SENTINELS", "mymaster"])).array ?? []
                // Every one listed, and none of them (yet, or still) marked down or disconnected.
                let flags = (replicas + others).compactMap { entry -> String? in
                    let items = entry.array ?? []
                    guard let index = items.firstIndex(where: { $0.string == "flags" }), index + 1 < items.count else { return nil }
                    return items[index + 1].string
                }
                let settled = !flags.contains { $0.contains("down") || $0.contains("disconnected") }
                if !replicas.isEmpty, others.count == sentinels.count - 1, settled { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return Setup(master: master, replica: replica, sentinels: sentinels)
    }

    @Test(.enabled(if: installed, Comment(rawValue: skip)))
    func theBackendIsTheMasterAndFollowsAFailover() async throws {
        guard let setup = try await Self.setUp() else { return }
        let target = try RedisSentinelTarget(parsing: setup.url())
        let source = RedisSource(name: "redis", sentinel: target)
        defer { Task { await source.close() } }
        let first = try await source.sample()
        #expect(first.address == "127.0.0.1:\(setup.master.port)")
        // `e` lists the master, the replica and the three sentinels, all up, with a quorum.
        #expect(first.topology.map(\.role) == [.master, .replica, .sentinel, .sentinel, .sentinel], "\(first.topology)")
        #expect(first.topology.allSatisfy { $0.up }, "\(first.topology)")
        #expect(first.topology.first { $0.role == .replica }?.address == "127.0.0.1:\(setup.replica.port)")
        #expect(first.topology.contains { $0.role == .sentinel && ($0.detail ?? "").hasPrefix("OK") }, "the quorum")
        #expect(source.address.hasPrefix("sentinel 127.0.0.1:"))
        // The Caching library's RedisCache through Sentinel: the key lands on the master and reaches the replica.
        let cache = try RedisCache(url: setup.url())
        let value = CacheValue(format: .text, bytes: Array("v".utf8))
        try await cache.set("k", value, timeout: .never)
        let writer = RedisDeployment(sentinel: target)
        try await writer.send(RESPCommand("WAIT", [1, 5000]))
        await writer.close()

        let sentinel = RedisClient(url: try RedisURL(parsing: "redis://\(setup.sentinels[0].address)"))
        defer { Task { await sentinel.close() } }
        let answer = try await sentinel.send(RESPCommand("SENTINEL", ["FAILOVER", "mymaster"]))
        #expect(answer.errorMessage == nil, "\(answer)")
        var moved: SourceSample?
        for _ in 0..<120 where moved == nil {
            try await Task.sleep(for: .milliseconds(250))
            if let sample = try? await source.sample(), sample.address == "127.0.0.1:\(setup.replica.port)" { moved = sample }
        }
        let sample = try #require(moved, "the backend moved to the promoted replica")
        #expect(sample.note?.contains("failover 127.0.0.1:\(setup.master.port) → 127.0.0.1:\(setup.replica.port)") == true, "\(sample.note ?? "")")
        #expect(sample.keys >= 1, "the new master holds the key")
        #expect(try await cache.get("k") == value, "the cache follows the failover too")
    }

    @Test(.enabled(if: installed, Comment(rawValue: skip)))
    func aKilledMasterIsReplacedWithNoAction() async throws {
        guard let setup = try await Self.setUp() else { return }
        let source = RedisSource(name: "redis", sentinel: try RedisSentinelTarget(parsing: setup.url()))
        defer { Task { await source.close() } }
        #expect(try await source.sample().address == "127.0.0.1:\(setup.master.port)")
        setup.master.kill()
        var promoted = false
        for _ in 0..<120 where !promoted {
            try await Task.sleep(for: .milliseconds(250))
            // Samples fail while the master is down and the sentinels agree; then the replica is the master.
            promoted = (try? await source.sample())?.address == "127.0.0.1:\(setup.replica.port)"
        }
        #expect(promoted, "the sentinels promoted the replica and the backend followed")
        // The dead old master is listed as a replica that is down.
        var oldMaster: TopologyMember?
        for _ in 0..<40 where oldMaster == nil {
            oldMaster = (try? await source.sample())?.topology.first { $0.address == "127.0.0.1:\(setup.master.port)" && !$0.up }
            if oldMaster == nil { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(oldMaster?.role == .replica, "\(String(describing: oldMaster))")
    }

    @Test(.enabled(if: installed, Comment(rawValue: skip)))
    func aSentinelDownIsPassedAndAnUnknownServiceIsOneLine() async throws {
        guard let setup = try await Self.setUp() else { return }
        setup.sentinels[0].kill()
        let source = RedisSource(name: "redis", sentinel: try RedisSentinelTarget(parsing: setup.url()))
        defer { Task { await source.close() } }
        #expect(try await source.sample().address == "127.0.0.1:\(setup.master.port)", "the other sentinels answer")

        let unknown = RedisSource(name: "redis", sentinel: try RedisSentinelTarget(parsing: setup.url(service: "nosuch", skipping: 1)))
        defer { Task { await unknown.close() } }
        do {
            _ = try await unknown.sample()
            Issue.record("a service the sentinels do not know was sampled")
        } catch {
            let line = ErrorText.oneLine(error)
            #expect(line.contains("'nosuch'") && !line.contains("\n"), "\(line)")
        }
        for sentinel in setup.sentinels { sentinel.kill() }
        let alone = RedisSource(name: "redis", sentinel: try RedisSentinelTarget(parsing: setup.url()))
        defer { Task { await alone.close() } }
        do {
            _ = try await alone.sample()
            Issue.record("sampled with every sentinel down")
        } catch {
            #expect(ErrorText.oneLine(error).contains("no sentinel of 'mymaster' answered"))
        }
    }

    @Test(.enabled(if: installed, Comment(rawValue: skip)))
    func aMasterThatCannotBeReachedIsNamed() async throws {
        let nowhere = TestServers.freePort()
        guard let sentinel = try SentinelProcess(masterPort: nowhere, quorum: 1) else { return }
        let source = RedisSource(name: "redis", sentinel: try RedisSentinelTarget(parsing: "redis+sentinel://\(sentinel.address)/mymaster"))
        defer { Task { await source.close() } }
        do {
            _ = try await source.sample()
            Issue.record("a master nobody listens for was sampled")
        } catch {
            #expect(ErrorText.oneLine(error).contains("127.0.0.1:\(nowhere)"), "\(ErrorText.oneLine(error))")
        }
    }

    @Test func sentinelURLs() throws {
        let target = try RedisSentinelTarget(parsing: "redis+sentinel://app:s3cret@10.0.0.1:26379,10.0.0.2/cache/2")
        #expect(target.sentinels.map(\.hostAndPort) == ["10.0.0.1:26379", "10.0.0.2:26379"])
        #expect(target.service == "cache")
        #expect(target.dataNode.database == 2 && target.dataNode.username == "app" && target.dataNode.password == "s3cret")
        #expect(target.sentinels.allSatisfy { $0.password == nil })
        #expect(target.description == "sentinel 10.0.0.1:26379,10.0.0.2:26379/cache")
        for bad in ["redis+sentinel://h:1", "redis+sentinel://h:1/", "redis+sentinel:///svc", "redis+sentinel://h:x/svc", "redis://h/svc"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisSentinelTarget(parsing: bad) }
        }
        do {
            _ = try RedisSentinelTarget(parsing: "redis+sentinel://u:topsecret@h:1")
        } catch let error as RedisError {
            #expect(!error.message.contains("topsecret"), "the password is masked")
        }
    }
}
