import CacheMonitor
import Caching
import RESP
import Testing

@testable import Dashboard

/// The health screen through the reducer and the renderer: `h` opens it and focuses the poller on the
/// backend, tabs and servers switch, calls/s leave out our own commands, `K` closes a client through the
/// confirm dialog (never our own, not in --read-only), the overview counts what needs attention, and the
/// mouse selects rows and tabs.
@Suite struct HealthScreenTests {
    static let unixTime: Int64 = 1_800_000_000

    /// One Redis server's health: a slow log of two entries (one of the last minute), commands read twice
    /// ten seconds apart, two clients (one ours), memory at 90% of maxmemory.
    static func redisServer(_ address: String, calls: Int64, slowId: Int64 = 7) -> ServerHealth {
        var server = ServerHealth(address: address)
        server.slowLog = .value([
            SlowLogEntry(
                id: slowId, time: unixTime - 5, durationMicroseconds: 25_000, arguments: [Array("KEYS".utf8), Array("user:*".utf8)],
                clientAddress: "10.0.0.9:5000", clientName: "worker", node: address),
            SlowLogEntry(id: slowId - 1, time: unixTime - 600, durationMicroseconds: 12_000, arguments: [Array("DEBUG".utf8)], node: address),
        ])
        let info = RedisInfo(
            parsing: """
                cmdstat_get:calls=\(calls),usec=\(calls * 2),usec_per_call=2.00,rejected_calls=0,failed_calls=0
                cmdstat_info:calls=\(calls / 10),usec=100,usec_per_call=10.00,rejected_calls=0,failed_calls=0
                latency_percentiles_usec_get:p50=1.003,p99=4.015,p99.9=9.023
                used_memory:900000000
                maxmemory:1000000000
                maxmemory_policy:allkeys-lru
                role:master
                connected_slaves:0
                """)
        server.commands = .value(CommandStat.parse(info))
        server.memory = MemoryHealth(info).map { .value($0) } ?? .notApplicable
        server.replication = ReplicationHealth(info).map { .value($0) } ?? .notApplicable
        server.clients = .value(
            RedisClientInfo.parse(
                """
                id=3 addr=10.0.0.9:5000 laddr=10.0.0.1:6379 fd=8 name=worker age=100 idle=2 flags=N db=0 cmd=get qbuf=0 omem=0 tot-mem=90000
                id=4 addr=127.0.0.1:6000 laddr=10.0.0.1:6379 fd=9 name=cachescope age=10 idle=0 flags=N db=0 cmd=client|list qbuf=0 omem=0 tot-mem=20000
                """))
        server.latencyEvents = .refused("latency monitoring is off: CONFIG SET latency-monitor-threshold 100 (milliseconds) turns it on")
        return server
    }

    /// The fixture state with health read twice on the first backend (a single server).
    static func state(readOnly: Bool = false, servers: [String] = ["10.0.0.1:6379"]) -> AppState {
        var tracker = HealthTracker()
        tracker.record(servers.map { redisServer($0, calls: 1_000) }, missing: [], scope: .full, now: 0, unixTime: unixTime - 10)
        // 1,000 more gets in 10 s, 200 of them ours: 80 calls/s.
        tracker.record(
            servers.map { redisServer($0, calls: 2_000) }, missing: [], scope: .full, now: 10, unixTime: unixTime,
            own: { _ in ["get": 200, "info": 100] })
        var state = Fixtures.state(readOnly: readOnly)
        state.unixTime = unixTime
        var snapshot = state.snapshot
        snapshot.backends[0].health = tracker.health
        _ = Reducer.reduce(&state, .snapshot(snapshot))
        return state
    }

