import Basics
import RESP
import Testing

@testable import CacheMonitor

/// The dashboard's health over time: slow-log entries of the last minute, counters that grew within the
/// last minute, calls per second without our own commands.
@Suite struct HealthTrackerTests {
    static let unixTime: Int64 = 1_800_000_000

    private func server(rejected: Int64 = 0, slow: [Int64] = [], gets: Int64 = 0, clients: Int64 = 0) -> ServerHealth {
        var health = ServerHealth(address: "127.0.0.1:6379")
        health.rejectedConnections = rejected
        health.slowLog = .value(
            slow.enumerated().map { index, age in
                SlowLogEntry(id: Int64(index), time: Self.unixTime - age, durationMicroseconds: 20_000, arguments: [Array("KEYS".utf8)])
            })
        health.commands = .value([
            CommandStat(command: "get", calls: gets, microseconds: gets, microsecondsPerCall: 1),
            CommandStat(command: "client|list", calls: clients, microseconds: clients, microsecondsPerCall: 1),
        ])
        return health
    }

    private func rules(_ tracker: HealthTracker) -> [Attention.Rule] { tracker.health.attention.map(\.rule) }

    @Test func slowEntriesOfTheLastMinuteAreNewOlderOnesAreNot() {
        var tracker = HealthTracker()
        tracker.record([server(slow: [600, 30])], missing: [], scope: .full, now: 0, unixTime: Self.unixTime)
        #expect(tracker.health.attention.first { $0.rule == .slowlog }?.message == "1 new slow-log entry")
        tracker.record([server(slow: [600, 30])], missing: [], scope: .full, now: 60, unixTime: Self.unixTime + 60)
        #expect(!rules(tracker).contains(.slowlog), "a minute later nothing is new")
    }

    @Test func ourOwnSlowCommandsRaiseNoAttention() {
        var health = ServerHealth(address: "127.0.0.1:6379")
        health.slowLog = .value([
            SlowLogEntry(
                id: 1, time: Self.unixTime - 5, durationMicroseconds: 13_000, arguments: [Array("INFO".utf8)], clientName: "cachescope")
        ])
        var tracker = HealthTracker()
        tracker.record([health], missing: [], scope: .attention, now: 0, unixTime: Self.unixTime)
        #expect(!rules(tracker).contains(.slowlog), "an INFO of ours slowed by a loaded machine is not the application's")
        #expect(tracker.health.slowLog.entries.count == 1, "still listed on the health screen")
    }

