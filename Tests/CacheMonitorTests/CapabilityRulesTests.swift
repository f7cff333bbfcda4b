import Basics
import RESP
import Testing

@testable import CacheMonitor

/// What each restriction a managed service or an ACL imposes does to each feature, one at a time and all
/// together: the method used, the refusals in the server's words, and the remedy — decided from the
/// server's replies alone, so nothing depends on COMMAND or CONFIG answering.
@Suite struct CapabilityRulesTests {
    static let info = RedisInfo(parsing: "redis_version:7.0.15\r\nrole:master\r\nused_memory:1000\r\nkeyspace_hits:1\r\nkeyspace_misses:0\r\n")

    /// Every probe allowed, key-miss events on.
    func rules(
        refusing refused: [RedisProbe: String] = [:], events: String? = "Em", readOnly: Bool = false, info: RedisInfo? = info
    ) -> [CheckedFeature: FeatureCheck] {
        var answers: [RedisProbe: ProbeAnswer] = [:]
        for probe in RedisProbe.allCases where probe != .commandlog {
            answers[probe] = refused[probe].map { .refused(Refusal(reply: $0, command: probe.command)) } ?? .allowed
        }
        if readOnly { answers[.unlink] = .notAsked }
        let configEvents = refused[.configGet] == nil ? events : nil
        let checks = RedisCapabilityRules(answers: answers, info: info, keyspaceEvents: configEvents, readOnly: readOnly).features
        #expect(checks.map(\.feature) == CheckedFeature.allCases, "one check per feature, in order")
        return Dictionary(uniqueKeysWithValues: checks.map { ($0.feature, $0) })
    }

    func unknown(_ command: String) -> String { "ERR unknown command '\(command.lowercased())', with args beginning with: " }
    func noPermission(_ command: String) -> String { "NOPERM this user has no permissions to run the '\(command)' command" }