    @Test func hOpensHealthFocusesThePollerAndEscLeaves() {
        var state = Self.state()
        let effects = Fixtures.press([.character("h")], &state)
        #expect(state.screen == .health)
        #expect(state.context == .health)
        #expect(effects == [.focusHealth(Fixtures.sessions.id)])
        let text = DashboardView.render(state).text()
        #expect(text.contains("sessions › health › slow log"))
        for tab in ["slow log", "commands", "latency", "clients", "memory", "replication"] { #expect(text.contains(" \(tab) ")) }
        #expect(text.contains("KEYS user:*"), "the slow command with its arguments")
        #expect(text.contains("10.0.0.9:5000 (worker)"), "the client's address and name")
        #expect(text.contains("5s ago") && text.contains("10m0s ago"))
        #expect(text.contains("memory at 90% of maxmemory"), "the attention line")
        #expect(Fixtures.press([.escape], &state) == [.focusHealth(nil)])
        #expect(state.screen == .overview)
    }

    @Test func tabsSwitchAndCommandsLeaveOutOurOwnCalls() {
        var state = Self.state()
        Fixtures.press([.character("h"), .character("]")], &state)
        #expect(state.health?.tab == .commands)
        let lines = DashboardView.render(state).text().split(separator: "\n").map(String.init)
        let get = lines.first { $0.hasPrefix(" get ") }
        #expect(get?.contains(" 80 ") == true, "1,000 gets in 10 s, 200 of them ours: \(get ?? "no row")")
        let info = lines.first { $0.hasPrefix(" info ") }
        #expect(info?.contains(" 0 ") == true, "every INFO was ours: \(info ?? "no row")")
        Fixtures.press([.character("s")], &state)
        #expect(state.health?.commandSort == .calls)
        Fixtures.press([.character("["), .character("[")], &state)
        #expect(state.health?.tab == .replication, "[ wraps around")
        let memory = { () -> String in
            var copy = state
            Fixtures.press([.character("[")], &copy)
            return DashboardView.render(copy).text()
        }()
        #expect(memory.contains("allkeys-lru") && memory.contains("858.3M"))
    }

    @Test func valkeysCommandLogIsTwoMoreTabsWhereAServerKeepsOne() throws {
        var state = Self.state()
        Fixtures.press([.character("h")], &state)
        #expect(!DashboardView.render(state).text().contains("large requests"), "no command log on this server: no tab")
        var tracker = HealthTracker()
        var server = Self.redisServer("10.0.0.1:6379", calls: 1_000)
        server.largeRequests = .value([
            LargeCommandEntry(
                id: 4, time: Self.unixTime - 3, bytes: 2_500_000, arguments: [Array("SET".utf8), Array("report:2026".utf8), Array("…".utf8)],
                clientAddress: "10.0.0.9:5000", clientName: "worker", node: "10.0.0.1:6379")
        ])
        server.largeReplies = .refused("the user lacks the COMMANDLOG permission (NOPERM …)")
        tracker.record([server], missing: [], scope: .full, now: 0, unixTime: Self.unixTime)
        var snapshot = state.snapshot
        snapshot.backends[0].health = tracker.health
        _ = Reducer.reduce(&state, .snapshot(snapshot))
        Fixtures.press([.character("]")], &state)
        #expect(state.health?.tab == .largeRequests)
        let requests = DashboardView.render(state).text()
        #expect(requests.contains("sessions › health › large requests") && requests.contains(" large replies "))
        #expect(requests.contains("SET report:2026") && requests.contains("2.4M") && requests.contains("3s ago"), "\(requests)")
        Fixtures.press([.character("]")], &state)
        let replies = DashboardView.render(state).text()
        #expect(replies.contains("no large replies logged") && replies.contains("lacks the COMMANDLOG permission"), "\(replies)")
        Fixtures.press([.character("]")], &state)
        #expect(state.health?.tab == .commands)
    }

    @Test func aClustersHotSlotsAreATabOfTheirOwn() {
        var state = Self.state()
        var tracker = HealthTracker()
        var server = Self.redisServer("10.0.0.1:6379", calls: 1_000)
        server.hotSlots = .value([
            SlotStat(slot: 12_539, keys: 4_100, node: "10.0.0.1:6379"), SlotStat(slot: 866, keys: 90_000, node: "10.0.0.1:6379"),
        ])
        tracker.record([server], missing: [], scope: .full, now: 0, unixTime: Self.unixTime)
        var snapshot = state.snapshot
        snapshot.backends[0].health = tracker.health
        _ = Reducer.reduce(&state, .snapshot(snapshot))
        Fixtures.press([.character("h"), .character("]")], &state)
        #expect(state.health?.tab == .hotSlots)
        let text = DashboardView.render(state).text()
        #expect(text.contains("sessions › health › hot slots") && text.contains("90,000") && text.contains("12539"), "\(text)")
        #expect(text.contains("need cluster-slot-stats-enabled yes"), "CPU and network are off: say how to turn them on")
        let lines = text.split(separator: "\n")
        #expect((lines.firstIndex { $0.contains("866") } ?? 99) < (lines.firstIndex { $0.contains("12539") } ?? 0), "most keys first without CPU")
    }

    @Test func killGoesThroughTheDialogAndNeverClosesOurOwnConnection() {
        var state = Self.state()
        Fixtures.press([.character("h"), .character("]"), .character("]"), .character("]")], &state)
        #expect(state.health?.tab == .clients)
        // Sorted by memory: the worker (90 K) first, ours (20 K) second.
        #expect(Fixtures.press([.character("K")], &state).isEmpty)
        let target = ClientToKill(id: 3, node: "10.0.0.1:6379", name: "worker", address: "10.0.0.9:5000")
        #expect(state.dialog?.change == PendingChange(.killClient(target), on: Fixtures.sessions))
        #expect(DashboardView.render(state).text().contains("Close client 3 'worker' (10.0.0.9:5000) on 10.0.0.1:6379"))
        let effects = Fixtures.press([.character("y")], &state)
        #expect(effects == [.run(PendingChange(.killClient(target), on: Fixtures.sessions), expected: nil)])
        _ = Reducer.reduce(
            &state,
            .jobFinished(ChangeOutcome(change: .killClient(target), backend: Fixtures.sessions, dryRun: false, detail: .killed(existed: true))))
        #expect(state.message?.text == "closed client 3 (10.0.0.9:5000) on 10.0.0.1:6379")
        Fixtures.press([.down, .character("K")], &state)
        #expect(state.dialog == nil)
        #expect(state.message?.text.contains("one of cachescope's own connections") == true)
    }

    @Test func readOnlyKeepsEveryViewAndRefusesTheKill() {
        var state = Self.state(readOnly: true)
        Fixtures.press([.character("h"), .character("]"), .character("]"), .character("]")], &state)
        #expect(DashboardView.render(state).text().contains("worker"))
        #expect(Fixtures.press([.character("K")], &state).isEmpty)
        #expect(state.dialog == nil)
        #expect(state.message?.text.contains("read-only mode: 'K'") == true)
    }

    @Test func severalServersMergeWithANodeColumnAndGreaterThanPicksOne() {
        var state = Self.state(servers: ["10.0.0.1:7000", "10.0.0.2:7001"])
        Fixtures.press([.character("h")], &state)
        var text = DashboardView.render(state).text()
        #expect(text.contains("· all servers"))
        #expect(text.contains("10.0.0.1:7000") && text.contains("10.0.0.2:7001"), "the node column")
        Fixtures.press([.character(">")], &state)
        #expect(state.health?.node == "10.0.0.1:7000")
        text = DashboardView.render(state).text()
        #expect(!text.contains("10.0.0.2:7001"))
        Fixtures.press([.character("<")], &state)
        #expect(state.health?.node == nil)
    }

    @Test func theOverviewCountsWhatNeedsAttentionAndThePanelSaysWhy() {
        let state = Self.state()
        let lines = DashboardView.render(state).text().split(separator: "\n").map(String.init)
        #expect(lines.first { $0.contains("sessions") }?.contains("⚠ 2") == true, "memory and slowlog")
        #expect(lines.contains { $0.contains("⚠ memory: memory at 90% of maxmemory") })
        #expect(lines.contains { $0.contains("⚠ slowlog: 1 new slow-log entry") })
    }

    @Test func anInProcessCacheHasNoHealth() {
        var state = Fixtures.state()
        // Its source has no health port: what it conforms to is the answer, not its kind.
        let demo = MonitoredBackend(id: Fixtures.sessions.id, source: InProcessSource(name: "sessions", backend: SimpleCache()))
        state.snapshot.backends[0].backend = demo
        state.snapshot.backends[0].kind = .inProcess
        Fixtures.press([.character("h")], &state)
        #expect(state.screen == .overview)
        #expect(state.message?.text.contains("in-process cache") == true)
    }

    @Test func aClickSelectsRowsAndTabsADoubleClickOpensTheWheelMoves() {
        var state = Self.state()
        // The overview's rows start under the totals line and the table header (line 3 is the first backend).
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 4)))
        #expect(state.selectedBackend == Fixtures.pages.id)
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 30)))
        #expect(state.selectedBackend == Fixtures.pages.id, "a click on no row changes nothing")
        let effects = Reducer.reduce(&state, .mouse(MouseEvent(.doubleClick, x: 5, y: 3)))
        #expect(state.selectedBackend == Fixtures.sessions.id)
        #expect(effects == [.loadKeys(Fixtures.sessions, filter: .all)])
        #expect(state.screen == .keys)
        _ = Reducer.reduce(&state, .keysLoaded(backend: Fixtures.sessions.id, filter: .all, window: KeyWindow.complete(Fixtures.keys)))
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.wheelDown, x: 5, y: 10)))
        #expect(state.keyBrowser?.selection == 3)
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 4)))
        #expect(state.keyBrowser?.selection == 1, "the second key is on line 4")
        Fixtures.press([.escape, .character("h")], &state)
        let tabs = HealthScreen.tabPositions(HealthTab.tabs(for: .redis), width: state.width)
        let clients = tabs.first { $0.tab == .clients }
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: clients?.x ?? 0, y: 2)))
        #expect(state.health?.tab == .clients)
        _ = Reducer.reduce(&state, .mouse(MouseEvent(.click, x: 5, y: 6)))
        #expect(state.health?.selection == 1, "the second client is on line 6")
    }
}