    @Test func rejectedConnectionsCountSinceAReadingUpToAMinuteOld() {
        var tracker = HealthTracker()
        tracker.record([server(rejected: 5)], missing: [], scope: .attention, now: 0, unixTime: Self.unixTime)
        #expect(
            tracker.health.attention.first { $0.rule == .rejectedConnections }?.message.hasPrefix("5 connections") == true,
            "first reading: since start")
        tracker.record([server(rejected: 5)], missing: [], scope: .attention, now: 5, unixTime: Self.unixTime + 5)
        #expect(!rules(tracker).contains(.rejectedConnections), "none since the last reading")
        tracker.record([server(rejected: 7)], missing: [], scope: .attention, now: 10, unixTime: Self.unixTime + 10)
        #expect(tracker.health.attention.first { $0.rule == .rejectedConnections }?.message.hasPrefix("2 connections") == true)
        tracker.record([server(rejected: 7)], missing: [], scope: .attention, now: 75, unixTime: Self.unixTime + 75)
        #expect(!rules(tracker).contains(.rejectedConnections), "over a minute ago")
        tracker.record([server(rejected: 1)], missing: [], scope: .attention, now: 80, unixTime: Self.unixTime + 80)
        #expect(rules(tracker).contains(.rejectedConnections), "a restarted server counts from zero")
    }

    @Test func callsPerSecondLeaveOutOurOwnCommands() {
        var tracker = HealthTracker()
        tracker.record(
            [server(gets: 100, clients: 10)], missing: [], scope: .full, now: 0, unixTime: Self.unixTime, own: { _ in ["client|list": 10] })
        #expect(tracker.health.callsPerSecond.isEmpty, "one reading gives no rate")
        tracker.record(
            [server(gets: 300, clients: 15)], missing: [], scope: .full, now: 2, unixTime: Self.unixTime + 2,
            own: { _ in ["client|list": 15, "get": 50] })
        let rates = tracker.health.callsPerSecond["127.0.0.1:6379"]
        #expect(rates?["get"] == 75, "200 gets in 2 s, 50 of them ours")
        #expect(rates?["client|list"] == 0, "every CLIENT LIST was ours")
    }

    @Test func aFailedReadingKeepsTheFiguresAndSaysWhy() {
        var tracker = HealthTracker()
        tracker.record([server(slow: [10])], missing: [], scope: .full, now: 0, unixTime: Self.unixTime)
        tracker.recordFailure("timed out", now: 5)
        #expect(tracker.health.error == "timed out")
        #expect(tracker.health.servers.count == 1)
        #expect(tracker.health.slowLog.entries.count == 1)
    }

    @Test func ownCommandsAreCountedByTheirCommandstatsName() {
        let own = OwnCommands()
        own.sent([RESPCommand("CLIENT", ["LIST"]), RESPCommand("client", ["setname", "x"]), RESPCommand("GET", key: Array("k".utf8))], to: "a:1")
        own.sent([RESPCommand("INFO", ["stats"])], to: "b:2")
        #expect(own.count(of: "client|list", on: "a:1") == 1)
        #expect(own.count(of: "client", on: "a:1") == 2, "Redis 6 counts every CLIENT subcommand as client")
        #expect(own.count(of: "get", on: "a:1") == 1)
        #expect(own.count(of: "info", on: "a:1") == 0)
        #expect(own.count(of: "info", on: "b:2") == 1)
    }

    @Test func aPipelineOfInterleavedCommandsIsCountedPerName() {
        let own = OwnCommands()
        let keys = (0..<3).map { Array("k\($0)".utf8) }
        own.sent(
            keys.flatMap {
                [
                    RESPCommand("TYPE", key: $0), RESPCommand("PTTL", key: $0),
                    RESPCommand("MEMORY", ["USAGE"] + [String(decoding: $0, as: UTF8.self)]),
                ]
            }
                + [RESPCommand("CLIENT", ["LIST"]), RESPCommand("CLIENT"), RESPCommand("CLIENT", ["INFO"]), RESPCommand("memory", ["usage", "x"])],
            to: "a:1")
        #expect(own.count(of: "type", on: "a:1") == 3 && own.count(of: "pttl", on: "a:1") == 3)
        #expect(own.count(of: "memory|usage", on: "a:1") == 4, "MEMORY USAGE in either case")
        #expect(own.count(of: "client|list", on: "a:1") == 1 && own.count(of: "client|info", on: "a:1") == 1)
        #expect(own.count(of: "client", on: "a:1") == 3)
    }

    @Test func memcachedConnectionsLeaveOutListeners() {
        let stats: [(name: String, value: String)] = [
            ("23:addr", "tcp:0.0.0.0:11211"), ("23:state", "conn_listening"), ("23:secs_since_last_cmd", "0"),
            ("25:addr", "tcp:127.0.0.1:35854"), ("25:listen_addr", "tcp:127.0.0.1:11211"), ("25:state", "conn_parse_cmd"),
            ("25:secs_since_last_cmd", "12"), ("junk", "1"),
        ]
        let connections = MemcachedConnectionInfo.parse(stats)
        #expect(connections.count == 1)
        #expect(connections.first?.address == "tcp:127.0.0.1:35854")
        #expect(connections.first?.idleSeconds == 12)
        #expect(connections.first?.listenAddress == "tcp:127.0.0.1:11211")
    }

    @Test func sizesAsSettingsWriteThem() {
        #expect(ByteSizeText.parse("100MB") == 100 << 20)
        #expect(ByteSizeText.parse("512k") == 512 << 10)
        #expect(ByteSizeText.parse("1.5GiB") == 3 << 29)
        #expect(ByteSizeText.parse("2048") == 2048)
        #expect(ByteSizeText.parse(" 7 B ") == 7)
        #expect(ByteSizeText.parse("lots") == nil)
        #expect(ByteSizeText.parse("-1MB") == nil)
        #expect(ByteSizeText.parse("") == nil)
    }
}