    @Test func aServerThatAllowsEverythingIsOkEverywhere() {
        let checks = rules()
        for feature in CheckedFeature.allCases { #expect(checks[feature]?.status == .ok, "\(feature)") }
        #expect(checks[.traffic]?.method == "monitor+keymiss")
        #expect(checks[.invalidate]?.method == "script")
        #expect(checks[.analyze]?.method == "MEMORY USAGE")
    }

    @Test func keyMissEventsOffAreTurnedOnAfterAYesButNotInReadOnly() {
        let asks = rules(events: "")
        #expect(asks[.traffic]?.status == .ok && asks[.traffic]?.method == "monitor+keymiss")
        #expect(asks[.traffic]?.note?.contains("asks before") == true)
        let readOnly = rules(events: "", readOnly: true)
        #expect(readOnly[.traffic]?.status == .degraded && readOnly[.traffic]?.method == "monitor")
        #expect(readOnly[.traffic]?.remedy?.contains("notify-keyspace-events with E and m") == true)
        #expect(readOnly[.invalidate]?.status == .unavailable && readOnly[.invalidate]?.remedy == "run without --read-only")
    }

    @Test func withoutConfigTrafficUsesKeyMissEventsAlreadyOnThenMonitorAlone() throws {
        let renamed = rules(refusing: [.configGet: unknown("CONFIG")])
        let traffic = try #require(renamed[.traffic])
        #expect(traffic.status == .degraded && traffic.method == "monitor+keymiss-existing")
        #expect(traffic.refused.map(\.command) == ["CONFIG GET"] && traffic.refused.first?.kind == .unknownCommand)
        #expect(traffic.remedy?.contains("parameter settings") == true)
        let noChannel = rules(refusing: [.configGet: unknown("CONFIG"), .subscribe: "NOPERM this user has no permissions to access the channel"])
        #expect(noChannel[.traffic]?.method == "monitor" && noChannel[.traffic]?.refused.count == 2)
        #expect(renamed[.metrics]?.status == .degraded && renamed[.metrics]?.note?.contains("redis_up is 1") == true)
    }

    @Test func withoutMonitorTrafficUsesKeyTrackingThenSaysWhyNone() {
        let tracking = rules(refusing: [.monitor: noPermission("monitor"), .configGet: noPermission("config|get")])
        #expect(tracking[.traffic]?.status == .degraded && tracking[.traffic]?.method == "tracking")
        #expect(tracking[.traffic]?.refused.map(\.kind) == [.noPermission])
        #expect(tracking[.traffic]?.remedy?.contains("grant the user +monitor") == true)
        let none = rules(refusing: [.monitor: unknown("MONITOR"), .tracking: unknown("CLIENT")])
        #expect(none[.traffic]?.status == .unavailable && none[.traffic]?.method == nil)
        #expect(none[.traffic]?.refused.map(\.command) == ["MONITOR", "CLIENT TRACKING"])
    }

    @Test func invalidationFallsBackToTheClientSideOnAnyScriptRefusal() {
        let serverless = rules(refusing: [.eval: "ERR Lua scripts without any input keys are not supported"])
        #expect(serverless[.invalidate]?.status == .degraded && serverless[.invalidate]?.method == "scan")
        #expect(serverless[.invalidate]?.refused.first?.kind == .blockedByService)
        let acl = rules(refusing: [.eval: noPermission("eval"), .evalsha: noPermission("evalsha")])
        #expect(acl[.invalidate]?.method == "scan" && acl[.invalidate]?.remedy?.contains("+@scripting") == true)
        let noUnlink = rules(refusing: [.unlink: noPermission("unlink")])
        #expect(noUnlink[.invalidate]?.status == .unavailable)
        let noScan = rules(refusing: [.scan: unknown("SCAN")])
        #expect(noScan[.invalidate]?.method == "keys" && noScan[.keys]?.status == .unavailable && noScan[.analyze]?.status == .unavailable)
    }

    @Test func analysisWithoutMemoryUsageUsesLengthsAndWithoutTypeOrTTLShowsAColumnOfDashes() {
        let lengths = rules(refusing: [.memoryUsage: unknown("MEMORY")])
        #expect(lengths[.analyze]?.status == .degraded && lengths[.analyze]?.method == "lengths")
        let noType = rules(refusing: [.type: noPermission("type")])
        #expect(noType[.analyze]?.status == .degraded && noType[.analyze]?.note?.contains("type column") == true)
        #expect(noType[.values]?.status == .unavailable)
        let noTTL = rules(refusing: [.pttl: noPermission("pttl")])
        #expect(noTTL[.analyze]?.note?.contains("TTL column") == true && noTTL[.ttl]?.status == .unavailable)
    }

    @Test func healthShowsWhatIsLeftAndNamesEachRefusedView() throws {
        let checks = rules(refusing: [
            .slowlog: unknown("SLOWLOG"), .latency: unknown("LATENCY"), .clientList: noPermission("client|list"), .memoryDoctor: unknown("MEMORY"),
        ])
        let health = try #require(checks[.health])
        #expect(health.status == .degraded)
        #expect(health.refused.map(\.command) == ["SLOWLOG", "CLIENT LIST", "LATENCY LATEST", "MEMORY DOCTOR"])
        #expect(health.method == "INFO+INFO commandstats")
        let noInfo = rules(refusing: [.info: noPermission("info")], info: nil)
        #expect(noInfo[.health]?.status == .unavailable && noInfo[.overview]?.status == .unavailable && noInfo[.metrics]?.status == .unavailable)
    }

    @Test func everyRestrictionTogetherStillLeavesWhatTheServerAllows() {
        var refused: [RedisProbe: String] = [:]
        for probe in [RedisProbe.configGet, .monitor, .eval, .evalsha, .slowlog, .latency, .memoryUsage, .memoryDoctor] {
            refused[probe] = unknown(probe.command)
        }
        let checks = rules(refusing: refused)
        #expect(checks[.overview]?.status == .ok && checks[.keys]?.status == .ok && checks[.ttl]?.status == .ok && checks[.values]?.status == .ok)
        #expect(checks[.analyze]?.method == "lengths" && checks[.traffic]?.method == "tracking" && checks[.invalidate]?.method == "scan")
        #expect(checks[.health]?.status == .degraded && checks[.metrics]?.status == .degraded)
        #expect(!checks.values.contains { $0.status == .unavailable })
    }

    @Test func anINFOWithoutStatsOrMemoryIsReadLeniently() {
        let upstash = RedisInfo(parsing: "# Server\r\nredis_version:7.2.0\r\nunknown_field:x\r\n")
        let checks = rules(info: upstash)
        #expect(checks[.overview]?.status == .degraded && checks[.overview]?.note?.contains("—") == true)
    }

    @Test func refusalsAreClassedByTheServersWordsAndTrimmed() {
        #expect(Refusal(reply: "ERR unknown command 'CONFIG', with args beginning with: 'GET' ", command: "CONFIG GET").kind == .unknownCommand)
        #expect(Refusal(reply: "ERR unknown command 'CONFIG', with args beginning with: 'GET' ", command: "CONFIG GET").message.hasSuffix("'GET'"))
        #expect(Refusal(reply: "NOPERM User x has no permissions", command: "MONITOR").kind == .noPermission)
        #expect(Refusal(reply: "ERR Lua scripts without any input keys are not supported", command: "EVAL").kind == .blockedByService)
        #expect(Refusal(reply: "ERR command is not allowed", command: "CONFIG").kind == .blockedByService)
        #expect(Refusal(reply: "ERR something else", command: "X").kind == .other)
        #expect(ProbeAnswer(reply: .error("WRONGTYPE Operation against a key holding the wrong kind of value"), probe: .getrange) == .allowed)
        #expect(ProbeAnswer(reply: .error("NOSCRIPT No matching script"), probe: .evalsha) == .allowed)
        #expect(ProbeAnswer(reply: .error("MOVED 8584 127.0.0.1:7001"), probe: .unlink) == .allowed, "permissions come before redirects")
    }

    @Test func valkeySaysItsOwnVersionBesideItsCompatibilityOne() {
        let valkey = RedisInfo(parsing: "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.1.2\r\n")
        #expect(valkey.isValkey && valkey.serverVersion == "9.1.2" && valkey.version == "7.2.4")
        let redis = RedisInfo(parsing: "redis_version:8.2.3\r\n")
        #expect(!redis.isValkey && redis.serverVersion == "8.2.3")
        #expect(ServerVersion("8.1.8") == ServerVersion(8, 1, 8) && ServerVersion("9.1.2")! > ServerVersion(8, 1))
        #expect(ServerVersion("7.2") == ServerVersion(7, 2, 0) && ServerVersion("255.255.255") != nil && ServerVersion("v8") == nil)
        #expect(ServerVersion(nil) == nil && ServerVersion("") == nil)
    }

    @Test func keyTrackingInvalidationsCountAsChangesInBothProtocols() {
        let recorder = TrafficRecorder(TrafficAggregator())
        let reader = TrackingStreamReader(recorder: recorder)
        reader.read(
            .array([
                .bulkString(Array("message".utf8)), .bulkString(Array("__redis__:invalidate".utf8)),
                .array([.bulkString(Array("a:1".utf8)), .bulkString(Array("a:2".utf8))]),
            ]))
        reader.read(.push([.bulkString(Array("invalidate".utf8)), .array([.bulkString(Array("b:1".utf8))])]))
        reader.read(.array([.bulkString(Array("message".utf8)), .bulkString(Array("__redis__:invalidate".utf8)), .null]))
        reader.read(.array([.bulkString(Array("message".utf8)), .bulkString(Array("other".utf8)), .array([.bulkString(Array("c:1".utf8))])]))
        let report = recorder.report(method: .tracking, duration: .seconds(1), functions: nil, hotKeyCount: 10)
        #expect(report.root.writes == 3 && report.root.reads == 0)
        #expect(report.root.misses == nil, "no hit ratio by key tracking")
        #expect(!TrafficMethod.tracking.knowsReads && TrafficMethod.monitorKeymissExisting.knowsMisses)
    }

    @Test func theCommandLogsEntriesAreReadLikeTheSlowLogsWithTheirSize() {
        func entry(_ id: Int64, _ bytes: Int64, _ arguments: [String], name: String) -> RESPValue {
            .array([
                .integer(id), .integer(1_796_515_102), .integer(bytes), .array(arguments.map { .bulkString(Array($0.utf8)) }),
                .bulkString(Array("127.0.0.1:5000".utf8)), .bulkString(Array(name.utf8)),
            ])
        }
        let reply = RESPValue.array([
            entry(2, 1_100_000, ["SET", "big", "x"], name: "worker"), entry(1, 300, ["GET", "big"], name: ""), .integer(3),
        ])
        let entries = LargeCommandEntry.parse(reply, node: "n:1")
        #expect(entries.map(\.id) == [2, 1] && entries.first?.bytes == 1_100_000 && entries.first?.node == "n:1")
        #expect(entries.first?.commandText() == "SET big x" && entries.first?.clientText == "127.0.0.1:5000 (worker)")
        #expect(entries.last?.clientName == nil && entries.last?.clientText == "127.0.0.1:5000")
        #expect(
            !entries[0].isCachescopes && LargeCommandEntry(id: 1, time: 0, bytes: 1, arguments: [], clientName: "cachescope-traffic").isCachescopes)
        let valkey81 = RedisInfo(parsing: "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.8\r\n")
        let valkey80 = RedisInfo(parsing: "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n")
        #expect(RedisSource.hasCommandLog(valkey81) && !RedisSource.hasCommandLog(valkey80))
        #expect(!RedisSource.hasCommandLog(RedisInfo(parsing: "redis_version:8.2.3\r\n")), "Redis has no COMMANDLOG")
    }

