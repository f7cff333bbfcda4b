import Basics
import CacheMonitor
import Foundation
import Testing

@testable import Dashboard

/// Whole frames rendered from fixed states and compared with golden text files (`Snapshots/`).
@Suite struct RendererSnapshotTests {
    @Test func overviewAt120x40() {
        let canvas = DashboardView.render(Fixtures.state())
        assertSnapshot(canvas, named: "overview-120x40", roles: true)
        let text = canvas.text()
        #expect(text.contains("retry in 4s · cannot connect to 127.0.0.1:6390"), "a down backend shows why and when it is retried")
        #expect(text.contains("97.5%"), "the interval hit ratio has one decimal")
        #expect(text.contains("2/3 up"))
        #expect(text.contains(":6379"), "the port of a long address is kept")
    }

    @Test func demoRoutesPanelShowsWhatCachingSaves() {
        let canvas = DashboardView.render(Fixtures.demoState())
        assertSnapshot(canvas, named: "overview-demo-120x40", roles: true)
        let text = canvas.text()
        let users = text.split(separator: "\n").first { $0.contains("/api/users ") } ?? ""
        let figures = users.contains("0.2ms") && users.contains("121ms") && users.contains("×605")
        #expect(figures, "hit and miss medians and the ratio between them: \(users)")
        #expect(text.contains("/api/users/{id}/update"), "route paths are not cut")
        #expect(text.contains("demo app http://127.0.0.1:5000 · 50 req/s"))
        #expect(text.contains("p pause") && text.contains("u update user"), "the footer offers the demo's keys")
        #expect(!DashboardView.render(Fixtures.demoState(width: 99, height: 30)).text().contains("p50 miss"), "no routes panel below 100 columns")
        #expect(!DashboardView.render(Fixtures.demoState(width: 120, height: 29)).text().contains("p50 miss"), "no routes panel below 30 rows")
        #expect(!DashboardView.render(Fixtures.state()).text().contains("p pause"), "no demo keys without a demo")
    }

    @Test func keysAreLabelledPastTheBackendsOwnKeyPrefix() {
        let demo = Fixtures.backend(0, "simplecache", .inProcess, "this process (SimpleCache)", keyPrefix: Array("cachescope_demo:".utf8))
        var state = Fixtures.state()
        state.snapshot = Snapshot(backends: [BackendSnapshot(backend: demo, status: .up)], takenAt: Fixtures.now)
        state.selectedBackend = demo.id
        _ = Reducer.reduce(&state, .key(.enter))
        let keys = [
            "cachescope_demo:view//api/users", "cachescope_demo:memoize/expensive/0123456789abcdefAbCdEf", "cachescope_demo:memoize/expensive_memver",
            "cachescope_demo:user_7",
        ]
        _ = Reducer.reduce(
            &state, .keysLoaded(backend: demo.id, filter: .all, window: KeyWindow.complete(keys.map { Fixtures.key($0, ttl: 60_000) })))
        let lines = DashboardView.render(state).text().split(separator: "\n")
        func kind(of key: String) -> String? {
            guard let line = lines.first(where: { $0.contains(key + " ") }) else { return nil }
            return line.split(separator: " ").map(String.init).first { ["view", "memoize", "version", "plain"].contains($0) }
        }
        #expect(kind(of: "cachescope_demo:view//api/users") == "view")
        #expect(kind(of: "cachescope_demo:memoize/expensive/0123456789abcdefAbCdEf") == "memoize")
        #expect(kind(of: "cachescope_demo:memoize/expensive_memver") == "version")
        #expect(kind(of: "cachescope_demo:user_7") == "plain")
    }

