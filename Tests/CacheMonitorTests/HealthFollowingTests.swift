import Basics
import CacheMonitor
import Memcache
import RESP
import TestSupport
import Testing

/// The dashboard's health reading on real servers, as the poller does it: a slow command kept once across
/// the server's log rotation, a named client closed (and refused in --read-only, and never our own), the
/// replica rules on a real replica that is paused, memcached connections listed.
@Suite(.serialized) struct HealthFollowingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func poller(_ source: any CacheSource, thresholds: AttentionThresholds = AttentionThresholds()) -> Poller<ContinuousClock> {
        Poller(backends: [MonitoredBackend(id: BackendID(0), source: source)], configuration: .init(timeout: .seconds(5), attention: thresholds))
    }

    @Test func aSlowCommandAppearsOnceEvenAfterTheServersLogRotates() async throws {
        guard
            let server = try RedisServerProcess(arguments: [
                "--enable-debug-command", "local", "--slowlog-log-slower-than", "5000", "--slowlog-max-len", "3",
            ])
        else { return }
        let url = try RedisURL(parsing: server.url())
        let app = RedisClient(url: url, configuration: .init(clientName: "app"))
        defer { Task { await app.close() } }
        let source = RedisSource(name: "redis", url: url)
        defer { Task { await source.close() } }
        let poller = poller(source)
        try await app.send(RESPCommand("DEBUG", ["SLEEP", "0.02"]))
        var snapshot = await poller.sampleAll(health: true)
        let first = try #require(snapshot.backends.first?.health)
        #expect(first.attention.contains { $0.rule == .slowlog })
        // Four slower-than-5-ms commands rotate the server's three-entry log; each is read as it happens.
        for _ in 0..<4 {
            try await app.send(RESPCommand("DEBUG", ["SLEEP", "0.006"]))
            snapshot = await poller.sampleAll(health: true)
        }
        let raw = try await app.send(RESPCommand("SLOWLOG", ["GET", 128]))
        #expect(!SlowLogEntry.parse(raw).contains { $0.arguments.last == bytes("0.02") }, "rotated out of the server's log")
        let kept = try #require(snapshot.backends.first?.health?.slowLog.entries)
        #expect(kept.filter { $0.arguments.last == bytes("0.02") }.count == 1, "kept, once: \(kept.map { $0.commandText() })")
        #expect(kept.filter { $0.arguments.last == bytes("0.006") }.count == 4)
        #expect(kept.allSatisfy { $0.node == "127.0.0.1:\(server.port)" && $0.clientName == "app" })
    }

    @Test func aNamedClientIsClosedButNotInReadOnlyAndNeverOurOwn() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let worker = RedisClient(url: url, configuration: .init(clientName: "worker"))
        defer { Task { await worker.close() } }
        try await worker.send(RESPCommand("PING"))
        let source = RedisSource(name: "redis", url: url)
        defer { Task { await source.close() } }
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        func listed() async throws -> [RedisClientInfo] { try #require(try await source.readHealth().servers.first?.clients.value) }
        let target = try #require(try await listed().first { $0.name == "worker" })
        let kill = Change.killClient(ClientToKill(id: target.id, node: "127.0.0.1:\(server.port)", name: target.name, address: target.address))

        let refused = await ChangeRunner(readOnly: true).start(kill, on: backend).outcome
        #expect(refused.ending == .refused)
        #expect(try await listed().contains { $0.id == target.id }, "read-only touched nothing")

        let closed = await ChangeRunner(readOnly: false).start(kill, on: backend).outcome
        #expect(closed.ending == .completed)
        #expect(closed.detail == .killed(existed: true))
        #expect(try await !listed().contains { $0.id == target.id })
        let again = await ChangeRunner(readOnly: false).start(kill, on: backend).outcome
        #expect(again.detail == .killed(existed: false), "already gone")

        let ours = try #require(try await listed().first { $0.isCachescope })
        let own = Change.killClient(ClientToKill(id: ours.id, node: "127.0.0.1:\(server.port)", name: ours.name, address: ours.address))
        let outcome = await ChangeRunner(readOnly: false).start(own, on: backend).outcome
        guard case .failed(let reason) = outcome.ending else {
            Issue.record("our own connection must not be closed: \(outcome.ending)")
            return
        }
        #expect(reason.contains("cachescope's own"))
        #expect(try await listed().contains { $0.id == ours.id })
    }

    @Test func theReplicaRulesFireOnAPausedReplicaAndMaster() async throws {
        guard let master = try RedisServerProcess() else { return }
        guard let replica = try RedisServerProcess(arguments: ["--replicaof", "127.0.0.1", String(master.port), "--repl-timeout", "2"]) else {
            return
        }
        defer { replica.resume() }
        defer { master.resume() }
        let masterSource = RedisSource(name: "master", url: try RedisURL(parsing: master.url()))
        defer { Task { await masterSource.close() } }
        let replicaSource = RedisSource(name: "replica", url: try RedisURL(parsing: replica.url()))
        defer { Task { await replicaSource.close() } }
        // Wait for the replica to be online.
        var online = false
        for _ in 0..<100 where !online {
            let health = try await masterSource.readHealth(.attention).servers.first
            online = health?.replication.value?.replicas.contains { $0.state == "online" } == true
            if !online { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(online, "the replica came online")
        let thresholds = AttentionThresholds(replicaLagSeconds: 2)
        var onMaster = HealthTracker(thresholds: thresholds)
        onMaster.record(try await masterSource.readHealth(.attention).servers, missing: [], scope: .attention, now: 0, unixTime: UnixTime.now)
        #expect(!onMaster.health.attention.contains { $0.rule == .replicaLag || $0.rule == .replicaLink })

        replica.pause()
        var lag: Attention?
        for step in 0..<40 where lag == nil {
            try await Task.sleep(for: .milliseconds(250))
            onMaster.record(
                try await masterSource.readHealth(.attention).servers, missing: [], scope: .attention, now: Double(step), unixTime: UnixTime.now)
            lag = onMaster.health.attention.first { $0.rule == .replicaLag }
        }
        replica.resume()
        #expect(lag?.message.contains("behind") == true, "the paused replica falls behind: \(onMaster.health.attention)")

        // Now the master pauses: the replica's link goes down after its repl-timeout.
        master.pause()
        var onReplica = HealthTracker(thresholds: thresholds)
        var link: Attention?
        for step in 0..<40 where link == nil {
            try await Task.sleep(for: .milliseconds(250))
            onReplica.record(
                try await replicaSource.readHealth(.attention).servers, missing: [], scope: .attention, now: Double(step), unixTime: UnixTime.now)
            link = onReplica.health.attention.first { $0.rule == .replicaLink }
        }
        master.resume()
        #expect(link?.message.contains("is down") == true, "the replica's link to its paused master: \(onReplica.health.attention)")
    }

    @Test func memcachedConnectionsAreListedWithoutTheListeners() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let other = MemcachedClient(address: address)
        defer { Task { await other.close() } }
        _ = try await other.stats()
        let source = MemcachedSource(name: "memcached", addresses: [address])
        defer { Task { await source.close() } }
        let health = try #require(try await source.readHealth().servers.first)
        let connections = try #require(health.connections.value)
        #expect(connections.count >= 2, "ours and the other client: \(connections)")
        #expect(connections.allSatisfy { $0.state != "conn_listening" && $0.address.contains("127.0.0.1") })
        let attention = try await source.readHealth(.attention).servers.first
        #expect(attention?.connections == .notApplicable && attention?.settings == .notApplicable, "the attention reading stays small")
        #expect(attention?.slabs.value != nil)
    }

    @Test(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
    func everyNodeOfAClusterIsReadOnTheSourcesOwnConnections() async throws {
        let seeds = try #require(TestServers.cluster)
        let source = RedisSource(name: "cluster", url: try RedisURL(parsing: "redis://\(seeds[0].host):\(seeds[0].port)"))
        defer { Task { await source.close() } }
        let first = try await source.readHealth()
        #expect(first.servers.count >= 3, "every node: \(first.servers.map(\.address))")
        #expect(first.missing.isEmpty)
        #expect(first.servers.allSatisfy { $0.clients.value?.contains { $0.isCachescope } == true })
        // A second reading opens no connection: the source's own connection to each node (asked for its id; other
        // tests share the cluster and open and close theirs meanwhile) is listed in both readings.
        func ownIDs() async throws -> [String: Int64] {
            var ids: [String: Int64] = [:]
            for server in try await source.everyServer().servers {
                ids[server.peer] = try await server.send([RESPCommand("CLIENT", ["ID"])]).first?.integer
            }
            return ids
        }
        func listed(_ reading: (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode])) -> [String: Set<Int64>] {
            Dictionary(uniqueKeysWithValues: reading.servers.map { ($0.address, Set(($0.clients.value ?? []).filter(\.isCachescope).map(\.id))) })
        }
        let own = try await ownIDs()
        #expect(own.count == first.servers.count, "one connection per node: \(own)")
        let second = try await source.readHealth()
        for (address, id) in own {
            #expect(listed(first)[address]?.contains(id) == true, "ours on \(address) in the first reading")
            #expect(listed(second)[address]?.contains(id) == true, "ours on \(address) in the second reading")
        }
        #expect(try await ownIDs() == own)
        // Our own commands are counted per node, under their commandstats names.
        for server in second.servers {
            #expect(source.ownCommandCounts(on: server.address)["client|list"] ?? 0 >= 2, "\(server.address)")
        }
    }
}
