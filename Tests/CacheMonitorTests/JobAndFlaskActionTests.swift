import Basics
import Caching
import Foundation
import Memcache
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// The job engine and the change runner (progress, stop, read-only, typed outcomes) and the Flask-Caching
/// route / memoized-function invalidations.
@Suite struct JobAndFlaskActionTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func filledCache(_ keys: [String]) throws -> (SimpleCache, InProcessSource) {
        let backend = SimpleCache(threshold: 10_000)
        for key in keys { try backend.set(key, CacheValue(format: .text, bytes: [1]), timeout: 0) }
        return (backend, InProcessSource(name: "demo", backend: backend))
    }

    func backend(_ source: any CacheSource) -> MonitoredBackend {
        MonitoredBackend(id: BackendID(0), source: source)
    }

    @Test func aPrefixChangeReportsProgressAndATypedOutcome() async throws {
        let (backend, source) = try filledCache((0..<50).map { "p:\($0)" } + ["keep"])
        let counted = await ChangeRunner(readOnly: true).start(.invalidatePrefix(bytes("p:")), on: self.backend(source), dryRun: true).outcome
        #expect(
            counted.totals.matched == 50 && counted.totals.deleted == 0 && counted.dryRun && counted.ending == .completed,
            "a dry run is allowed read-only")
        let job = ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("p:")), on: self.backend(source))
        var progress = 0
        var outcome: ChangeOutcome?
        for await event in job.events {
            switch event {
            case .progress: progress += 1
            case .finished(let final): outcome = final
            }
        }
        #expect(progress >= 1)
        #expect(outcome?.totals.deleted == 50 && outcome?.ending == .completed && outcome?.backend?.name == "demo")
        #expect(backend.statistics().keys == 1)
    }

    @Test func readOnlyRefusesEveryChangeOnceAndTouchesNothing() async throws {
        let (backend, source) = try filledCache(["a", "p:1", "flask_cache_view//x"])
        let runner = ChangeRunner(readOnly: true)
        #expect(throws: MonitorError.readOnly) { try runner.checkPermitted(dryRun: false) }
        let changes: [Change] = [
            .deleteKeys([bytes("a")]), .invalidatePrefix(bytes("p:")), .invalidateRoute(path: "/x", keyPrefix: KeyKind.flaskPrefix),
            .invalidateMemoized(function: "f", keyPrefix: [], sweep: true), .setExpiry(key: bytes("a"), milliseconds: 1000),
        ]
        for change in changes {
            let outcome = await runner.start(change, on: self.backend(source)).outcome
            #expect(outcome.ending == .refused, "\(change)")
            #expect(outcome.goneKeys.isEmpty)
        }
        #expect(await runner.start(.clearDemoCache, on: nil).outcome.ending == .refused)
        #expect(backend.statistics().keys == 3)
    }

    @Test func aChangeOnADeadBackendEndsWithItsError() async throws {
        let source = MemcachedSource(name: "dead", addresses: [MemcachedAddress(host: "127.0.0.1", port: TestServers.freePort())])
        let outcome = await ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("p:")), on: backend(source)).outcome
        guard case .failed(let error) = outcome.ending else {
            Issue.record("not a failure: \(outcome.ending)")
            return
        }
        #expect(error.contains("connection refused"))
    }

    @Test func stoppingEndsTheJobWithWhatTheServerReallyLost() async throws {
        let source = FakeSource(batchSize: 100, batchPause: .milliseconds(5))
        source.add((0..<5000).map { "p:\($0)" } + ["other"])
        let job = ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("p:")), on: backend(source))
        var outcome: ChangeOutcome?
        for await event in job.events {
            switch event {
            case .progress(let totals, _): if totals.deleted >= 300 { job.stop() }
            case .finished(let final): outcome = final
            }
        }
        let stopped = try #require(outcome)
        #expect(stopped.ending == .stopped)
        #expect(stopped.totals.deleted == source.deletedCount, "the outcome counts every key the server lost, the last batch too")
        #expect(stopped.totals.deleted < 5000 && source.contains("other"))
        #expect(await job.outcome == stopped, "the outcome can also be awaited")
    }

    @Test func readingNoEventsStopsNothing() async throws {
        let source = FakeSource(batchSize: 10, batchPause: .milliseconds(1))
        source.add((0..<200).map { "p:\($0)" })
        let job = ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("p:")), on: backend(source))
        let reader = Task { for await _ in job.events {} }
        reader.cancel()
        #expect(await job.outcome.totals.deleted == 200, "cancelling the reader is not a stop")
        #expect(source.keyCount == 0)
    }

    @Test func aPauseEndsEarlyOnAStop() async {
        let job = Job<Int, Bool> { context in
            context.report(1)
            return await context.pause(for: .seconds(30))
        }
        try? await Task.sleep(for: .milliseconds(20))
        let clock = ContinuousClock()
        let started = clock.now
        job.stop()
        #expect(await job.outcome == false, "the pause says it was cut short")
        #expect(clock.now - started < .seconds(5))
        let full = Job<Int, Bool> { context in await context.pause(for: .milliseconds(10)) }
        #expect(await full.outcome == true)
    }

    @Test func givenKeysAreDeletedInBatchesWithSharesAndTheirOutcome() async throws {
        let source = FakeSource()
        source.add((0..<2500).map { "k:\($0)" })
        let keys = (0..<2600).map { bytes("k:\($0)") }
        let dry = await ChangeRunner(readOnly: false).start(.deleteKeys(keys), on: backend(source), dryRun: true).outcome
        #expect(dry.totals.matched == 2500 && source.keyCount == 2500)
        let outcome = await ChangeRunner(readOnly: false).start(.deleteKeys(keys), on: backend(source)).outcome
        #expect(outcome.totals.matched == 2500 && outcome.totals.deleted == 2500 && outcome.ending == .completed)
        #expect(outcome.goneKeys.count == 2600, "every key given is gone afterwards")
        let expiry = await ChangeRunner(readOnly: false).start(.setExpiry(key: bytes("k:1"), milliseconds: 5000), on: backend(source)).outcome
        #expect(expiry.detail == .expiry(keyExisted: false) && expiry.goneKeys == [bytes("k:1")])
    }

    @Test func theDemosClearRunsThroughItsHook() async throws {
        let runner = ChangeRunner(readOnly: false) { 42 }
        let outcome = await runner.start(.clearDemoCache, on: nil).outcome
        #expect(outcome.totals.deleted == 42 && outcome.ending == .completed && outcome.backend == nil)
        let none = await ChangeRunner(readOnly: false).start(.clearDemoCache, on: nil).outcome
        #expect(none.ending != .completed, "no hook, no clear")
    }

    @Test func aMemcachedPrefixDeletionStopsWhenAsked() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let client = MemcachedClient(address: try MemcachedAddress(parsing: server.address))
        for start in stride(from: 0, to: 30_000, by: 1000) {
            _ = try await client.send(try (start..<start + 1000).map { try .store(.set, key: Array("c:\($0)".utf8), value: [1]) })
        }
        await client.close()
        let source = MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: server.address)])
        let job = ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("c:")), on: backend(source))
        var outcome: ChangeOutcome?
        for await event in job.events {
            switch event {
            case .progress: job.stop()
            case .finished(let final): outcome = final
            }
        }
        #expect(outcome?.ending == .stopped && (outcome?.totals.deleted ?? 0) < 30_000)
        let left = await ChangeRunner(readOnly: true).start(.invalidatePrefix(bytes("c:")), on: backend(source), dryRun: true).outcome
        #expect(left.totals.matched == 30_000 - (outcome?.totals.deleted ?? 0), "what the outcome says was deleted is what is gone")
        await source.close()
    }

    @Test func routeInvalidationFindsTheRouteAndItsQueryVariantsOnly() async throws {
        let digest = String(repeating: "ab12", count: 16)
        let (_, source) = try filledCache([
            "flask_cache_view//api/users", "flask_cache_view//api/users" + digest, "flask_cache_view//api/users" + String(repeating: "c", count: 32),
            "flask_cache_view//api/users/7", "flask_cache_view//api/usersX", "flask_cache_view//other",
        ])
        let keys = try await FlaskCachingActions.routeKeys(path: "/api/users", on: source)
        #expect(
            Set(keys.map { String(decoding: $0, as: UTF8.self) }) == [
                "flask_cache_view//api/users", "flask_cache_view//api/users" + digest,
                "flask_cache_view//api/users" + String(repeating: "c", count: 32),
            ])
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func deletingAMemoizedFunctionsVersionKeyOnRedisLeavesOtherFunctionsAlone() async throws {
        let prefix = "flask-test-\(UUID().uuidString.prefix(6)):"
        let admin = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        // Shaped like Flask-Caching 2.5: pickled version values under `<prefix><module.qualname>_memver`,
        // results under `<prefix><16 base64><6 version chars>`.
        try await admin.send([
            RESPCommand("SET", ["\(prefix)app.views.expensive_memver", "!\u{80}\u{05}version-a"]),
            RESPCommand("SET", ["\(prefix)app.views.cheap_memver", "!\u{80}\u{05}version-b"]),
            RESPCommand("SET", ["\(prefix)Xw3kP0vD1aQ9rT5uAbCdEf", "!\u{80}\u{05}result"]),
        ])
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        let versionKey = FlaskCachingActions.versionKey(function: "app.views.expensive", prefix: bytes(prefix))
        #expect(KeyKind.of(versionKey, prefix: bytes(prefix)) == .version)
        #expect(KeyKind.of(bytes("\(prefix)Xw3kP0vD1aQ9rT5uAbCdEf"), prefix: bytes(prefix)) == .memoize)
        let outcome = await ChangeRunner(readOnly: false).start(.deleteKeys([versionKey]), on: backend(source)).outcome
        #expect(outcome.totals.deleted == 1)
        let left = try await admin.send(
            RESPCommand("EXISTS", keys: [bytes("\(prefix)app.views.expensive_memver"), bytes("\(prefix)app.views.cheap_memver")]))
        #expect(left.integer == 1, "only the chosen function's version key is gone")
        try await admin.deleteKeys(withPrefix: bytes(prefix))
        await admin.close()
        await source.close()
    }
}

