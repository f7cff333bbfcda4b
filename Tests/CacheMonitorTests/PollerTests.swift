import Basics
import Clocks
import ConnectionSupport
import RESP
import Synchronization
import TestSupport
import Testing

@testable import CacheMonitor

/// A source whose answers the test scripts: counters that grow by a step per sample, failures, hangs.
final class ScriptedSource: CacheSource {
    enum Behaviour: Sendable {
        case answer
        case fail(String)
        case refuseCredentials
        case hang
    }

    struct Refused: Error, CustomStringConvertible { var description: String { "WRONGPASS invalid password" } }
    struct Failed: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }

    let name: String
    private let state = Mutex<(behaviour: Behaviour, samples: Int, attempts: Int, hung: [CheckedContinuation<Void, Never>])>((.answer, 0, 0, []))
    let hitsPerSample: UInt64
    let missesPerSample: UInt64

    init(name: String, behaviour: Behaviour = .answer, hitsPerSample: UInt64 = 10, missesPerSample: UInt64 = 5) {
        self.name = name
        self.hitsPerSample = hitsPerSample
        self.missesPerSample = missesPerSample
        state.withLock { $0.behaviour = behaviour }
    }

    var kind: BackendKind { .redis }
    var address: String { "fake:\(name)" }
    var attempts: Int { state.withLock { $0.attempts } }

    func set(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    /// Lets every hung sample return (as a failure), so no task is left waiting.
    func releaseHung() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.hung = [] }
            return state.hung
        }
        for continuation in waiting { continuation.resume() }
    }

    func sample() async throws -> SourceSample {
        let (behaviour, count) = state.withLock { state -> (Behaviour, Int) in
            state.attempts += 1
            if case .answer = state.behaviour { state.samples += 1 }
            return (state.behaviour, state.samples)
        }
        switch behaviour {
        case .answer:
            var sample = SourceSample(totalHits: UInt64(count) * hitsPerSample, totalMisses: UInt64(count) * missesPerSample)
            sample.operations = UInt64(count) * 100
            sample.memoryBytes = 1000 * UInt64(count)
            sample.keys = count
            return sample
        case .fail(let text):
            throw Failed(text: text)
        case .refuseCredentials:
            throw Refused()
        case .hang:
            // Waits until released or cancelled, as a client's request waiting on a socket does (a deadline
            // cancels it).
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in state.withLock { $0.hung.append(continuation) } }
            } onCancel: {
                releaseHung()
            }
            throw Failed(text: "released")
        }
    }

    func isAuthenticationFailure(_ error: any Error) -> Bool { error is Refused }

    func connect() async throws {}
    func close() async {}
    func countExisting(_ keys: [[UInt8]]) async throws -> Int { 0 }
    func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool { false }
    func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? { nil }
    func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool { false }
    func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus {
        KeyspaceCensus(totalKeys: 0, sampledKeys: 0, memorySource: nil)
    }
    func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome { DeletionOutcome(totals: DeletionTotals()) }
    func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool) async throws -> DeletionOutcome {
        DeletionOutcome(totals: DeletionTotals())
    }
}