    @Test func expandingAPoolListsItsServers() {
        var state = Fixtures.state()
        Fixtures.press([.character("2"), .character("e")], &state)
        let text = DashboardView.render(state).text()
        #expect(text.contains("10.0.0.12:11211"))
        let line = text.split(separator: "\n").first { $0.contains("10.0.0.13:11211") } ?? ""
        #expect(line.contains("✖ down") && line.contains("connection refused"), "a server that is down says why: \(line)")
        Fixtures.press([.character("e")], &state)
        #expect(!DashboardView.render(state).text().contains("10.0.0.13:11211 ✖"))
    }

    @Test func expandingAClusterListsItsNodesWithRoleSlotsAndRates() {
        func node(_ port: Int, role: NodeRole, slots: Int, hits: UInt64, up: Bool = true, health: NodeHealth = .online) -> ServerReading {
            var reading = ServerReading(
                address: "10.0.1.1:\(port)", up: up, error: up ? nil : "cannot connect to 10.0.1.1:\(port): connection refused")
            reading.role = role
            reading.slots = slots
            reading.hits = hits
            reading.misses = hits / 4
            reading.operations = hits * 2
            reading.keys = 1000
            reading.health = health
            reading.countsInTotals = role == .master
            return reading
        }
        let before = [
            node(7000, role: .master, slots: 5461, hits: 1000), node(7001, role: .master, slots: 5462, hits: 2000, health: .suspected),
            node(7002, role: .master, slots: 5461, hits: 3000), node(7003, role: .replica, slots: 0, hits: 10),
        ]
        let after = [
            node(7000, role: .master, slots: 5461, hits: 1400), node(7001, role: .master, slots: 5462, hits: 2100, health: .suspected),
            node(7002, role: .master, slots: 5461, hits: 0, up: false), node(7003, role: .replica, slots: 0, hits: 10),
        ]
        var previous = Fixtures.sample(hits: 6000, misses: 1500, keys: 3000, memory: 1, maxMemory: nil, operations: 12_000)
        previous.servers = before
        var current = Fixtures.sample(hits: 3500, misses: 875, keys: 2000, memory: 1, maxMemory: nil, operations: 7000)
        current.servers = after
        let described = Fixtures.backend(0, "sessions", .redis, "10.0.1.1:7000")
        var cluster = BackendSnapshot(
            backend: described, kind: .redisCluster, status: .up, sample: current,
            rates: BackendRates(from: previous, to: current, seconds: 1), sampledAt: Fixtures.now)
        cluster.hitRatioHistory.append(0.8)
        var state = Fixtures.state()
        _ = Reducer.reduce(&state, .snapshot(Snapshot(backends: [cluster], takenAt: Fixtures.now)))
        Fixtures.press([.character("1"), .character("e")], &state)
        let lines = DashboardView.render(state).text().split(separator: "\n").map(String.init)
        let row = lines.first { $0.contains("sessions") } ?? ""
        #expect(row.contains("cluster"), "the type column shows while nodes are listed: \(row)")
        #expect(row.contains("▲ 2/3"), "a cluster with a master down says how much of it answers: \(row)")
        let first = lines.first { $0.contains("10.0.1.1:7000") && $0.contains("master") } ?? ""
        #expect(first.contains("5461 slots") && first.contains("● up") && first.contains("400"), "role, slots and its own hits/s: \(first)")
        let suspect = lines.first { $0.contains("10.0.1.1:7001") } ?? ""
        #expect(suspect.contains("fail?"), "\(suspect)")
        let down = lines.first { $0.contains("10.0.1.1:7002") } ?? ""
        #expect(down.contains("✖ down") && down.contains("connection refused"), "\(down)")
        let replica = lines.first { $0.contains("10.0.1.1:7003") } ?? ""
        #expect(replica.contains("replica"), "\(replica)")
        #expect(lines.contains { $0.contains("2/3 masters up, 1 replicas") }, "the panel counts masters and replicas")
    }

    @Test func overviewAt80x24() {
        let canvas = DashboardView.render(Fixtures.state(width: 80, height: 24))
        assertSnapshot(canvas, named: "overview-80x24")
        for line in canvas.text().split(separator: "\n") where line.contains("sessions") && line.contains(":") {
            #expect(line.contains(":6379"), "the port survives truncation: \(line)")
        }
    }