/// `delete_memoized(f)` with a sweep of the orphaned results.
@Suite struct MemoizedInvalidationTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func ourMemoizedFunctionIsInvalidatedAndItsResultsSwept() async throws {
        let backend = SimpleCache(threshold: 10_000)
        let cache = Cache(backend: backend, keyPrefix: "app:")
        let square = cache.memoize("app.square", timeout: 600) { (n: Int) in n * n }
        let cube = cache.memoize("app.cube", timeout: 600) { (n: Int) in n * n * n }
        for n in 0..<20 {
            _ = try await square(n)
            _ = try await cube(n)
        }
        let before = backend.statistics().keys
        let source = InProcessSource(name: "demo", backend: backend)
        let change = Change.invalidateMemoized(function: "memoize/app.square", keyPrefix: bytes("app:"), sweep: true)
        let counted = await ChangeRunner(readOnly: true).start(change, on: MonitoredBackend(id: BackendID(0), source: source), dryRun: true).outcome
        #expect(counted.totals.matched == 21 && backend.statistics().keys == before, "a dry run counts the version key and the results")
        let outcome = await ChangeRunner(readOnly: false).start(change, on: MonitoredBackend(id: BackendID(0), source: source)).outcome
        guard case .memoized(let existed, let version, let swept) = outcome.detail else {
            Issue.record("no memoized detail: \(outcome.detail)")
            return
        }
        #expect(existed && version != nil)
        #expect(swept == 20 && outcome.totals.deleted == 21)
        #expect(backend.statistics().keys == before - 21, "20 results and the version key")
        let calls = CallCounter()
        let again = cache.memoize("app.cube", timeout: 600) { (n: Int) in
            calls.tick()
            return n * n * n
        }
        #expect(try await again(3) == 27 && calls.value == 0, "the other function's results are still there")
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aFlaskCachingMemoizedFunctionOnRedis() async throws {
        let prefix = "flask-sweep-\(UUID().uuidString.prefix(6)):"
        let admin = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        // Flask-Caching 2.5 with cachelib's RedisCache: "!" + pickle(protocol 4/5) of the 6-character version.
        let pickled: (String) -> [UInt8] = { version in
            [UInt8(ascii: "!"), 0x80, 0x05, 0x95, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x06] + Array(version.utf8) + [0x94, UInt8(ascii: ".")]
        }
        var commands = [
            RESPCommand("SET", [Array("\(prefix)app.views.expensive_memver".utf8), pickled("AbC1xY")]),
            RESPCommand("SET", [Array("\(prefix)app.views.other_memver".utf8), pickled("zzQ9zz")]),
        ]
        for n in 0..<10 {
            let digest = String(format: "%016d", n)
            commands.append(RESPCommand("SET", ["\(prefix)\(digest)AbC1xY", "!\u{80}result"]))
            commands.append(RESPCommand("SET", ["\(prefix)\(digest)zzQ9zz", "!\u{80}result"]))
        }
        // Base64 digests contain '/' and '+'.
        commands.append(RESPCommand("SET", ["\(prefix)Gt9xvvcm1xc/vp5uAbC1xY", "!\u{80}result"]))
        commands.append(RESPCommand("SET", ["\(prefix)HKWo+wHAd24G7AaFAbC1xY", "!\u{80}result"]))
        commands.append(RESPCommand("SET", ["\(prefix)view//AbC1xY", "page"]))
        try await admin.send(commands)
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        let change = Change.invalidateMemoized(function: "app.views.expensive", keyPrefix: bytes(prefix), sweep: true)
        let outcome = await ChangeRunner(readOnly: false).start(change, on: MonitoredBackend(id: BackendID(0), source: source)).outcome
        #expect(outcome.detail == .memoized(versionKeyExisted: true, version: "AbC1xY", swept: 12))
        var left = 0
        _ = try await source.browseKeys(matching: .prefix(bytes(prefix)), limit: 1000) {
            left += $0.count
            return true
        }
        #expect(left == 12, "the other function's version key and 10 results, and the view key")
        try await admin.deleteKeys(withPrefix: bytes(prefix))
        await admin.close()
        await source.close()
    }