/// The poller with scripted sources on a test clock.
@Suite struct PollerTests {
    /// Waits (in real time, at most 5 s) until `condition` holds for the poller's current snapshot.
    func eventually(
        _ poller: Poller<TestClock<Duration>>, _ what: Comment, _ condition: (Snapshot) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        for _ in 0..<5000 {
            if condition(await poller.current) { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
    }

    @Test func ratesAndHistoryComeFromConsecutiveSamples() async {
        let clock = TestClock()
        let source = ScriptedSource(name: "a")
        let poller = Poller(backends: MonitoredBackend.numbered([source]), configuration: .init(interval: .seconds(1)), clock: clock)
        await poller.start()
        await eventually(poller, "first sample") { $0.backends[0].status == .up }
        #expect(await poller.current.backends[0].rates == nil, "one sample gives no rates")
        await clock.advance(by: .seconds(1))
        await eventually(poller, "second sample") { $0.backends[0].rates != nil }
        let backend = await poller.current.backends[0]
        #expect(backend.rates?.hitsPerSecond == 10)
        #expect(backend.rates?.missesPerSecond == 5)
        #expect(backend.rates?.operationsPerSecond == 100)
        #expect(backend.rates?.hitRatio == 10.0 / 15.0)
        #expect(backend.lifetimeHitRatio == 20.0 / 30.0)
        #expect(Array(backend.hitRatioHistory.values) == [nil, 10.0 / 15.0])
        #expect(Array(backend.memoryHistory.values) == [1000, 2000])
        await poller.stop()
    }

    @Test func refreshNowWakesTheRegularSamplingInsteadOfSamplingBesideIt() async {
        let clock = TestClock()
        let source = ScriptedSource(name: "a")
        let poller = Poller(backends: MonitoredBackend.numbered([source]), configuration: .init(interval: .seconds(1)), clock: clock)
        var snapshots = await poller.snapshots().makeAsyncIterator()
        _ = await snapshots.next()
        await eventually(poller, "first sample") { $0.backends[0].status == .up }
        await clock.advance(by: .milliseconds(400))
        await poller.refreshNow()
        await eventually(poller, "the woken sample") { $0.backends[0].rates != nil }
        #expect(source.attempts == 2, "one sample now, none beside it")
        let backend = await poller.current.backends[0]
        #expect(backend.rates?.seconds == 0.4, "rates over the time since the last sample")
        #expect(backend.hitRatioHistory.values.count == 2, "one history point per sample")
        var published = false
        while let snapshot = await snapshots.next() {
            if snapshot.backends[0].rates != nil {
                published = true
                break
            }
        }
        #expect(published, "the refreshed figures are published at once, not at the next interval")
        await clock.advance(by: .milliseconds(900))
        try? await Task.sleep(for: .milliseconds(30))
        #expect(source.attempts == 2, "the schedule goes on from the refresh: nothing before 1 s after it")
        await clock.advance(by: .milliseconds(100))
        await eventually(poller, "the next regular sample") { _ in source.attempts == 3 }
        await poller.stop()
    }

    @Test func aHangingSourceIsDownAfterTheTimeoutAndNeverDelaysTheOthers() async {
        let clock = TestClock()
        let hanging = ScriptedSource(name: "hanging", behaviour: .hang)
        let healthy = ScriptedSource(name: "healthy")
        let poller = Poller(
            backends: MonitoredBackend.numbered([hanging, healthy]), configuration: .init(interval: .seconds(1), timeout: .seconds(2)), clock: clock)
        await poller.start()
        await eventually(poller, "healthy up") { $0.backends[1].status == .up }
        #expect(await poller.current.backends[0].status == .connecting)
        await clock.advance(by: .seconds(1))
        await eventually(poller, "healthy sampled again while the other hangs") { $0.backends[1].rates != nil }
        #expect(await poller.current.backends[0].status == .connecting)
        await clock.advance(by: .seconds(1))
        await eventually(poller, "hanging is down at the timeout") { $0.backends[0].status == .down }
        let down = await poller.current.backends[0]
        #expect(down.error == "no answer within 2s")
        #expect(await poller.current.backends[1].status == .up)
        await poller.stop()
        hanging.releaseHung()
    }

    @Test func aDownBackendIsRetriedWithCappedBackoffAndComesBackByItself() async {
        let clock = TestClock()
        let source = ScriptedSource(name: "flaky", behaviour: .fail("cannot connect to fake: connection refused"))
        let poller = Poller(
            backends: MonitoredBackend.numbered([source]), configuration: .init(interval: .seconds(1), timeout: .seconds(2), maxBackoff: .seconds(5)),
            clock: clock)
        await poller.start()
        await eventually(poller, "down") { $0.backends[0].status == .down }
        #expect(await poller.current.backends[0].error == "cannot connect to fake: connection refused")
        #expect(await poller.current.backends[0].retryIn == 1)
        // Attempts at t = 0, 1, 3, 7, 12, 17: waits 1, 2, 4, 5, 5 s.
        var expectedAttempts = 1
        var now = 0
        for wait in [1, 2, 4, 5, 5] {
            await clock.advance(by: .seconds(wait) - .milliseconds(1))
            try? await Task.sleep(for: .milliseconds(20))
            #expect(source.attempts == expectedAttempts, "no retry before \(wait)s")
            await clock.advance(by: .milliseconds(1))
            expectedAttempts += 1
            now += wait
            let (expected, at) = (expectedAttempts, Double(now))
            // Wait until the attempt is recorded (not only started), so the next wait counts from it.
            await eventually(poller, "attempt \(expected)") { source.attempts == expected && $0.backends[0].sampledAt == at }
        }
        source.set(.answer)
        await clock.advance(by: .seconds(5))
        await eventually(poller, "up again") { $0.backends[0].status == .up }
        #expect(await poller.current.backends[0].error == nil)
        await poller.stop()
    }

    @Test func refusedCredentialsAreAuthFailed() async {
        let clock = TestClock()
        let poller = Poller(backends: MonitoredBackend.numbered([ScriptedSource(name: "locked", behaviour: .refuseCredentials)]), clock: clock)
        await poller.start()
        await eventually(poller, "auth_failed") { $0.backends[0].status == .authFailed }
        #expect(BackendStatus.authFailed.rawValue == "auth_failed")
        #expect(await poller.current.backends[0].error == "WRONGPASS invalid password")
        await poller.stop()
    }

    @Test func backoffDoublesUpToTheCap() {
        let poller = Poller(
            backends: MonitoredBackend.numbered([]), configuration: .init(interval: .seconds(1), maxBackoff: .seconds(5)), clock: TestClock())
        #expect(poller.backoff(afterFailures: 1) == .seconds(1))
        #expect(poller.backoff(afterFailures: 2) == .seconds(2))
        #expect(poller.backoff(afterFailures: 3) == .seconds(4))
        #expect(poller.backoff(afterFailures: 4) == .seconds(5))
        #expect(poller.backoff(afterFailures: 40) == .seconds(5))
    }

    @Test func snapshotsArePublishedEveryInterval() async {
        let clock = TestClock()
        let poller = Poller(
            backends: MonitoredBackend.numbered([ScriptedSource(name: "a"), ScriptedSource(name: "b")]), configuration: .init(interval: .seconds(1)),
            clock: clock)
        var iterator = await poller.snapshots().makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.backends.map(\.name) == ["a", "b"])
        await eventually(poller, "both up") { $0.upCount == 2 }
        await clock.advance(by: .seconds(1))
        let next = await iterator.next()
        #expect(next != nil)
        await poller.stop()
        #expect(await iterator.next() == nil, "stop ends the stream")
    }

    @Test func sampleAllSamplesEverySourceOnce() async {
        let a = ScriptedSource(name: "a")
        let down = ScriptedSource(name: "down", behaviour: .fail("refused"))
        let poller = Poller(backends: MonitoredBackend.numbered([a, down]), configuration: .init(interval: .milliseconds(10)))
        let first = await poller.sampleAll()
        #expect(first.backends.map(\.status) == [.up, .down])
        let second = await poller.sampleAll()
        #expect(second.backends[0].rates?.hits == 10)
        #expect(a.attempts == 2 && down.attempts == 2)
    }

    @Test func backendsAddedAndRemovedWhileRunningAreSampledAndDropped() async {
        let clock = TestClock()
        let first = ScriptedSource(name: "first")
        let poller = Poller(backends: MonitoredBackend.numbered([first]), configuration: .init(interval: .seconds(1)), clock: clock)
        await poller.start()
        await eventually(poller, "first up") { $0.backends.count == 1 && $0.backends[0].status == .up }
        let joining = ScriptedSource(name: "joining")
        await poller.add([MonitoredBackend(id: BackendID(7), source: joining)])
        await eventually(poller, "the new backend is sampled at once") { $0.backends.count == 2 && $0.backends[1].status == .up }
        #expect(await poller.current.backends.map(\.name) == ["first", "joining"], "after the others")
        await poller.add([MonitoredBackend(id: BackendID(7), source: joining)])
        #expect(await poller.backends.count == 2, "a backend already watched is not added twice")
        let removed = await poller.remove([BackendID(0)])
        #expect(removed.map(\.name) == ["first"])
        let attempts = first.attempts
        await clock.advance(by: .seconds(2))
        await eventually(poller, "the other goes on") { $0.backends.count == 1 && $0.backends[0].rates != nil }
        #expect(first.attempts == attempts, "a removed backend is not sampled again")
        await poller.stop()
    }
}

/// The poller against a real Redis whose statistics are reset under it.
@Suite struct PollerResetTests {
    @Test func configResetstatNeverGivesNegativeRates() async throws {
        guard let server = try RedisServerProcess() else { return }
        let url = try RedisURL(parsing: server.url())
        let admin = RedisClient(url: url)
        try await admin.send(RESPCommand("SET", ["k", "v"]))
        try await admin.send((0..<500).map { _ in RESPCommand("GET", ["k"]) })
        let poller = Poller(
            backends: MonitoredBackend.numbered([RedisSource(name: "redis", url: url)]), configuration: .init(interval: .milliseconds(100)))
        // A loaded machine can time the first sample out; rates need one good sample before the reset.
        var before = await poller.sampleAll()
        for _ in 0..<20 where before.backends[0].status != .up { before = await poller.sampleAll() }
        try #require(before.backends[0].status == .up, "the poller reaches the test's redis-server")
        try await admin.send([RESPCommand("CONFIG", ["RESETSTAT"]), RESPCommand("GET", ["k"]), RESPCommand("GET", ["missing"])])
        var after = await poller.sampleAll()
        for _ in 0..<20 where after.backends[0].status != .up { after = await poller.sampleAll() }
        let rates = try #require(after.backends[0].rates)
        #expect(rates.countersReset)
        #expect(rates.hits == 1 && rates.misses == 1)
        #expect((rates.operationsPerSecond ?? -1) >= 0)
        await admin.close()
    }
}
