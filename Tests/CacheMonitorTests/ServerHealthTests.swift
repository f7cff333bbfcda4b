import CacheMonitor
import Memcache
import RESP
import TestSupport
import Testing

/// Server health read from real servers: the slow log kept across the server's rotation, a named client
/// listed, memory, replication and persistence present, a refused view naming the permission it lacks while
/// the others are read, memcached slab figures equal to `stats slabs`.
@Suite struct ServerHealthTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theSlowLogIsKeptAcrossRotationAndANamedClientIsListed() async throws {
        guard let server = try RedisServerProcess(arguments: ["--slowlog-log-slower-than", "0", "--slowlog-max-len", "10"]) else { return }
        let url = try RedisURL(parsing: server.url())
        let worker = RedisClient(url: url, configuration: .init(clientName: "worker"))
        defer { Task { await worker.close() } }
        let source = RedisSource(name: "redis", url: url)
        defer { Task { await source.close() } }
        var history = SlowLogHistory()
        try await worker.send(RESPCommand("SET", key: bytes("first"), ["1"]))
        let first = try await source.readHealth()
        history.merge(try #require(first.servers.first?.slowLog.value), node: server.url())
        #expect(history.entries.contains { $0.arguments.first == bytes("SET") && $0.arguments.dropFirst().first == bytes("first") })
        // Thirty more commands: the server's log (ten entries) no longer holds the first SET.
        for index in 0..<30 { try await worker.send(RESPCommand("GET", key: bytes("k\(index)"))) }
        let second = try await source.readHealth()
        let log = try #require(second.servers.first?.slowLog.value)
        #expect(!log.contains { $0.arguments.dropFirst().first == bytes("first") }, "rotated out of the server's log")
        #expect(history.merge(log, node: server.url()) > 0)
        #expect(history.entries.contains { $0.arguments.dropFirst().first == bytes("first") }, "kept here")
        let clients = try #require(second.servers.first?.clients.value)
        #expect(clients.contains { $0.name == "worker" && $0.address.hasPrefix("127.0.0.1:") })
        let health = try #require(second.servers.first)
        #expect(health.memory.value?.usedBytes ?? 0 > 0)
        #expect(health.replication.value?.role == "master")
        #expect(health.persistence.value?.aofEnabled == false)
        #expect(health.commands.value?.contains { $0.command == "get" && $0.calls >= 4 } == true)
        if case .refused(let reason) = health.latencyEvents {
            #expect(reason.contains("latency-monitor-threshold"))
        } else {
            Issue.record("latency monitoring is off by default: the view says how to turn it on")
        }
    }

    @Test func aUserWithoutSlowlogOrClientRightsGetsEveryOtherView() async throws {
        guard let server = try RedisServerProcess() else { return }
        let admin = RedisClient(url: try RedisURL(parsing: server.url()))
        try await admin.send(RESPCommand("ACL", ["SETUSER", "viewer", "on", ">secret", "~*", "+@all", "-slowlog", "-client|list", "-client|kill"]))
        await admin.close()
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: "redis://viewer:secret@127.0.0.1:\(server.port)/0"))
        defer { Task { await source.close() } }
        let health = try #require(try await source.readHealth().servers.first)
        guard case .refused(let slowlog) = health.slowLog, case .refused(let clients) = health.clients else {
            Issue.record("the refused views say so: \(health.slowLog) \(health.clients)")
            return
        }
        #expect(slowlog.contains("SLOWLOG") && clients.contains("CLIENT"))
        #expect(health.memory.value != nil && health.commands.value != nil && health.replication.value != nil)
    }

    @Test func memcachedSlabsEqualStatsSlabs() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address)
        defer { Task { await client.close() } }
        _ = try await client.send(
            try (0..<200).map { try .store(.set, key: bytes("s:\($0)"), value: Array(repeating: 1, count: 100 + $0 % 3 * 400)) })
        let source = MemcachedSource(name: "memcached", addresses: [address])
        defer { Task { await source.close() } }
        let health = try #require(try await source.readHealth().servers.first)
        let slabs = try #require(health.slabs.value)
        let raw = try await client.stats("slabs")
        for slab in slabs {
            #expect(raw.first { $0.name == "\(slab.id):used_chunks" }?.value == String(slab.usedChunks), "class \(slab.id)")
            #expect(raw.first { $0.name == "\(slab.id):chunk_size" }?.value == String(slab.chunkSize))
        }
        #expect(slabs.reduce(0) { $0 + $1.items } == 200)
        #expect(health.settings.value?.contains { $0.name == "maxbytes" } == true)
    }
}