    @Test func compactLayoutBelow80x24() {
        let canvas = DashboardView.render(Fixtures.state(width: 60, height: 16))
        assertSnapshot(canvas, named: "overview-60x16")
        #expect(canvas.text().contains("sessions"))
        #expect(!canvas.text().contains("╭"), "no details panel in the compact layout")
    }

    @Test func tinyTerminalSaysSo() {
        let canvas = DashboardView.render(Fixtures.state(width: 30, height: 8))
        assertSnapshot(canvas, named: "tiny-30x8")
        #expect(canvas.text().contains("terminal too small"))
        #expect(canvas.text().contains("30×8, need 40×10"))
    }

    @Test func keyBrowserListsKeysWithLiveTTLs() {
        var state = Fixtures.browsing()
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now + 2, clock: "12:34:58"))
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "keys-120x40", roles: true)
        let text = canvas.text()
        #expect(text.contains("4m57s"), "299 s read 2 s ago shows 4m57s")
        #expect(text.contains("∞"), "no TTL shows ∞")
        #expect(text.contains("2d0h"), "2 days 1 hour read 2 s ago")
        #expect(text.contains("bin\\x01ary\\xFF"), "bytes that are not printable are escaped")
        // 7.4 s read 2 s ago: under 10 s, highlighted.
        let row = text.split(separator: "\n").firstIndex { $0.contains("user:1:email") } ?? 0
        let roles = canvas.roles().split(separator: "\n")[row]
        #expect(roles.contains("w"), "a TTL under 10 s is highlighted")
    }

    @Test func wideCharactersTakeTwoCells() {
        let canvas = DashboardView.render(Fixtures.browsing())
        let y = canvas.text().split(separator: "\n").firstIndex { $0.contains("session:日本語") } ?? 0
        let x = (0..<canvas.width).first { canvas[$0, y].character == "日" } ?? 0
        #expect(canvas[x + 1, y].isContinuation)
        #expect(canvas[x + 2, y].character == "本")
    }

    @Test func treeViewCountsKeysPerPrefix() {
        var state = Fixtures.browsing()
        Fixtures.press([.character("v")], &state)
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "tree-120x40")
        #expect(canvas.text().contains("▸ user:"))
    }

    @Test func detailsShowAPreview() {
        var state = Fixtures.browsing()
        let key = Fixtures.keys[0]
        Fixtures.press([.enter], &state)
        state.detailsKey = key
        let value = Array("{\"name\": \"Ada\", \"age\": 36}".utf8)
        _ = Reducer.reduce(
            &state, .detailsLoaded(key: key, details: KeyDetails(key: key, encoding: "embstr", valueBytes: value, length: value.count)))
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "details-120x40")
        #expect(canvas.text().contains("embstr"))
        #expect(canvas.text().contains("value · json · 26 bytes"))
        #expect(canvas.text().contains("\"name\" : \"Ada\""), "JSON is pretty-printed")
    }

    @Test func prefixDialogNamesBackendAndCount() {
        var state = Fixtures.browsing(width: 80, height: 24)
        Fixtures.press([.character("v"), .down, .down, .down], &state)
        let effects = Fixtures.press([.character("D")], &state)
        let change = PendingChange(.invalidatePrefix(Array("user:".utf8)), on: Fixtures.sessions)
        #expect(effects == [.count(change)])
        _ = Reducer.reduce(&state, .matchCount(change: change, count: .counted(3, more: false)))
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "dialog-80x24")
        #expect(canvas.text().contains("Delete every key under 'user:'"))
        #expect(canvas.text().contains("on sessions (cache-primary.eu-west-1.internal.example.com:6379)"))
        #expect(canvas.text().contains("3 matching keys will be deleted"))
    }

    @Test func helpListsTheKeysWithoutDangerousOnesInReadOnly() {
        var state = Fixtures.state(width: 120, height: 40, readOnly: true)
        Fixtures.press([.character("?")], &state)
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "help-read-only-120x40")
        #expect(canvas.text().contains("freeze"))
        #expect(!canvas.text().contains("delete the selected key"))
        #expect(canvas.text().contains("READ-ONLY"))
    }

    @Test func progressBarWhileAJobRuns() {
        var state = Fixtures.browsing(width: 80, height: 24)
        state.job = JobState(change: PendingChange(.invalidatePrefix(Array("user:".utf8)), on: Fixtures.sessions), expected: 200_000)
        _ = Reducer.reduce(&state, .jobProgress(progress(deleted: 120_000, scanned: 500_000), elapsed: .milliseconds(1_250)))
        let canvas = DashboardView.render(state)
        let status = canvas.text().split(separator: "\n", omittingEmptySubsequences: false)[22]
        #expect(status.contains("60%"))
        #expect(status.contains("120,000 deleted"))
        #expect(status.contains("1.2s") || status.contains("1.3s"))
    }
}

