import Basics
import Testing

@testable import CacheMonitor

/// A UUID-like text made from a number (deterministic, hex groups split by `-`).
struct FakeUUID {
    let text: String
    init(_ seed: Int) {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        var hex = ""
        for _ in 0..<4 {
            state ^= state >> 31
            state = state &* 0xBF58_476D_1CE4_E5B9
            hex += String(state, radix: 16).leftPadded(to: 16)
        }
        let digits = Array(hex.prefix(32))
        text = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Keys added up into prefix groups, and the figures scaled from a sample to the whole backend.
@Suite struct KeyspaceAggregatorTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func key(_ name: String, ttl: Int64? = nil, memory: Int? = 100, elements: Int? = nil, neverRead: Bool? = nil) -> SampledKey {
        SampledKey(key: bytes(name), type: "string", ttlMilliseconds: ttl, memoryBytes: memory, elements: elements, neverRead: neverRead)
    }

    @Test func everyKeyReadGivesExactFiguresPerGroup() throws {
        var aggregator = KeyspaceAggregator()
        for id in 0..<30 { aggregator.add(key("sess:\(id)", ttl: 30_000, memory: 200, neverRead: id < 10)) }
        for id in 0..<10 {
            aggregator.add(key("user:\(id):profile", ttl: nil, memory: 300, elements: 4, neverRead: false))
            aggregator.add(key("user:\(id):settings", ttl: nil, memory: 200, elements: 4, neverRead: false))
        }
        aggregator.add(key("cachescope_demo:user_7", ttl: 7_200_000, memory: 50, neverRead: false))
        aggregator.add(key("cachescope_demo:view//", ttl: 100_000_000, memory: 50, neverRead: false))
        aggregator.add(key("lonely", ttl: nil, memory: 7, neverRead: false))
        aggregator.add(key("solo:1", ttl: nil, memory: 8, neverRead: false))
        let report = aggregator.report(KeyspaceCensus(totalKeys: 54, sampledKeys: 54, memorySource: .memoryUsage, neverReadKnown: true))
        #expect(!report.estimated)
        #expect(report.root.keys == 54 && report.root.memoryBytes == 30 * 200 + 10 * 500 + 100 + 15)
        let top = report.root.children.map { String(decoding: $0.prefix, as: UTF8.self) }
        #expect(top == ["sess:", "user:", "cachescope_demo:", "solo:1"], "largest memory first, no cachescope_ level, a lone key as itself")
        let sessions = try #require(report.group(bytes("sess:")))
        #expect(sessions.keys == 30 && sessions.memoryBytes == 6000 && sessions.depth == 1)
        #expect(sessions.ttl == TTLBuckets(underMinute: 30) && sessions.noTTLKeys == 0)
        #expect(sessions.neverRead == 10)
        #expect(abs((sessions.share ?? 0) - 6000.0 / 11_115.0) < 1e-9)
        let users = try #require(report.group(bytes("user:")))
        #expect(users.noTTLKeys == 20 && users.meanElements == 4 && users.neverRead == 0)
        #expect(users.children.count == 10, "user:0: … user:9:, two keys each")
        let demo = try #require(report.group(bytes("cachescope_demo:")))
        #expect(demo.ttl == TTLBuckets(underDay: 1, dayOrMore: 1))
        #expect(report.groups(toDepth: 1).count == 4)
        #expect(report.group(bytes("user:"))?.children.allSatisfy { $0.keys == 2 } == true)
        let shares = report.root.children.compactMap(\.share).reduce(0, +)
        #expect(abs(shares - (1 - 7.0 / 11_115.0)) < 1e-9, "top-level groups cover all the memory but the key without a delimiter")
    }

    @Test func aSampleIsScaledToTheWholeBackendAndBucketsStillAddUp() throws {
        var aggregator = KeyspaceAggregator()
        for id in 0..<700 { aggregator.add(key("a:\(id)", ttl: id % 3 == 0 ? nil : 10_000, memory: 10)) }
        for id in 0..<300 { aggregator.add(key("b:\(id)", ttl: 90_000_000, memory: 1000)) }
        let report = aggregator.report(KeyspaceCensus(totalKeys: 12_345, sampledKeys: 1000, memorySource: .memoryUsage))
        #expect(report.estimated && report.sampledKeys == 1000 && report.totalKeys == 12_345)
        #expect(report.root.keys == 12_345 && report.root.ttl.total == 12_345)
        let a = try #require(report.group(bytes("a:")))
        #expect(a.keys == Int((700 * 12.345).rounded()) && a.sampledKeys == 700)
        #expect(a.ttl.total == a.keys, "the buckets add up to the group's keys")
        #expect(a.memoryBytes == Int((7000 * 12.345).rounded()))
        #expect(report.group(bytes("b:"))?.ttl == TTLBuckets(dayOrMore: Int((300 * 12.345).rounded())))
        #expect(report.root.children.first?.prefix == bytes("b:"), "b: takes more memory")
        #expect(report.group(bytes("a:"))?.neverRead == nil, "never-read unknown stays unknown")
    }

    @Test func unknownSizesAreUnknownAndPartlyKnownOnesStandForTheRest() throws {
        var unknown = KeyspaceAggregator()
        unknown.add(key("x:1", memory: nil))
        let blind = unknown.report(KeyspaceCensus(totalKeys: 1, sampledKeys: 1, memorySource: nil))
        #expect(blind.root.memoryBytes == nil && blind.group(bytes("x:1"))?.share == nil)
        var partly = KeyspaceAggregator()
        partly.add(key("y:1", memory: 100))
        partly.add(key("y:2", memory: nil))
        let report = partly.report(KeyspaceCensus(totalKeys: 2, sampledKeys: 2, memorySource: .length))
        #expect(report.group(bytes("y:"))?.memoryBytes == 200)
    }

    @Test func aFlaskRouteIsAGroupOfItsQueryStringVariants() throws {
        var aggregator = KeyspaceAggregator()
        let digest = String(repeating: "ab12", count: 8)
        for name in ["flask_cache_view//api/users", "flask_cache_view//api/users\(digest)", "flask_cache_view//api/weather\(digest)"] {
            aggregator.add(key(name))
        }
        let report = aggregator.report(KeyspaceCensus(totalKeys: 3, sampledKeys: 3, memorySource: .memoryUsage))
        let users = try #require(report.group(bytes("flask_cache_view//api/users")))
        #expect(users.keys == 2 && users.ownKeys == 1, "the route and its variant")
        #expect(users.flask == .route(path: "/api/users", keyPrefix: bytes("flask_cache_")), "D on it invalidates the route, not /api/users/7")
        #expect(report.group(bytes("flask_cache_view//api/"))?.keys == 3)
        #expect(report.group(bytes("flask_cache_view//api/"))?.flask == nil, "a delimiter cut is a plain prefix")
    }

    /// Flask-Caching's memoized results (`flask_cache_` + 16 digest characters + the function's version)
    /// carry no function name: they group by function through the versions their version keys hold.
    @Test func memoizedResultsGroupByFunctionThroughTheirVersion() throws {
        var aggregator = KeyspaceAggregator()
        let digests = ["0Kb3lDKnQwwINdkO", "Gt9xvvcm1xc/vp5u", "QtU/408qTAJVufrV", "wTcfe+MGxnVqdp/u", "7iIOwNZCKG3FEx3s", "HKWo+wHAd24G7AaF"]
        for (index, digest) in digests.enumerated() {
            aggregator.add(key("flask_cache_\(digest)FxvLvy", ttl: 300_000, memory: 100))
            aggregator.add(key("flask_cache_\(digest)JpvIrO" + (index < 2 ? "inst01" : ""), ttl: 300_000, memory: 10))
            aggregator.add(key("flask_cache_\(digest)oldVer", ttl: 300_000, memory: 1000))
        }
        aggregator.add(key("flask_cache_app.views.expensive_memver", memory: 50))
        aggregator.add(key("flask_cache_view//api/users", memory: 50))
        #expect(Set(aggregator.memoizedVersions) == [bytes("FxvLvy"), bytes("JpvIrO"), bytes("oldVer")])
        #expect(aggregator.versionKeys == [bytes("flask_cache_app.views.expensive_memver")])
        let census = KeyspaceCensus(totalKeys: 20, sampledKeys: 20, memorySource: .memoryUsage)
        let functions = MemoizedFunctions(byVersion: [bytes("FxvLvy"): "app.views.expensive", bytes("JpvIrO"): "app.Shop.price"], complete: true)
        let report = aggregator.report(census, functions: functions)
        let flask = try #require(report.group(bytes("flask_cache_")))
        #expect(flask.keys == 20)
        let memoized = flask.children.filter(\.isMemoized)
        #expect(memoized.count == 3)
        let stale = try #require(memoized.first { $0.flask == .staleMemoized(keyPrefix: bytes("flask_cache_")) })
        #expect(stale.keys == 6 && stale.memoryBytes == 6000 && stale.depth == flask.depth + 1)
        let expensive = try #require(memoized.first { $0.flask == .memoized(function: "app.views.expensive", keyPrefix: bytes("flask_cache_")) })
        #expect(expensive.keys == 6 && expensive.ttl == TTLBuckets(underHour: 6) && expensive.prefix == bytes("flask_cache_"))
        #expect(memoized.first { $0.flask == .memoized(function: "app.Shop.price", keyPrefix: bytes("flask_cache_")) }?.keys == 6, "methods too")
        #expect(flask.children.first?.flask == .staleMemoized(keyPrefix: bytes("flask_cache_")), "largest memory first")
        #expect(report.groups(toDepth: 8).allSatisfy { !$0.prefix.starts(with: bytes("flask_cache_Gt9")) }, "no groups inside the random digests")

        let unread = aggregator.report(census, functions: MemoizedFunctions(byVersion: [:], complete: false))
        let unknown = (unread.group(bytes("flask_cache_"))?.children ?? []).filter { $0.isMemoized }
        #expect(unknown.count == 1 && unknown.first?.keys == 18 && unknown.first?.flask == .memoized(function: nil, keyPrefix: bytes("flask_cache_")))
    }

    @Test func memoizedResultsUnderTheApplicationsOwnPrefix() throws {
        var aggregator = KeyspaceAggregator(keyPrefix: bytes("shop"))
        for digest in ["0Kb3lDKnQwwINdkO", "Gt9xvvcm1xc/vp5u"] { aggregator.add(key("shop\(digest)FxvLvy")) }
        aggregator.add(key("flask_cache_0Kb3lDKnQwwINdkOFxvLvy"))
        let report = aggregator.report(
            KeyspaceCensus(totalKeys: 3, sampledKeys: 3, memorySource: .memoryUsage),
            functions: MemoizedFunctions(byVersion: [bytes("FxvLvy"): "shop.total"], complete: true))
        let shop = try #require(report.group(bytes("shop")))
        #expect(shop.children.map(\.flask) == [.memoized(function: "shop.total", keyPrefix: bytes("shop"))] && shop.keys == 2)
    }

    /// Keys with random parts (UUIDs split at each `-`) make a group each; the room they take is given back
    /// so that prefixes met later still get their groups.
    @Test func randomKeysDoNotCrowdOutLaterPrefixes() throws {
        var aggregator = KeyspaceAggregator(maxGroups: 2_000)
        for id in 0..<20_000 { aggregator.add(key("session:\(FakeUUID(id).text)")) }
        for id in 0..<300 { aggregator.add(key("user:\(id % 3):\(id)")) }
        let report = aggregator.report(KeyspaceCensus(totalKeys: 20_300, sampledKeys: 20_300, memorySource: .memoryUsage))
        #expect(report.group(bytes("session:"))?.keys == 20_000)
        let users = try #require(report.group(bytes("user:")))
        #expect(users.keys == 300 && users.children.map(\.keys) == [100, 100, 100])
        #expect(report.groups(toDepth: 8).count <= 2_000)
    }

    @Test func groupsAreBoundedAndKeysBeyondCountInTheirParents() {
        var aggregator = KeyspaceAggregator(maxDepth: 8, maxGroups: 10)
        for id in 0..<1000 { aggregator.add(key("user:\(id):x")) }
        let report = aggregator.report(KeyspaceCensus(totalKeys: 1000, sampledKeys: 1000, memorySource: .memoryUsage))
        #expect(report.group(bytes("user:"))?.keys == 1000)
        #expect(report.groups(toDepth: 8).count <= 10)
        var shallow = KeyspaceAggregator(maxDepth: 1)
        shallow.add(key("a:b:c"))
        #expect(shallow.report(KeyspaceCensus(totalKeys: 1, sampledKeys: 1, memorySource: nil)).groups(toDepth: 9).map(\.depth) == [1])
    }

    @Test func theBiggestKeysAreKeptBiggestFirst() {
        var aggregator = KeyspaceAggregator(topKeys: 3)
        for (name, memory) in [("a", 5), ("b", 50), ("c", 500), ("d", 1), ("e", 5000)] { aggregator.add(key(name, memory: memory)) }
        aggregator.add(key("f", memory: nil, elements: 10))
        let report = aggregator.report(KeyspaceCensus(totalKeys: 6, sampledKeys: 6, memorySource: .memoryUsage))
        #expect(report.bigKeys.map { String(decoding: $0.key, as: UTF8.self) } == ["e", "c", "b"])
    }

    @Test func anEmptyKeyspaceIsAnEmptyReport() {
        let report = KeyspaceAggregator().report(KeyspaceCensus(totalKeys: 0, sampledKeys: 0, memorySource: .memoryUsage))
        #expect(report.root.keys == 0 && report.root.children.isEmpty && report.bigKeys.isEmpty && !report.estimated)
    }

    @Test func bucketsScaleToAnExactTotal() {
        let scaled = KeyspaceAggregator.scaled(TTLBuckets(none: 1, underMinute: 1, underHour: 1), to: 10)
        #expect(scaled.total == 10 && scaled.counts.allSatisfy { $0 == 3 || $0 == 4 || $0 == 0 })
    }
}