    @Test func aHashsFieldTTLsAreSummedUpFromHPTTL() throws {
        let summary = try #require(FieldTTLSummary(fields: 3, ttls: [49_000, -1, 1_000]))
        #expect(summary.volatile == 2 && summary.soonestMilliseconds == 1_000 && summary.complete)
        #expect(summary.text(countdown: { "\(($0 ?? 0) / 1000)s" }) == "2 of 3 fields expire, soonest in 1s")
        #expect(FieldTTLSummary(fields: 2, ttls: [-1, -2]) == nil, "no field expires: no badge")
        let partial = try #require(FieldTTLSummary(fields: 500, ttls: Array(repeating: 10, count: 128)))
        #expect(!partial.complete && partial.text(countdown: { _ in "0s" }).hasPrefix("at least 128 of 500"))
        let redis74 = RedisInfo(parsing: "redis_version:7.4.1\r\ndb0:keys=3,expires=0,avg_ttl=0,subexpiry=1\r\n")
        #expect(redis74.hasFieldTTLs && redis74.keyspace[0]?.volatileItemKeys == 1)
        let valkey9 = RedisInfo(
            parsing: "redis_version:7.2.4\r\nvalkey_version:9.1.2\r\ndb0:keys=3,expires=0,avg_ttl=0,keys_with_volatile_items=2\r\n")
        #expect(valkey9.hasFieldTTLs && valkey9.keyspace[0]?.volatileItemKeys == 2)
        #expect(!RedisInfo(parsing: "redis_version:7.2.4\r\nvalkey_version:8.1.8\r\n").hasFieldTTLs)
        #expect(!RedisInfo(parsing: "redis_version:7.0.15\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n").hasFieldTTLs)
        #expect(RedisInfo(parsing: "redis_version:7.0.15\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n").keyspace[0]?.volatileItemKeys == nil)
    }