private func progress(deleted: Int, scanned: Int) -> DeletionTotals {
    var progress = DeletionTotals()
    progress.deleted = deleted
    progress.scanned = scanned
    return progress
}

/// The same frames on a terminal without Unicode (`LANG=C`): every cell ASCII, the layout of the UTF-8
/// frames kept, key names and values in the escape form.
@Suite struct AsciiFrameTests {
    private func ascii(_ state: AppState) -> AppState {
        var state = state
        state.asciiOnly = true
        return state
    }

    private func expectSameLayout(_ unicode: Canvas, _ ascii: Canvas, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ascii.cells.allSatisfy { $0.scalar.isASCII }, "only ASCII", sourceLocation: sourceLocation)
        let unicodeLines = unicode.text().split(separator: "\n", omittingEmptySubsequences: false)
        let asciiLines = ascii.text().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(unicodeLines.count == asciiLines.count, sourceLocation: sourceLocation)
        #expect(unicode.roles() == ascii.roles(), "every cell keeps its place and colour", sourceLocation: sourceLocation)
    }

    @Test func overviewAndDemoPanels() {
        let unicode = DashboardView.render(Fixtures.demoState())
        let canvas = DashboardView.render(ascii(Fixtures.demoState()))
        assertSnapshot(canvas, named: "ascii-overview-demo-120x40")
        expectSameLayout(unicode, canvas)
        let text = canvas.text()
        #expect(text.contains("now 97.5% | life 90.7%"), "the panel's separators are stand-ins, nothing shifts")
        #expect(text.contains("x605"), "the routes panel keeps its sign")
        #expect(text.contains("+-") && text.contains("-+"), "frames are drawn with + - |")
    }

    @Test func keyBrowserWithTreeAndEscapedKeys() {
        var state = ascii(Fixtures.browsing())
        _ = Reducer.reduce(&state, .tick(now: Fixtures.now + 2, clock: "12:34:58"))
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "ascii-keys-120x40")
        let text = canvas.text()
        #expect(text.contains("session:\\xE6\\x97\\xA5\\xE6\\x9C\\xAC\\xE8\\xAA\\x9E"), "a key that is not ASCII is shown in the escape form")
        #expect(!text.split(separator: "\n").contains { $0.contains("session:") && $0.contains("?") }, "nothing is lost to a question mark")
        var tree = state
        Fixtures.press([.character("v")], &tree)
        #expect(DashboardView.render(tree).text().contains("+ user:"))
    }

    @Test func dialogProgressAndResultLines() {
        var state = ascii(Fixtures.browsing(width: 80, height: 24))
        Fixtures.press([.character("v"), .down, .down, .down, .character("D")], &state)
        let dialog = DashboardView.render(state)
        assertSnapshot(dialog, named: "ascii-dialog-80x24")
        #expect(dialog.text().contains("counting matching keys~ 0 so far"))
        state = ascii(Fixtures.browsing())
        let change = PendingChange(.invalidatePrefix(Array("session:日".utf8)), on: Fixtures.sessions)
        state.job = JobState(change: change, expected: 10)
        _ = Reducer.reduce(&state, .jobProgress(DeletionTotals(scanned: 20, matched: 5, deleted: 5), elapsed: .milliseconds(300)))
        let progress = DashboardView.render(state)
        #expect(progress.text().contains("###############............... 50% 5 deleted | 300ms | Esc stops"), "\(progress.text())")
        var outcome = ChangeOutcome(change: change.change, backend: Fixtures.sessions, dryRun: false, elapsed: .milliseconds(735))
        outcome.totals = DeletionTotals(scanned: 20, matched: 7, deleted: 7)
        outcome.ending = .stopped
        _ = Reducer.reduce(&state, .jobFinished(outcome))
        let result = DashboardView.render(state)
        #expect(result.text().contains("stopped: deleted 7 keys under 'session:\\xE6\\x97\\xA5' on sessions before the stop (735ms)"))
        #expect(result.cells.allSatisfy { $0.scalar.isASCII })
    }

    @Test func detailsEscapeValuesThatAreNotAscii() {
        var state = ascii(Fixtures.browsing())
        let key = Fixtures.keys[5]
        Fixtures.press([.enter], &state)
        state.detailsKey = key
        state.screen = .details
        let value = Array("Grüße — 日本".utf8)
        _ = Reducer.reduce(
            &state, .detailsLoaded(key: key, details: KeyDetails(key: key, encoding: "embstr", valueBytes: value, length: value.count)))
        let canvas = DashboardView.render(state)
        assertSnapshot(canvas, named: "ascii-details-120x40")
        #expect(canvas.text().contains("Gr\\xC3\\xBC\\xC3\\x9Fe \\xE2\\x80\\x94 \\xE6\\x97\\xA5\\xE6\\x9C\\xAC"))
        #expect(canvas.cells.allSatisfy { $0.scalar.isASCII })
    }

    @Test func helpTooSmallAndClusterRows() {
        var help = ascii(Fixtures.state())
        Fixtures.press([.character("?")], &help)
        let helpCanvas = DashboardView.render(help)
        assertSnapshot(helpCanvas, named: "ascii-help-120x40")
        #expect(helpCanvas.text().contains("^ k") && helpCanvas.text().contains("1-9"), "arrow keys and ranges have stand-ins")
        let tiny = DashboardView.render(ascii(Fixtures.state(width: 30, height: 8)))
        #expect(tiny.text().contains("30x8, need 40x10"))
        var pool = ascii(Fixtures.state())
        Fixtures.press([.character("2"), .character("e")], &pool)
        let rows = DashboardView.render(pool).text()
        #expect(rows.contains("  ` ") && rows.contains("x down"), "\(rows)")
    }

    /// Every non-ASCII character in the dashboard's text has a stand-in of its own (not a `?`): the screens'
    /// and widgets' string literals, and the figures the Basics and CacheMonitor targets write for them.
    @Test func everyGlyphTheDashboardWritesHasAStandIn() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        var missing: Set<Character> = []
        for target in ["Dashboard", "Basics", "CacheMonitor"] {
            let files = FileManager.default.enumerator(at: sources.appendingPathComponent(target), includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                    let code = line.trimmingCharacters(in: .whitespaces)
                    guard !code.hasPrefix("//") else { continue }
                    // The text inside string literals.
                    let literals = code.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map(
                        \.element)
                    for literal in literals {
                        for character in literal where !character.isASCII && AsciiGlyphs.standIns[character] == nil { missing.insert(character) }
                    }
                }
            }
        }
        #expect(missing.isEmpty, "no ASCII stand-in for \(missing.sorted())")
    }
}
