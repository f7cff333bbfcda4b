import ConnectionSupport
import Synchronization
import Testing

/// The open-on-first-use slot behind `RedisClient` and `MemcachedClient`: one attempt shared by its callers, a
/// failure leaves the slot empty, and nothing opened stays open after ``LazyConnection/close()``.
@Suite struct LazyConnectionTests {
    final class FakeConnection: Sendable {
        let number: Int
        let shut = Atomic<Bool>(false)
        init(_ number: Int) { self.number = number }
    }

    struct Closed: Error {}

    /// An `open` that waits for a go-ahead however often it is cancelled (as a connect inside NIO may), and
    /// counts its attempts.
    final class Opener: Sendable {
        let attempts = Atomic<Int>(0)
        let failNext = Atomic<Bool>(false)
        private let gate = Mutex<[CheckedContinuation<Void, Never>]>([])
        private let started = Atomic<Int>(0)

        func open() async throws -> FakeConnection {
            let number = attempts.add(1, ordering: .relaxed).newValue
            await withCheckedContinuation { continuation in
                gate.withLock { $0.append(continuation) }
                started.add(1, ordering: .relaxed)
            }
            if failNext.exchange(false, ordering: .relaxed) { throw Closed() }
            return FakeConnection(number)
        }

        /// Lets every waiting attempt finish, once one has started.
        func release() async {
            while started.load(ordering: .relaxed) == 0 { await Task.yield() }
            started.store(0, ordering: .relaxed)
            for continuation in gate.withLock({ gate in
                defer { gate.removeAll() }
                return gate
            }) { continuation.resume() }
        }
    }

    func slot(_ opener: Opener) -> LazyConnection<FakeConnection> {
        LazyConnection(
            open: { try await opener.open() }, isAlive: { !$0.shut.load(ordering: .relaxed) },
            shutDown: { $0.shut.store(true, ordering: .relaxed) }, closedError: { Closed() })
    }

    @Test func callersWhileOpeningShareOneAttempt() async throws {
        let opener = Opener()
        let lazy = slot(opener)
        async let first = lazy.get()
        async let second = lazy.get()
        await opener.release()
        let (a, b) = try await (first, second)
        #expect(a === b)
        #expect(opener.attempts.load(ordering: .relaxed) == 1)
        #expect(try await lazy.get() === a, "the open connection is reused")
        await lazy.close()
        let shut = a.shut.load(ordering: .relaxed)
        #expect(shut)
    }

    @Test func aFailedAttemptLeavesTheSlotEmptyForTheNextCall() async throws {
        let opener = Opener()
        let lazy = slot(opener)
        opener.failNext.store(true, ordering: .relaxed)
        let failed = Task { try await lazy.get() }
        await opener.release()
        await #expect(throws: Closed.self) { try await failed.value }
        async let retried = lazy.get()
        await opener.release()
        let connection = try await retried
        #expect(opener.attempts.load(ordering: .relaxed) == 2)
        #expect(connection.number == 2)
        await lazy.close()
    }

    @Test func aConnectionThatOpensAfterCloseIsShutDownAndNeverHandedOut() async throws {
        let opener = Opener()
        let shut = Mutex<[Int]>([])
        let lazy = LazyConnection<FakeConnection>(
            open: { try await opener.open() }, isAlive: { _ in true }, shutDown: { connection in shut.withLock { $0.append(connection.number) } },
            closedError: { Closed() })
        let waiter = Task { try await lazy.get() }
        while opener.attempts.load(ordering: .relaxed) == 0 { await Task.yield() }
        await lazy.close()
        await opener.release()
        await #expect(throws: Closed.self) { try await waiter.value }
        await #expect(throws: Closed.self) { try await lazy.get() }
        #expect(shut.withLock { $0 } == [1], "the connection opened after close was closed, once")
        #expect(opener.attempts.load(ordering: .relaxed) == 1, "a closed slot opens nothing")
    }
}
