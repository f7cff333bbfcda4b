import Basics
import CacheMonitor
import Caching
import Foundation
import Memcache
import RESP
import TestSupport
import Testing

/// Keyspace analyses on real servers filled with known mixtures: prefixes of different sizes, counts and
/// TTLs, and a few big hashes, lists and strings. A sample's estimates stay within ±10% for every prefix
/// with at least 5% of the keys; reading every key is exact.
@Suite(.serialized) struct KeyspaceSamplingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The mixture: 100,000 keys — `sess:` 50% (strings, TTL under an hour: none expires however slow the
    /// run), `user:` 30% (strings, no TTL), `cart:` 15% (small hashes, TTL under a day), `feed:` 5% (small
    /// lists, no TTL) — and three big keys.
    static let mixture: [(prefix: String, count: Int)] = [("sess:", 50_000), ("user:", 30_000), ("cart:", 15_000), ("feed:", 5_000)]

    func fill(_ server: some RedisCommandExecutor) async throws {
        for (prefix, count) in Self.mixture {
            for start in stride(from: 0, to: count, by: 1000) {
                let commands: [RESPCommand] = (start..<min(start + 1000, count)).map { id in
                    let key = Array("\(prefix)\(id)".utf8)
                    switch prefix {
                    case "sess:": return RESPCommand("SET", key: key, [String(repeating: "s", count: 20 + id % 40), "EX", 3000])
                    case "user:": return RESPCommand("SET", key: key, [String(repeating: "u", count: 100 + id % 200)])
                    case "cart:": return RESPCommand("HSET", key: key, ["a", "1", "b", "2", "c", "3"])
                    default: return RESPCommand("RPUSH", key: key, ["x", "y"])
                    }
                }
                try await server.send(
                    commands
                        + (prefix == "cart:"
                            ? (start..<min(start + 1000, count)).map { RESPCommand("EXPIRE", key: Array("cart:\($0)".utf8), [3600 * 5]) } : []))
            }
        }
        try await server.send([
            RESPCommand("SET", key: bytes("big:string"), [String(repeating: "B", count: 200_000)]),
            RESPCommand("HSET", key: bytes("big:hash"), (0..<5000).flatMap { ["field\($0)", "value\($0)"] as [any RESPArgument] }),
            RESPCommand("RPUSH", key: bytes("big:list"), (0..<5000).map { "item\($0)" as any RESPArgument }),
        ])
    }

    /// The true keys and memory (`MEMORY USAGE key SAMPLES 0`) of each top-level prefix.
    func truth(_ server: some RedisCommandExecutor) async throws -> [String: (keys: Int, memory: Int)] {
        var totals: [String: (keys: Int, memory: Int)] = [:]
        var cursor: UInt64 = 0
        repeat {
            let page = try await server.scan(cursor: cursor, count: 1000)
            cursor = page.cursor
            let sizes = try await server.send(page.keys.map { RESPCommand("MEMORY", ["USAGE", $0, "SAMPLES", 0], keyPositions: [2]) })
            for (key, size) in zip(page.keys, sizes) {
                let name = String(decoding: key, as: UTF8.self)
                let prefix = String(name.prefix { $0 != ":" }) + ":"
                totals[prefix, default: (0, 0)].keys += 1
                totals[prefix, default: (0, 0)].memory += Int(size.integer ?? 0)
            }
        } while cursor != 0
        return totals
    }

    func analyze(_ source: any CacheSource, _ options: KeyspaceOptions = KeyspaceOptions()) async throws -> KeyspaceReport {
        let outcome = await KeyspaceAnalysis.start(on: MonitoredBackend(id: BackendID(0), source: source), options: options).outcome
        if case .failed(let reason) = outcome.ending { Issue.record("the analysis failed: \(reason)") }
        return try #require(outcome.report)
    }

    func expectWithinTenPercent(
        _ report: KeyspaceReport, _ truth: [String: (keys: Int, memory: Int)], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let total = truth.values.reduce(0) { $0 + $1.keys }
        for (prefix, actual) in truth where actual.keys * 20 >= total {
            let estimate = report.group(bytes(prefix))
            let keys = Double(estimate?.keys ?? 0)
            let memory = Double(estimate?.memoryBytes ?? 0)
            #expect(
                abs(keys - Double(actual.keys)) <= 0.1 * Double(actual.keys), "\(prefix) keys \(keys) vs \(actual.keys)",
                sourceLocation: sourceLocation)
            #expect(
                abs(memory - Double(actual.memory)) <= 0.1 * Double(actual.memory), "\(prefix) memory \(memory) vs \(actual.memory)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func aSampleOfOneRedisIsWithinTenPercentAndAllKeysAreExact() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let admin = RedisClient(url: url)
        try await fill(admin)
        let truth = try await truth(admin)
        let source = RedisSource(name: "redis", url: url)
        let sampled = try await analyze(source, KeyspaceOptions(sampleSize: 20_000))
        #expect(sampled.estimated && sampled.totalKeys == 100_003 && (19_000...21_000).contains(sampled.sampledKeys))
        #expect(sampled.memorySource == .memoryUsage)
        expectWithinTenPercent(sampled, truth)
        let sessions = try #require(sampled.group(bytes("sess:")))
        #expect(sessions.ttl.underHour == sessions.keys, "every session expires within the hour")
        #expect(sampled.group(bytes("user:"))?.noTTLKeys == sampled.group(bytes("user:"))?.keys)
        #expect(sampled.group(bytes("cart:"))?.meanElements == 3, "three fields a cart")
        #expect(sampled.root.ttl.total == sampled.root.keys)
        let all = try await analyze(source, KeyspaceOptions(sampleSize: nil))
        #expect(!all.estimated && all.sampledKeys == 100_003)
        for (prefix, actual) in truth { #expect(all.group(bytes(prefix))?.keys == actual.keys, "\(prefix) exact") }
        #expect(Set(all.bigKeys.prefix(3).map { String(decoding: $0.key, as: UTF8.self) }) == ["big:string", "big:hash", "big:list"])
        #expect(all.bigKeys.first { $0.key == bytes("big:hash") }?.elements == 5000)
        #expect(all.bigKeys.first { $0.key == bytes("big:string") }?.elements == 200_000)
        let info = RedisInfo(parsing: try await admin.send(RESPCommand("INFO", ["stats"])).string ?? "")
        let own = try await source.sample()
        #expect(own.ownReadHits > 0 && own.ownReadHits <= own.totalHits, "the analysis's lookups are the monitor's own: \(info.keyspaceHits ?? 0)")
        await admin.close()
        await source.close()
    }

    @Test func aUserWithoutMemoryUsageGetsLengthsAndIsTold() async throws {
        guard let server = try RedisServerProcess() else { return }
        let admin = RedisClient(url: try RedisURL(parsing: server.url()))
        try await admin.send([
            RESPCommand("SET", key: bytes("s:1"), ["hello"]), RESPCommand("HSET", key: bytes("h:1"), ["a", "1"]),
            RESPCommand("ACL", ["SETUSER", "reader", "on", ">pw", "~*", "+@read", "+@connection", "+scan", "+dbsize", "+type", "+pttl", "-memory"]),
        ])
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: "redis://reader:pw@127.0.0.1:\(server.port)"))
        let report = try await analyze(source)
        #expect(report.memorySource == .length)
        #expect(report.memoryNote?.contains("MEMORY USAGE refused") == true, "\(report.memoryNote ?? "")")
        #expect(report.group(bytes("s:1"))?.memoryBytes == 5, "a string's size is its length")
        #expect(report.group(bytes("h:1"))?.memoryBytes == nil, "a hash's is unknown")
        #expect(report.sampledKeys == 2)
        try await admin.send(RESPCommand("ACL", ["SETUSER", "blind", "on", ">pw", "~*", "+@connection", "+scan", "+dbsize", "+pttl"]))
        let blind = RedisSource(name: "redis", url: try RedisURL(parsing: "redis://blind:pw@127.0.0.1:\(server.port)"))
        // Without TYPE the analysis goes on: the type column is unknown, and the note says why.
        let blindOutcome = await KeyspaceAnalysis.start(on: MonitoredBackend(id: BackendID(0), source: blind)).outcome
        let blindReport = try #require(blindOutcome.report, "a user without TYPE: \(blindOutcome.ending)")
        #expect(blindOutcome.ending == .completed && blindReport.sampledKeys == 2)
        #expect(blindReport.elementsNote?.contains("TYPE refused (NOPERM") == true, "\(blindReport.elementsNote ?? "")")
        #expect(blindReport.bigKeys.allSatisfy { $0.type == SampledKey.unknownType })
        // Element counts refused: unknown, and said so; the rest stands.
        try await admin.send(
            RESPCommand("ACL", ["SETUSER", "nocount", "on", ">pw", "~*", "+@connection", "+scan", "+dbsize", "+type", "+pttl", "+memory", "+strlen"]))
        let noCount = RedisSource(name: "redis", url: try RedisURL(parsing: "redis://nocount:pw@127.0.0.1:\(server.port)"))
        let counted = try await analyze(noCount)
        #expect(counted.memorySource == .memoryUsage && counted.sampledKeys == 2)
        #expect(counted.elementsNote?.contains("element counts refused") == true, "\(counted.elementsNote ?? "no note")")
        #expect(counted.group(bytes("h:1"))?.meanElements == nil && counted.group(bytes("s:1"))?.meanElements == 5)
        await noCount.close()
        await blind.close()
        await admin.close()
        await source.close()
    }

    @Test func aClusterIsSampledOnEveryMasterAndExactWhenReadWhole() async throws {
        guard let cluster = try await TestCluster() else { return }
        let seed = try RedisURL(parsing: cluster.urls[0])
        let admin = try RedisClusterClient(seeds: [seed])
        let counts = [("a:", 6000), ("b:", 3000), ("c:", 1000)]
        for (prefix, count) in counts {
            for start in stride(from: 0, to: count, by: 500) {
                try await admin.send((start..<min(start + 500, count)).map { RESPCommand("SET", key: Array("\(prefix)\($0)".utf8), ["v"]) })
            }
        }
        let source = RedisSource(name: "cluster", url: seed)
        let all = try await analyze(source, KeyspaceOptions(sampleSize: nil))
        #expect(all.totalKeys == 10_000 && !all.estimated)
        for (prefix, count) in counts { #expect(all.group(bytes(prefix))?.keys == count) }
        let masters = Set(cluster.nodes.map { "127.0.0.1:\($0.port)" })
        #expect(!all.bigKeys.isEmpty && all.bigKeys.allSatisfy { $0.node.map(masters.contains) == true }, "big keys name their master")
        let sampled = try await analyze(source, KeyspaceOptions(sampleSize: 3000))
        #expect(sampled.estimated && sampled.totalKeys == 10_000)
        for (prefix, count) in counts {
            let keys = Double(sampled.group(bytes(prefix))?.keys ?? 0)
            #expect(abs(keys - Double(count)) <= 0.1 * Double(count) + 150, "\(prefix): \(keys) vs \(count)")
        }
        cluster.nodes[2].kill()
        let degraded = try await analyze(RedisSource(name: "cluster", url: seed), KeyspaceOptions(sampleSize: nil))
        #expect(degraded.missingNodes.count == 1, "the master that is down is named: \(degraded.missingNodes)")
        #expect(degraded.totalKeys < 10_000)
        await source.close()
    }

    @Test func memcachedIsReadWholeWithNeverReadItems() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let address = try MemcachedAddress(parsing: server.address)
        let client = MemcachedClient(address: address)
        _ = try await client.send(
            try (0..<2000).map { try .store(.set, key: Array("page:\($0)".utf8), value: Array(repeating: 1, count: 100), exptime: 600) })
        _ = try await client.send(try (0..<500).map { try .store(.set, key: Array("tmp:\($0)".utf8), value: [1]) })
        _ = try await client.send(try (0..<1000).map { try .get([Array("page:\($0)".utf8)]) })
        // Flask-Caching's memoized results of one function, named through its version key's value.
        _ = try await client.send(
            try [.store(.set, key: Array("flask_cache_app.total_memver".utf8), value: Array("FxvLvy".utf8))]
                + ["0Kb3lDKnQwwINdkO", "Gt9xvvcm1xc/vp5u"].map { try .store(.set, key: Array("flask_cache_\($0)FxvLvy".utf8), value: [1]) })
        await client.close()
        let source = MemcachedSource(name: "memcached", addresses: [address])
        let report = try await analyze(source)
        #expect(!report.estimated && report.totalKeys == 2503 && report.neverReadKnown)
        let flask = report.group(bytes("flask_cache_"))?.children ?? []
        #expect(flask.first { $0.flask == .memoized(function: "app.total", keyPrefix: bytes("flask_cache_")) }?.keys == 2)
        let pages = try #require(report.group(bytes("page:")))
        #expect(pages.keys == 2000 && pages.neverRead == 1000, "half the pages were never read")
        #expect(pages.ttl.underHour == 2000)
        #expect(report.group(bytes("tmp:"))?.noTTLKeys == 500 && report.group(bytes("tmp:"))?.neverRead == 500)
        #expect((pages.memoryBytes ?? 0) > 2000 * 100, "item sizes include their header")
        await source.close()
    }

    @Test func theInProcessCacheIsExact() async throws {
        let cache = SimpleCache(threshold: 10_000)
        for id in 0..<300 { try cache.set("cachescope_demo:user_\(id)", CacheValue(format: .text, bytes: Array("v".utf8)), timeout: 300) }
        for id in 0..<100 { try cache.set("cachescope_demo:view//api/users/\(id)", CacheValue(format: .text, bytes: Array("page".utf8)), timeout: 0) }
        let report = try await analyze(InProcessSource(name: "demo", backend: cache))
        #expect(!report.estimated && report.totalKeys == 400)
        #expect(report.root.children.map { String(decoding: $0.prefix, as: UTF8.self) } == ["cachescope_demo:"])
        #expect(report.group(bytes("cachescope_demo:user_"))?.keys == 300)
        #expect(report.group(bytes("cachescope_demo:view//api/users/"))?.noTTLKeys == 100)
        #expect(report.memorySource == .length)
    }

    @Test func anEmptyDatabaseIsAnEmptyReportAndAStopKeepsWhatWasRead() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let source = RedisSource(name: "redis", url: url)
        let empty = try await analyze(source)
        #expect(empty.totalKeys == 0 && empty.root.children.isEmpty)
        let admin = RedisClient(url: url)
        for start in stride(from: 0, to: 30_000, by: 1000) {
            try await admin.send((start..<start + 1000).map { RESPCommand("SET", key: Array("k:\($0)".utf8), ["v"]) })
        }
        let job = KeyspaceAnalysis.start(on: MonitoredBackend(id: BackendID(0), source: source), options: KeyspaceOptions(sampleSize: nil))
        for await event in job.events {
            if case .progress(let progress, _) = event, progress.sampled > 0 { job.stop() }
        }
        let outcome = await job.outcome
        #expect(outcome.ending == .stopped)
        let report = try #require(outcome.report)
        #expect(report.sampledKeys < 30_000 && report.totalKeys == 30_000 && report.estimated, "what was read stands for the rest")
        await admin.close()
        await source.close()
    }
    /// Flask-Caching's memoized results, laid out as Flask-Caching 2.5 writes them with cachelib's RedisCache:
    /// `flask_cache_<16 base64 digest characters><6-character version>`, the version in the function's
    /// pickled version key. `expensive` has 3,000 results, `Shop.price` 1,000 (methods: an instance version
    /// too), and 500 results are left from a version no key holds any more (after `delete_memoized`).
    static func flaskMemoizeCommands() -> [RESPCommand] {
        func pickled(_ token: String) -> [UInt8] {
            Array("!".utf8) + [0x80, 0x05, 0x95, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x06] + Array(token.utf8) + [0x94, UInt8(ascii: ".")]
        }
        func digest(_ id: Int) -> String {
            var state = UInt64(id) &* 0x9E37_79B9_7F4A_7C15 &+ 7
            let bytes = (0..<12).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            return Data(bytes).base64EncodedString()
        }
        let result: [UInt8] = Array("!".utf8) + [0x80, 0x05, 0x4B, 0x04, UInt8(ascii: ".")]
        var commands = [
            RESPCommand("SET", key: Array("flask_cache_app.views.expensive_memver".utf8), [pickled("FxvLvy")]),
            RESPCommand("SET", key: Array("flask_cache_app.Shop.price_memver".utf8), [pickled("JpvIrO")]),
            RESPCommand("SET", key: Array("flask_cache_app.Shop.price.shop7_memver".utf8), [pickled("inst07")]),
        ]
        for id in 0..<4500 {
            let version = id < 3000 ? "FxvLvy" : id < 4000 ? "JpvIrOinst07" : "oldVer"
            commands.append(RESPCommand("SET", key: Array("flask_cache_\(digest(id))\(version)".utf8), [result, "EX", 3600]))
        }
        return commands
    }

    @Test func flaskCachingMemoizedResultsGroupByFunctionSampledOrWhole() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let admin = RedisClient(url: url)
        try await admin.send(Self.flaskMemoizeCommands())
        for start in stride(from: 0, to: 20_000, by: 1000) {
            try await admin.send((start..<start + 1000).map { RESPCommand("SET", key: Array("pad:\($0)".utf8), ["v"]) })
        }
        let source = RedisSource(name: "redis", url: url)
        let whole = try await analyze(source, KeyspaceOptions(sampleSize: nil))
        let flask = try #require(whole.group(bytes("flask_cache_")))
        func memoized(_ report: KeyspaceReport, _ kind: FlaskCachingGroup) -> KeyspaceReport.Group? {
            report.group(bytes("flask_cache_"))?.children.first { $0.flask == kind }
        }
        let prefix = bytes("flask_cache_")
        #expect(flask.keys == 4503)
        #expect(memoized(whole, .memoized(function: "app.views.expensive", keyPrefix: prefix))?.keys == 3000)
        #expect(memoized(whole, .memoized(function: "app.Shop.price", keyPrefix: prefix))?.keys == 1000)
        #expect(memoized(whole, .staleMemoized(keyPrefix: prefix))?.keys == 500)
        #expect(flask.children.filter(\.isMemoized).count == 3)
        #expect(flask.children.allSatisfy { $0.isMemoized || $0.keys < 10 }, "no groups inside the digests")

        // A sample rarely holds the version keys: they are looked up by name.
        let sampled = try await analyze(source, KeyspaceOptions(sampleSize: 5_000))
        #expect(sampled.estimated)
        let expensive = try #require(memoized(sampled, .memoized(function: "app.views.expensive", keyPrefix: prefix)))
        #expect(abs(Double(expensive.keys) - 3000) <= 600, "\(expensive.keys) of 3,000")
        #expect(memoized(sampled, .memoized(function: "app.Shop.price", keyPrefix: prefix)) != nil)
        #expect(memoized(sampled, .staleMemoized(keyPrefix: prefix)) != nil)
        await admin.close()
        await source.close()
    }
}
