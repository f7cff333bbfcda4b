import Basics
import CacheMonitor
import Foundation
import Memcache
import RESP
import TestSupport
import Testing

/// Traffic samples on real servers against a known workload: prefixes with different hit ratios and one key
/// taking a large share of the reads. Per-prefix hit ratios must come out within ±2 points and the hottest
/// keys ranked right; settings changed for a sample are put back.
@Suite(.serialized) struct TrafficSamplingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The workload, as (key, stored before?) reads: `full:` always hits, `half:` hits every other read,
    /// `none:` never hits, `hot:key` takes 30% of the reads (and hits). 1,000 reads in all.
    static let reads: [(key: String, hit: Bool)] = {
        var reads: [(String, Bool)] = []
        for id in 0..<250 { reads.append(("full:\(id % 50)", true)) }
        for id in 0..<200 { reads.append(("half:\(id % 100)", id % 100 < 50)) }
        for id in 0..<250 { reads.append(("none:\(id)", false)) }
        for _ in 0..<300 { reads.append(("hot:key", true)) }
        return reads
    }()

    static let stored: [String] = Array(Set(reads.filter(\.hit).map(\.key))).sorted()

    /// Runs a sample on `backend` while `workload` runs inside it; returns the outcome.
    func sample(_ backend: MonitoredBackend, options: TrafficOptions, workload: () async throws -> Void) async throws -> TrafficOutcome {
        let job = TrafficSampling.start(on: backend, options: options)
        var events = job.events.makeAsyncIterator()
        // The first progress comes once the streams listen.
        guard case .progress = await events.next() else { return await job.outcome }
        try await workload()
        // Let the last lines arrive.
        try await Task.sleep(for: .milliseconds(500))
        job.stop()
        while await events.next() != nil {}
        return await job.outcome
    }

    func checkFigures(_ report: TrafficReport, method: TrafficMethod) throws {
        #expect(report.method == method)
        for (prefix, ratio, reads) in [("full:", 1.0, 250), ("half:", 0.5, 200), ("none:", 0.0, 250), ("hot:key", 1.0, 300)] {
            let group = try #require(report.group(bytes(prefix)), "no group \(prefix)")
            #expect(abs(Double(group.reads - reads)) <= Double(reads) * 0.02, "\(prefix) reads \(group.reads)")
            let measured = try #require(group.hitRatio, "\(prefix) has no hit ratio")
            #expect(abs(measured - ratio) <= 0.02, "\(prefix) hit ratio \(measured)")
        }
        #expect(report.hotKeys.first?.key == bytes("hot:key"))
        #expect(abs((report.hotKeys.first?.share ?? 0) - 0.3) < 0.02)
        // Each `none:` key is missed once: no storm; nothing else misses 3 times.
        #expect(report.missStorms.isEmpty)
    }

    @Test func memcachedWatchGivesHitRatiosPerPrefixAndTheHottestKey() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address)
        defer { Task { await client.close() } }
        let source = MemcachedSource(name: "memcached", addresses: [address])
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        _ = try await client.send(try Self.stored.map { try .store(.set, key: bytes($0), value: [1]) })
        let outcome = try await sample(backend, options: TrafficOptions(duration: .seconds(60))) {
            for (key, _) in Self.reads { _ = try await client.get([bytes(key)]) }
            // Our own previews and existence counts are left out (the figures below are the workload's alone).
            for _ in 0..<30 { _ = try await source.preview(of: bytes("hot:key"), on: address.description) }
            _ = try await source.countExisting([bytes("hot:key"), bytes("none:own")])
            // Stores are writes, not misses of their lookups.
            for id in 0..<20 { _ = try await client.send(try .store(.set, key: bytes("written:\(id)"), value: [1])) }
        }
        let report = try #require(outcome.report)
        try checkFigures(report, method: .watch)
        let written = try #require(report.group(bytes("written:")))
        #expect(written.writes == 20)
        #expect(written.reads == 0)
        #expect(outcome.ending == .stopped)
    }

    /// A Redis server of the test's own: nobody else's traffic, and its settings may change.
    func redisBackend(_ server: RedisServerProcess) throws -> (MonitoredBackend, RedisClient) {
        let url = try RedisURL(parsing: server.url())
        let source = RedisSource(name: "redis", url: url)
        return (MonitoredBackend(id: BackendID(0), source: source), RedisClient(url: url, configuration: .init(clientName: "app")))
    }

    func runWorkload(on client: RedisClient) async throws {
        for (key, _) in Self.reads { _ = try await client.send(RESPCommand("GET", key: bytes(key))) }
    }

    func notifyEvents(_ client: RedisClient) async throws -> String? {
        try await client.send(RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])).array?.last?.string
    }

    @Test func redisMonitorWithKeyMissEventsTurnedOnForTheSampleAndPutBack() async throws {
        guard let server = try RedisServerProcess() else { return }
        let (backend, client) = try redisBackend(server)
        defer { Task { await client.close() } }
        try await client.send(RESPCommand("CONFIG", ["SET", "notify-keyspace-events", "Kx"]))
        try await client.send(Self.stored.map { RESPCommand("SET", key: bytes($0), ["v"]) })
        let preflight = try await #require(backend.traffic).trafficPreflight()
        #expect(preflight.changes.map(\.to) == ["xKEm"])
        #expect(preflight.method == .monitorKeymiss)
        #expect(preflight.methodWithoutChanges == .monitor)
        let outcome = try await sample(backend, options: TrafficOptions(duration: .seconds(60), mayChangeSettings: true)) {
            #expect(try await notifyEvents(client) == "xKEm")
            try await runWorkload(on: client)
            // Our own browsing is left out, from a connection opened during the sample too.
            let browser = RedisSource(name: "browser", url: try RedisURL(parsing: server.url()))
            for _ in 0..<30 {
                _ = try await browser.details(
                    of: BrowsedKey(key: bytes("hot:key"), type: "string", ttlMilliseconds: nil, size: nil), maxBytes: 10, kindPrefix: nil)
            }
            await browser.close()
        }
        let report = try #require(outcome.report)
        try checkFigures(report, method: .monitorKeymiss)
        #expect(report.settingsNotRestored.isEmpty)
        #expect(try await notifyEvents(client) == "xK")
    }

    @Test func anLFUPolicyGivesHotKeysFromTheKeyspaceSampleWithoutMonitor() async throws {
        guard let server = try RedisServerProcess(arguments: ["--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0"]) else { return }
        let (backend, client) = try redisBackend(server)
        defer { Task { await client.close() } }
        try await client.send((0..<200).map { RESPCommand("SET", key: bytes("item:\($0)"), ["v"]) })
        for _ in 0..<40 { try await client.send([RESPCommand("GET", key: bytes("item:7")), RESPCommand("GET", key: bytes("item:8"))]) }
        for _ in 0..<20 { try await client.send(RESPCommand("GET", key: bytes("item:8"))) }
        let report = try #require(await KeyspaceAnalysis.start(on: backend).outcome.report)
        #expect(report.frequentKeys.prefix(2).map(\.key) == [bytes("item:8"), bytes("item:7")])
        #expect((report.frequentKeys.first?.frequency ?? 0) > (report.frequentKeys.dropFirst(2).first?.frequency ?? 0))
        // Without an LFU policy there is no such list.
        let plain = try #require(try RedisServerProcess())
        let (other, otherClient) = try redisBackend(plain)
        try await otherClient.send(RESPCommand("SET", key: bytes("a:1"), ["v"]))
        await otherClient.close()
        #expect(try #require(await KeyspaceAnalysis.start(on: other).outcome.report).frequentKeys.isEmpty)
    }

    @Test func redisWithoutPermissionToChangeSettingsCountsReadsOnly() async throws {
        guard let server = try RedisServerProcess() else { return }
        let (backend, client) = try redisBackend(server)
        defer { Task { await client.close() } }
        try await client.send(RESPCommand("CONFIG", ["SET", "notify-keyspace-events", ""]))
        let outcome = try await sample(backend, options: TrafficOptions(duration: .seconds(60), mayChangeSettings: false)) {
            try await runWorkload(on: client)
        }
        let report = try #require(outcome.report)
        #expect(report.method == .monitor)
        #expect(report.root.hitRatio == nil)
        #expect(report.group(bytes("hot:key"))?.reads == 300)
        #expect(report.notes.contains { $0.contains("hit ratios unknown") })
        #expect(try await notifyEvents(client) == "")
    }

    @Test func aServerThatRefusesWatchIsOneLine() async throws {
        guard let server = try RedisServerProcess() else { return }
        // Redis answers `watch fetchers mutations` with an error line, as a memcached without watch would.
        let source = MemcachedSource(name: "memcached", addresses: [MemcachedAddress(host: "127.0.0.1", port: server.port)])
        let outcome = await TrafficSampling.start(
            on: MonitoredBackend(id: BackendID(0), source: source), options: TrafficOptions(duration: .seconds(2))
        ).outcome
        guard case .failed(let reason) = outcome.ending else {
            Issue.record("expected a failure, got \(outcome.ending)")
            return
        }
        #expect(reason.contains("refused 'watch fetchers mutations'") && !reason.contains("\n"), "\(reason)")
    }

    @Test func anACLUserWithoutMonitorGetsOneLineAndNothingChanged() async throws {
        guard let server = try RedisServerProcess() else { return }
        let (_, admin) = try redisBackend(server)
        defer { Task { await admin.close() } }
        try await admin.send(RESPCommand("ACL", ["SETUSER", "reader", "on", ">secret", "~*", "+@read", "+@connection", "+config|get", "+client"]))
        let url = try RedisURL(parsing: "redis://reader:secret@127.0.0.1:\(server.port)/0")
        let backend = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: url))
        let outcome = await TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(5), mayChangeSettings: true)).outcome
        guard case .failed(let reason) = outcome.ending else {
            Issue.record("expected a failure, got \(outcome.ending)")
            return
        }
        #expect(reason.contains("MONITOR") || reason.contains("NOPERM") || reason.contains("CONFIG"))
        #expect(!reason.contains("\n"))
        #expect(try await notifyEvents(admin) == "")
    }

    @Test func aServerThatDiesMidSampleGivesAPartialResultAndALoudLineForTheSetting() async throws {
        guard let server = try RedisServerProcess() else { return }
        let (backend, client) = try redisBackend(server)
        defer { Task { await client.close() } }
        let job = TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(60), mayChangeSettings: true))
        var events = job.events.makeAsyncIterator()
        guard case .progress = await events.next() else {
            Issue.record("the sample did not start: \(await job.outcome.ending)")
            return
        }
        try await runWorkload(on: client)
        try await Task.sleep(for: .milliseconds(300))
        server.kill()
        while await events.next() != nil {}
        let report = try #require(await job.outcome.report)
        #expect(report.partial?.contains("closed the MONITOR connection") == true)
        #expect(report.group(bytes("hot:key"))?.reads == 300)
        #expect(report.settingsNotRestored.count == 1)
        #expect(report.settingsNotRestored.first?.contains("CONFIG SET notify-keyspace-events \"\"") == true)
    }

    @Test(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
    func aClusterIsSampledOnEveryMaster() async throws {
        let seeds = try #require(TestServers.cluster).map { try RedisURL(parsing: "redis://\($0.host):\($0.port)") }
        let source = try RedisSource(name: "cluster", clusterSeeds: seeds)
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        let cluster = try RedisClusterClient(seeds: seeds, configuration: .init(clientName: "app"))
        defer { Task { await cluster.close() } }
        // A prefix of this run's own: other tests' traffic lands elsewhere.
        let run = "traffic\(UInt32.random(in: 0..<UInt32.max)):"
        func flags() async throws -> [String?] {
            var all: [String?] = []
            for node in try #require(TestServers.cluster) {
                let client = RedisClient(url: try RedisURL(parsing: "redis://\(node.host):\(node.port)"))
                all.append(try await client.send(RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])).array?.last?.string)
                await client.close()
            }
            return all
        }
        let before = try await flags()
        for key in Self.stored { try await cluster.send(RESPCommand("SET", key: bytes(run + key), ["v"])) }
        let outcome = try await sample(backend, options: TrafficOptions(duration: .seconds(60), maxDepth: 8, mayChangeSettings: true)) {
            for (key, _) in Self.reads { _ = try await cluster.send(RESPCommand("GET", key: bytes(run + key))) }
        }
        let report = try #require(outcome.report)
        #expect(report.method == .monitorKeymiss)
        for (prefix, ratio) in [("full:", 1.0), ("half:", 0.5), ("none:", 0.0)] {
            let group = try #require(report.group(bytes(run + prefix)), "no group \(prefix)")
            let measured = try #require(group.hitRatio)
            #expect(abs(measured - ratio) <= 0.02, "\(prefix) hit ratio \(measured)")
        }
        #expect(report.hotKeys.first?.key == bytes(run + "hot:key"))
        #expect(report.settingsNotRestored.isEmpty)
        #expect(try await flags() == before)
    }
}

/// The monitor's own memcached lookups, noted before they are sent and matched by server and key.
@Suite struct OwnLookupsTests {
    @Test func aNoteIsUsedOnceOnItsServerOnly() {
        let own = OwnLookups()
        #expect(!own.take(server: "a:1", key: Array("k".utf8)), "nothing noted, nothing taken")
        own.note(server: "a:1", keys: [Array("k".utf8), Array("k".utf8)])
        #expect(!own.take(server: "b:2", key: Array("k".utf8)), "another server's read is not ours")
        #expect(!own.take(server: "a:1", key: Array("other".utf8)))
        #expect(own.take(server: "a:1", key: Array("k".utf8)))
        #expect(own.take(server: "a:1", key: Array("k".utf8)), "noted twice, taken twice")
        #expect(!own.take(server: "a:1", key: Array("k".utf8)), "then the application's reads count again")
    }
}