    @Test func versionTokensAreReadFromTextAndPickles() {
        #expect(FlaskCachingActions.versionToken(bytes("Qw3kP0")) == "Qw3kP0")
        #expect(
            FlaskCachingActions.versionToken([UInt8(ascii: "!"), 0x80, 0x02, UInt8(ascii: "X"), 6, 0, 0, 0] + bytes("AbC1xY") + [UInt8(ascii: ".")])
                == "AbC1xY")
        #expect(FlaskCachingActions.versionToken([UInt8(ascii: "!"), 0x80, 0x05]) == nil)
    }

    @Test func detailsShowKindEncodingAndAPreview() async throws {
        let backend = SimpleCache(threshold: 100)
        let cache = Cache(backend: backend)
        try await cache.set("flask_cache_view//api/users", "[{\"id\":1}]")
        let source = InProcessSource(name: "demo", backend: backend)
        let details = try #require(
            try await source.details(
                of: BrowsedKey(key: bytes("flask_cache_view//api/users"), type: "text", ttlMilliseconds: nil, size: nil), maxBytes: 512,
                kindPrefix: nil))
        #expect(details.kind == .view)
        #expect(details.value.label == "json")
        #expect((details.key.ttlMilliseconds ?? 0) > 290_000)
        #expect(
            try await source.details(
                of: BrowsedKey(key: bytes("gone"), type: "text", ttlMilliseconds: nil, size: nil), maxBytes: 512, kindPrefix: nil) == nil)
        let sample = try await source.sample()
        #expect(sample.ownReadHits == 1 && sample.ownReadMisses == 1 && sample.applicationHits == 0, "the monitor's reads are its own")
    }
}
