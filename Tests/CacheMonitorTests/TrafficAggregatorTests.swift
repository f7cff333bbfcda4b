import Testing

@testable import CacheMonitor

/// Traffic events added up by prefix (exact) and by key (approximate top lists, in bounded memory).
@Suite struct TrafficAggregatorTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsHitsMissesAndWritesPerPrefix() throws {
        var aggregator = TrafficAggregator()
        for id in 0..<100 { aggregator.record(bytes("user:\(id % 10):\(id % 20 < 10 ? "profile" : "settings")"), .read(hit: id % 4 != 0)) }
        for id in 0..<50 { aggregator.record(bytes("sess:\(id)"), .read(hit: false)) }
        for id in 0..<20 { aggregator.record(bytes("user:\(id % 10):profile"), .write) }
        aggregator.record(bytes("config"), .read(hit: true))
        aggregator.record(bytes("lone:key"), .read(hit: true))
        let report = aggregator.report(method: .watch, duration: .seconds(10))
        #expect(report.root.reads == 152)
        #expect(report.root.misses == 75)
        #expect(report.root.writes == 20)
        let user = try #require(report.group(bytes("user:")))
        #expect(user.reads == 100)
        #expect(user.hits == 75)
        #expect(user.hitRatio == 0.75)
        #expect(user.writes == 20)
        // `user:N:` groups (a profile and settings key each): ten of them below `user:`.
        #expect(user.children.count == 10)
        let sess = try #require(report.group(bytes("sess:")))
        #expect(sess.hitRatio == 0)
        // Keys read once each below the top level count in their group only.
        #expect(sess.children.isEmpty)
        // A lone key at the top is shown as itself; a key without delimiters counts in the whole only.
        #expect(report.root.children.map(\.prefix).contains(bytes("lone:key")))
        #expect(!report.root.children.map(\.prefix).contains(bytes("config")))
        #expect(report.rate(user.reads) == 10)
    }

    @Test func misesReportedApartGiveTheHitRatioAndNeverExceedTheReads() throws {
        var aggregator = TrafficAggregator()
        for _ in 0..<10 { aggregator.record(bytes("a:1"), .read(hit: nil)) }
        for _ in 0..<3 { aggregator.record(bytes("a:1"), .miss) }
        // A miss whose read fell outside the sample.
        aggregator.record(bytes("b:1"), .miss)
        let report = aggregator.report(method: .monitorKeymiss, duration: .seconds(1))
        let a = try #require(report.group(bytes("a:1")))
        #expect(a.hitRatio == 0.7)
        let b = try #require(report.group(bytes("b:1")))
        #expect(b.misses == 0)
        #expect(b.hitRatio == nil)
        #expect(report.hotKeys.first?.key == bytes("a:1"))
        #expect(report.hotKeys.first?.misses == 3)
    }

    @Test func monitorAloneLeavesHitRatiosUnknown() throws {
        var aggregator = TrafficAggregator()
        aggregator.record(bytes("a:1"), .read(hit: nil))
        let report = aggregator.report(method: .monitor, duration: .seconds(1))
        #expect(report.root.hitRatio == nil)
        #expect(report.root.misses == nil)
        #expect(report.hotKeys.first?.misses == nil)
        #expect(report.missStorms.isEmpty)
    }

    @Test func hotKeysAndMissStormsAreRankedAmongManyDistinctKeys() {
        var aggregator = TrafficAggregator(watchedKeys: 500)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50_000 {
            aggregator.record(bytes("item:\(UInt32.random(in: 0..<1_000_000, using: &generator))"), .read(hit: true))
            if round % 5 == 0 { aggregator.record(bytes("hot:first"), .read(hit: true)) }
            if round % 10 == 0 { aggregator.record(bytes("hot:second"), .read(hit: false)) }
            if round % 100 == 0 { aggregator.record(bytes("storm:x"), .read(hit: false)) }
        }
        let report = aggregator.report(method: .watch, duration: .seconds(1))
        #expect(report.hotKeys.prefix(2).map(\.key) == [bytes("hot:first"), bytes("hot:second")])
        let first = report.hotKeys[0]
        #expect(abs(first.share - 10_000.0 / 65_500.0) < 0.01)
        #expect(report.hotKeys[1].hitRatio == 0)
        #expect(report.missStorms.map(\.key) == [bytes("hot:second"), bytes("storm:x")])
        #expect(report.missStorms[1].misses <= 500)
        #expect(report.missStorms[1].misses >= 450)
    }

    @Test func groupsStayBoundedWhateverTheKeys() {
        var aggregator = TrafficAggregator(maxGroups: 1_000)
        for id in 0..<20_000 { aggregator.record(bytes("t:\(id):x:\(id)"), .read(hit: true)) }
        let report = aggregator.report(method: .watch, duration: .seconds(1))
        #expect(report.root.reads == 20_000)
        #expect(report.group(bytes("t:"))?.reads == 20_000)
        func count(_ group: TrafficReport.Group) -> Int { 1 + group.children.map(count).reduce(0, +) }
        #expect(count(report.root) <= 1_001)
    }

    @Test func flaskCachingViewsGroupByRouteAndMemoizedResultsByVersion() throws {
        var aggregator = TrafficAggregator()
        for _ in 0..<4 { aggregator.record(bytes("flask_cache_view//api/users"), .read(hit: true)) }
        aggregator.record(bytes("flask_cache_view//api/users"), .read(hit: false))
        aggregator.record(bytes("flask_cache_view//api/orders"), .read(hit: false))
        aggregator.record(bytes("flask_cache_view//api/orders"), .read(hit: false))
        // Memoized results of one version, and that function's version key.
        for digest in ["AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"] { aggregator.record(bytes("flask_cache_\(digest)vvvvvv"), .read(hit: false)) }
        aggregator.record(bytes("flask_cache_app.get_user_memver"), .read(hit: true))
        #expect(aggregator.versionKeys == [bytes("flask_cache_app.get_user_memver")])
        let functions = MemoizedFunctions(byVersion: [bytes("vvvvvv"): "app.get_user"], complete: true)
        let report = aggregator.report(method: .watch, duration: .seconds(1), functions: functions)
        let groups = report.groups(toDepth: 8)
        let users = try #require(groups.first { $0.flask == .route(path: "/api/users", keyPrefix: bytes("flask_cache_")) })
        #expect(users.hitRatio == 0.8)
        let memoized = try #require(groups.first { $0.flask == .memoized(function: "app.get_user", keyPrefix: bytes("flask_cache_")) })
        #expect(memoized.reads == 2)
        #expect(memoized.hitRatio == 0)
    }

    @Test func spaceSavingNeverLosesAKeyAboveItsShare() {
        var summary = SpaceSaving(capacity: 100)
        for round in 0..<100_000 {
            summary.count(bytes("noise\(round)"))
            if round % 50 == 0 { summary.count(bytes("frequent")) }
        }
        let top = summary.top(1)
        #expect(top.first?.key == bytes("frequent"))
        #expect((top.first?.count ?? 0) >= 2_000)
        #expect(summary.total == 102_000)
    }
}
