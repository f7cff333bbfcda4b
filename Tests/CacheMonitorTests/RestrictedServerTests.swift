import Basics
import Foundation
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// Every feature against the managed-service emulation `scripts/test.sh` starts — a server with the commands
/// managed services refuse renamed away, and a user without `@admin` and `@scripting` — and against servers
/// of the tests' own with one restriction each: each feature runs with what the server allows, says which
/// method ran, and names each refused command in the server's words.
@Suite struct RestrictedServerTests {
    static let enabled = TestServers.renamed != nil && TestServers.aclURL != nil && TestServers.redis != nil
    static let skip = Comment(rawValue: TestServers.restrictedSkipMessage)

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8)):" }

    /// The two restricted backends, and for each a client of full rights to the same data (the application).
    func restricted() throws -> [(name: String, backend: MonitoredBackend, app: RedisClient, refusal: Refusal.Kind)] {
        guard let renamed = TestServers.renamed, let acl = TestServers.aclURL, let redis = TestServers.redis else { return [] }
        let renamedURL = try RedisURL(parsing: "redis://\(renamed.host):\(renamed.port)/0")
        let aclURL = try RedisURL(parsing: acl)
        let adminURL = try RedisURL(parsing: "redis://\(redis.host):\(redis.port)/0")
        return [
            (
                "renamed", MonitoredBackend(id: BackendID(0), source: RedisSource(name: "renamed", url: renamedURL)),
                RedisClient(url: renamedURL, configuration: .init(clientName: "app")),
                .unknownCommand
            ),
            (
                "acl", MonitoredBackend(id: BackendID(1), source: RedisSource(name: "acl", url: aclURL)),
                RedisClient(url: adminURL, configuration: .init(clientName: "app")), .noPermission
            ),
        ]
    }

    @Test(.enabled(if: enabled, skip)) func theCheckNamesEachMethodAndEachRefusalInTheServersWords() async throws {
        for (name, backend, app, refusal) in try restricted() {
            defer { Task { await app.close() } }
            let report = try await backend.checkCapabilities(CapabilityCheckOptions())
            await backend.source.close()
            #expect(report.everyServerAnswered, "\(name)")
            let server = try #require(report.servers.first)
            #expect(server.flavor == .redis && server.version != nil && server.role == "master" && !server.tls)
            #expect(server.user == (name == "acl" ? "cachescope-monitor" : "default"), "\(name): \(server.user ?? "-")")
            #expect(server.features.map(\.feature) == CheckedFeature.allCases)
            func check(_ feature: CheckedFeature) -> FeatureCheck? { server.check(of: feature) }
            for feature in [CheckedFeature.overview, .keys, .ttl, .values] { #expect(check(feature)?.status == .ok, "\(name) \(feature)") }
            #expect(check(.traffic)?.status == .degraded && check(.traffic)?.method == "tracking", "\(name)")
            #expect(check(.traffic)?.refused.map(\.command) == ["MONITOR"] && check(.traffic)?.refused.first?.kind == refusal, "\(name)")
            #expect(check(.invalidate)?.method == "scan" && check(.invalidate)?.refused.first?.kind == refusal, "\(name)")
            #expect(check(.health)?.status == .degraded && check(.health)?.refused.contains { $0.command == "SLOWLOG" } == true, "\(name)")
            #expect(check(.metrics)?.status == .degraded, "\(name)")
            #expect(check(.analyze)?.method == (name == "acl" ? "MEMORY USAGE" : "lengths"), "\(name)")
            // What the check learned greys features out per server, and the others stay.
            #expect(backend.availability(of: .traffic).isAvailable && backend.availability(of: .keyBrowsing).isAvailable)
            // Read-only: invalidation is not asked about, and says why.
            let readOnly = try await backend.checkCapabilities(CapabilityCheckOptions(readOnly: true))
            await backend.source.close()
            #expect(readOnly.servers.first?.check(of: .invalidate)?.remedy == "run without --read-only")
        }
    }

    @Test(.enabled(if: enabled, skip)) func trafficWithoutMonitorCountsWritesPerPrefixByKeyTracking() async throws {
        for (name, backend, app, _) in try restricted() {
            defer { Task { await app.close() } }
            let first = unique("tracked")
            let second = unique("tracked")
            let job = TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(60)))
            var events = job.events.makeAsyncIterator()
            guard case .progress = await events.next() else {
                Issue.record("\(name): the sample did not start: \(await job.outcome.ending)")
                continue
            }
            for id in 0..<120 { try await app.send(RESPCommand("SET", key: bytes("\(first)\(id)"), ["v"])) }
            for id in 0..<60 { try await app.send(RESPCommand("SET", key: bytes("\(second)\(id)"), ["v"], )) }
            // Reads are not heard of by key tracking.
            for id in 0..<50 { try await app.send(RESPCommand("GET", key: bytes("\(first)\(id)"))) }
            // Until the 180 writes are counted (a loaded machine delivers the invalidations late), at most 10 s.
            let waited = ContinuousClock.now
            while ContinuousClock.now - waited < .seconds(10), let event = await events.next() {
                if case .progress(let progress, _) = event, progress.events >= 180 { break }
            }
            try await Task.sleep(for: .milliseconds(300))
            job.stop()
            while await events.next() != nil {}
            let outcome = await job.outcome
            let report = try #require(outcome.report, "\(name): \(outcome.ending)")
            #expect(report.method == .tracking, "\(name)")
            #expect(report.group(bytes(first))?.writes == 120 && report.group(bytes(second))?.writes == 60, "\(name)")
            #expect(report.group(bytes(first))?.reads == 0 && report.root.hitRatio == nil)
            #expect(report.notes.contains { $0.contains("refused MONITOR") }, "\(report.notes)")
            try await app.send(RESPCommand("UNLINK", keys: (0..<120).map { bytes("\(first)\($0)") } + (0..<60).map { bytes("\(second)\($0)") }))
        }
    }

    @Test(.enabled(if: enabled, skip)) func prefixInvalidationFallsBackToTheClientSideWithTheReason() async throws {
        for (name, backend, app, _) in try restricted() {
            defer { Task { await app.close() } }
            let prefix = unique("invalidated")
            try await app.send((0..<40).map { RESPCommand("SET", key: bytes("\(prefix)\($0)"), ["v"]) })
            let outcome = await ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes(prefix)), on: backend).outcome
            #expect(outcome.ending == .completed, "\(name): \(outcome.ending)")
            #expect(outcome.totals.deleted == 40 && outcome.totals.methods == .scan, "\(name)")
            let reason = try #require(outcome.totals.fallbackReason, "\(name)")
            #expect(reason.contains(name == "acl" ? "NOPERM" : "unknown command"), "\(reason)")
            #expect(!reason.hasSuffix(" "), "trimmed")
            await backend.source.close()
        }
    }

    @Test(.enabled(if: enabled, skip)) func analysisHealthAndMetricsShowWhatTheServerAllows() async throws {
        for (name, backend, app, _) in try restricted() {
            defer { Task { await app.close() } }
            let prefix = unique("analysed")
            try await app.send((0..<20).map { RESPCommand("SET", key: bytes("\(prefix)\($0)"), ["value"]) })
            let analysis = await KeyspaceAnalysis.start(on: backend).outcome
            let report = try #require(analysis.report, "\(name): \(analysis.ending)")
            #expect(report.memorySource == (name == "acl" ? .memoryUsage : .length), "\(name)")
            let health = try await #require(backend.health).readHealth()
            let server = try #require(health.servers.first)
            guard case .refused(let why) = server.slowLog else {
                Issue.record("\(name): the slow log was not refused")
                continue
            }
            #expect(why.contains("SLOWLOG"), "\(why)")
            if case .value = server.memory {} else { Issue.record("\(name): INFO memory should still be read") }
            let metrics = await try #require(backend.metrics).exporterMetrics(backend: name)
            let up = metrics.families.first { $0.name == "redis_up" }?.samples.first?.value
            #expect(up == 1, "\(name): redis_up \(up ?? -1)")
            #expect(metrics.families.contains { $0.name == "redis_keyspace_hits_total" }, "\(name)")
            try await app.send(RESPCommand("UNLINK", keys: (0..<20).map { bytes("\(prefix)\($0)") }))
            await backend.source.close()
        }
    }

    /// The workload of the traffic tests: `hit:` keys are stored, `miss:` keys are not.
    func readWorkload(_ client: RedisClient) async throws {
        try await client.send((0..<50).map { RESPCommand("SET", key: bytes("hit:\($0)"), ["v"]) })
        for id in 0..<100 { try await client.send(RESPCommand("GET", key: bytes("hit:\(id % 50)"))) }
        for id in 0..<100 { try await client.send(RESPCommand("GET", key: bytes("miss:\(id)"))) }
    }

    func sample(_ backend: MonitoredBackend, _ workload: () async throws -> Void) async throws -> TrafficReport {
        let job = TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(60), mayChangeSettings: true))
        var events = job.events.makeAsyncIterator()
        guard case .progress = await events.next() else { throw MonitorError.cannotRun("\(await job.outcome.ending)") }
        try await workload()
        // Until the workload's 250 commands are counted (a loaded machine delivers the stream late), at most 10 s.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, case .progress(let progress, _)? = await events.next(), progress.events < 250 {}
        try await Task.sleep(for: .milliseconds(200))
        job.stop()
        while await events.next() != nil {}
        return try #require(await job.outcome.report)
    }

    @Test func withoutConfigKeyMissEventsAlreadyOnAreUsedAsTheyArrive() async throws {
        guard let server = try RedisServerProcess(arguments: ["--rename-command", "CONFIG", "", "--notify-keyspace-events", "Em"]) else { return }
        let url = try RedisURL(parsing: server.url())
        let backend = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: url))
        let client = RedisClient(url: url, configuration: .init(clientName: "app"))
        defer { Task { await client.close() } }
        let preflight = try await #require(backend.traffic).trafficPreflight()
        #expect(preflight.changes.isEmpty && preflight.method == .monitorKeymissExisting)
        let report = try await sample(backend) { try await readWorkload(client) }
        #expect(report.method == .monitorKeymissExisting)
        #expect(report.group(bytes("hit:"))?.hitRatio == 1 && report.group(bytes("miss:"))?.hitRatio == 0)
        #expect(report.group(bytes("miss:"))?.reads == 100)
    }

    @Test func withoutConfigAndWithTheEventsOffHitRatiosAreUnknownAndSaySo() async throws {
        guard let server = try RedisServerProcess(arguments: ["--rename-command", "CONFIG", ""]) else { return }
        let url = try RedisURL(parsing: server.url())
        let backend = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: url))
        let client = RedisClient(url: url, configuration: .init(clientName: "app"))
        defer { Task { await client.close() } }
        let report = try await sample(backend) { try await readWorkload(client) }
        #expect(report.method == .monitor)
        #expect(report.group(bytes("hit:"))?.reads == 100 && report.root.hitRatio == nil)
        #expect(report.notes.contains { $0.contains("key-miss events are off") }, "\(report.notes)")
    }

    @Test func withoutMonitorAndKeyTrackingTrafficEndsWithOneLineNamingBoth() async throws {
        guard let server = try RedisServerProcess(arguments: ["--rename-command", "MONITOR", "", "--rename-command", "CLIENT", ""]) else { return }
        let url = try RedisURL(parsing: server.url())
        let backend = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: url))
        let outcome = await TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(5))).outcome
        guard case .failed(let reason) = outcome.ending else {
            Issue.record("expected a failure, got \(outcome.ending)")
            return
        }
        #expect(reason.contains("CLIENT") && !reason.contains("\n"), "\(reason)")
        #expect(!backend.availability(of: .traffic).isAvailable, "kept until reconnect: the key greys out")
        let check = try await backend.checkCapabilities(CapabilityCheckOptions())
        let traffic = try #require(check.servers.first?.check(of: .traffic))
        #expect(traffic.status == .unavailable && traffic.refused.map(\.command) == ["MONITOR", "CLIENT TRACKING"])
        await backend.source.close()
    }

    @Test func withoutTypeAndTTLTheAnalysisAndTheListingShowAColumnOfDashes() async throws {
        guard let server = try RedisServerProcess() else { return }
        let admin = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "app"))
        defer { Task { await admin.close() } }
        try await admin.send(RESPCommand("ACL", ["SETUSER", "lister", "on", ">pw", "~*", "&*", "+@all", "-@admin", "-type", "-pttl", "-memory"]))
        try await admin.send((0..<30).map { RESPCommand("SET", key: bytes("item:\($0)"), ["value"], ) })
        let url = try RedisURL(parsing: "redis://lister:pw@127.0.0.1:\(server.port)/0")
        let backend = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: url))
        let analysis = await KeyspaceAnalysis.start(on: backend).outcome
        let report = try #require(analysis.report, "not an ended analysis: \(analysis.ending)")
        let group = try #require(report.group(bytes("item:")))
        #expect(group.keys == 30 && !group.ttlKnown)
        #expect(report.elementsNote?.contains("TYPE refused") == true && report.elementsNote?.contains("PTTL refused") == true)
        #expect(report.bigKeys.allSatisfy { $0.type == SampledKey.unknownType && !$0.ttlKnown })
        var listed: [BrowsedKey] = []
        _ = try await #require(backend.browsing).browseKeys(matching: .prefix(bytes("item:")), limit: 100) { batch in
            listed += batch
            return true
        }
        #expect(listed.count == 30 && listed.allSatisfy { $0.type == SampledKey.unknownType && !$0.ttlKnown })
        // Granted meanwhile: kept until the backend reconnects (the poller then has the source forget).
        try await admin.send(RESPCommand("ACL", ["SETUSER", "lister", "+type", "+pttl"]))
        (backend.source as? any LearningSource)?.forgetLearned()
        var again: [BrowsedKey] = []
        _ = try await #require(backend.browsing).browseKeys(matching: .prefix(bytes("item:")), limit: 100) { batch in
            again += batch
            return true
        }
        #expect(again.count == 30 && again.allSatisfy { $0.type == "string" && $0.ttlKnown })
        await backend.source.close()
    }

    /// A server that speaks RESP as a managed service might: `INFO` with only some sections (as Upstash's:
    /// server, clients, memory, stats, keyspace; unknown fields), `COMMAND`, `CONFIG`, `MONITOR`, `SLOWLOG`,
    /// `LATENCY`, `MEMORY` and scripts refused in its own words.
    static func managedService() throws -> ScriptedRedisServer {
        try ScriptedRedisServer { command, _ in
            func bulk(_ text: String) -> String { "$\(text.utf8.count)\r\n\(text)\r\n" }
            switch command.first?.uppercased() ?? "" {
            case "PING": return "+PONG\r\n"
            case "CLIENT":
                return command.count > 1 && command[1].uppercased() == "SETNAME" ? "+OK\r\n" : "-ERR command not allowed by the service\r\n"
            case "INFO":
                let sections = Set(command.dropFirst().map { $0.lowercased() })
                guard sections.isEmpty || !sections.isDisjoint(with: ["server", "clients", "memory", "stats", "keyspace", "default"]) else {
                    return bulk("")
                }
                return bulk(
                    "# Server\r\nredis_version:7.2.0\r\nupstash_special:1\r\n# Memory\r\nused_memory:2048\r\nmaxmemory:0\r\n"
                        + "# Stats\r\nkeyspace_hits:10\r\nkeyspace_misses:5\r\nrole_unknown_field:x\r\n# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n"
                )
            case "SCAN": return "*2\r\n$1\r\n0\r\n*0\r\n"
            case "DBSIZE": return ":0\r\n"
            default: return "-ERR command not supported: \(command.first ?? "")\r\n"
            }
        }
    }

    @Test func aManagedServiceThatRefusesMostAndSendsPartialInfoIsReadLeniently() async throws {
        let server = try Self.managedService()
        defer { server.stop() }
        let backend = MonitoredBackend(
            id: BackendID(0), source: RedisSource(name: "managed", url: try RedisURL(parsing: "redis://127.0.0.1:\(server.port)")))
        let sample = try await backend.source.sample()
        #expect(sample.totalHits == 10 && sample.totalMisses == 5 && sample.memoryBytes == 2048, "overview counters from what INFO has")
        let health = try await #require(backend.health).readHealth()
        let read = try #require(health.servers.first)
        #expect(read.memory.value?.usedBytes == 2048, "memory read from a partial INFO")
        guard case .refused(let slowlog) = read.slowLog, case .refused(let clients) = read.clients else {
            Issue.record("the refused views should say so: \(read.slowLog) \(read.clients)")
            return
        }
        #expect(slowlog.contains("not supported") && clients.contains("not allowed"), "\(slowlog) / \(clients)")
        let report = try await backend.checkCapabilities(CapabilityCheckOptions())
        let checks = try #require(report.servers.first)
        #expect(checks.check(of: .overview)?.status == .ok && checks.check(of: .keys)?.status == .ok)
        #expect(checks.check(of: .traffic)?.status == .unavailable, "neither MONITOR nor CLIENT TRACKING")
        #expect(checks.check(of: .traffic)?.refused.allSatisfy { $0.kind == .blockedByService } == true)
        #expect(checks.check(of: .health)?.status == .degraded && checks.check(of: .metrics)?.status == .degraded)
        let metrics = await try #require(backend.metrics).exporterMetrics(backend: "managed")
        #expect(metrics.families.first { $0.name == "redis_up" }?.samples.first?.value == 1, "redis_up 1 with what INFO gave")
        await backend.source.close()
    }
}