    @Test func aClustersHotSlotsAreReadFromSlotStats() {
        func entry(_ slot: Int64, _ metrics: [(String, Int64)]) -> RESPValue {
            .array([.integer(slot), .array(metrics.flatMap { [RESPValue.bulkString(Array($0.0.utf8)), .integer($0.1)] })])
        }
        let keysOnly = SlotStat.parse(.array([entry(7, [("key-count", 40)]), entry(3, [("key-count", 2)]), .integer(1)]), node: "n:1")
        #expect(keysOnly.map(\.slot) == [7, 3] && keysOnly[0].keys == 40 && keysOnly[0].cpuMicroseconds == nil && keysOnly[0].node == "n:1")
        let byCPU = SlotStat.parse(
            .array([entry(9, [("key-count", 1), ("cpu-usec", 900), ("network-bytes-in", 10), ("network-bytes-out", 20), ("future-metric", 1)])]))
        let hottest = SlotStat.hottest([keysOnly, byCPU, byCPU])
        #expect(hottest.map(\.slot) == [9, 7, 3], "CPU first, then keys; each slot once")
        #expect(hottest[0].networkBytesOut == 20)
        let valkeyMaster = RedisInfo(parsing: "redis_version:7.2.4\r\nvalkey_version:8.0.1\r\ncluster_enabled:1\r\nrole:master\r\n")
        #expect(RedisSource.hasSlotStats(valkeyMaster))
        #expect(!RedisSource.hasSlotStats(RedisInfo(parsing: "redis_version:8.0.2\r\ncluster_enabled:1\r\nrole:master\r\n")), "Redis from 8.2")
        #expect(RedisSource.hasSlotStats(RedisInfo(parsing: "redis_version:8.2.3\r\ncluster_enabled:1\r\nrole:master\r\n")))
        #expect(!RedisSource.hasSlotStats(RedisInfo(parsing: "redis_version:8.2.3\r\ncluster_enabled:0\r\nrole:master\r\n")), "not a cluster")
        #expect(!RedisSource.hasSlotStats(RedisInfo(parsing: "redis_version:8.2.3\r\ncluster_enabled:1\r\nrole:slave\r\n")), "a replica")
    }
}