/// `e` on a Sentinel-managed backend: the master, its replicas and the sentinels, up or down.
@Suite struct SentinelRowsTests {
    @Test func expandedRowsListMasterReplicasAndSentinels() {
        var state = Fixtures.state()
        var snapshot = state.snapshot
        snapshot.backends[0].sample?.topology = [
            TopologyMember(role: .master, address: "10.0.0.6:6379", up: true),
            TopologyMember(role: .replica, address: "10.0.0.5:6379", up: false, detail: "s_down,slave,disconnected"),
            TopologyMember(role: .sentinel, address: "10.0.0.1:26379", up: true, detail: "OK 3 usable Sentinels"),
        ]
        snapshot.backends[0].sample?.note = "failover 10.0.0.5:6379 → 10.0.0.6:6379 (sentinel 10.0.0.1:26379/mymaster)"
        _ = Reducer.reduce(&state, .snapshot(snapshot))
        Fixtures.press([.character("e")], &state)
        let lines = DashboardView.render(state).text().split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("└ master") && $0.contains("10.0.0.6:6379") })
        #expect(lines.contains { $0.contains("└ replica") && $0.contains("10.0.0.5:6379") && $0.contains("down") && $0.contains("s_down") })
        #expect(lines.contains { $0.contains("└ sentinel") && $0.contains("OK 3") })
        #expect(lines.contains { $0.contains("failover 10.0.0.5:6379 → 10.0.0.6:6379") }, "the panel says what moved")
    }
}
