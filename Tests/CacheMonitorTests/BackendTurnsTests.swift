import Synchronization
import Testing

@testable import CacheMonitor

/// A schedule's samplers take turns per backend: never two at once on one backend, never waiting for another.
@Suite struct BackendTurnsTests {
    /// A body that says it started and ends when told.
    final class Step: Sendable {
        private let started = Atomic<Bool>(false)
        private let finish = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let ended = Atomic<Bool>(false)

        func body() async -> Int {
            await withCheckedContinuation { continuation in
                finish.withLock { $0 = continuation }
                started.store(true, ordering: .relaxed)
            }
            ended.store(true, ordering: .relaxed)
            return 1
        }

        var hasStarted: Bool { started.load(ordering: .relaxed) }
        var hasEnded: Bool { ended.load(ordering: .relaxed) }

        func waitUntilStarted() async {
            while !hasStarted { await Task.yield() }
        }

        func end() { finish.withLock { $0?.resume() } }
    }

    @Test func aSecondTurnOnTheSameBackendWaitsForTheFirst() async {
        let turns = BackendTurns()
        let keyspace = Step()
        let traffic = Step()
        let first = Task { await turns.run(on: "sessions") { await keyspace.body() } }
        await keyspace.waitUntilStarted()
        let second = Task { await turns.run(on: "sessions") { await traffic.body() } }
        for _ in 0..<200 { await Task.yield() }
        #expect(!traffic.hasStarted, "the traffic sample waits while the keyspace sample runs")
        keyspace.end()
        #expect(await first.value == 1)
        await traffic.waitUntilStarted()
        #expect(keyspace.hasEnded)
        traffic.end()
        #expect(await second.value == 1)
    }

    @Test func turnsOnOtherBackendsRunAtOnce() async {
        let turns = BackendTurns()
        let one = Step()
        let other = Step()
        let first = Task { await turns.run(on: "sessions") { await one.body() } }
        await one.waitUntilStarted()
        let second = Task { await turns.run(on: "pages") { await other.body() } }
        await other.waitUntilStarted()
        #expect(!one.hasEnded, "both run together")
        one.end()
        other.end()
        _ = await (first.value, second.value)
    }
}
