import Basics
import Synchronization

/// What a running ``Job`` reports: how far it got, then once how it ended.
package enum JobEvent<Progress: Sendable, Outcome: Sendable>: Sendable {
    /// The work so far, and the time since the job started.
    case progress(Progress, elapsed: Duration)
    /// How it ended — always the last event, also after ``Job/stop()`` and after a failure.
    case finished(Outcome)
}

/// Long work with progress, a stop button and a typed result: a deletion, a count, a keyspace or traffic
/// sample. The work runs in a task of its own and is handed a ``JobContext`` to report progress and to
/// learn that it should stop.
///
/// Stopping is a request, never a cancellation of the task: the work stops at its next safe point (after
/// the batch in flight) and still returns its outcome, so what it did until then is counted and reported —
/// and whoever reads ``events`` always gets `.finished`. Cancelling the task that reads the events stops
/// nothing.
package final class Job<Progress: Sendable, Outcome: Sendable>: Sendable {
    package typealias Event = JobEvent<Progress, Outcome>

    /// Progress (the newest few, when the reader is slower than the work), then `.finished`, then the end.
    /// One reader at a time.
    package let events: AsyncStream<Event>
    private let control: JobControl
    private let task: Task<Outcome, Never>

    /// Starts `work` at once.
    package init(_ work: @escaping @Sendable (JobContext<Progress>) async -> Outcome) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(32))
        let control = JobControl()
        events = stream
        self.control = control
        let started = ContinuousClock.now
        task = Task {
            let context = JobContext<Progress>(control: control, started: started) { progress, elapsed in
                continuation.yield(.progress(progress, elapsed: elapsed))
            }
            let outcome = await work(context)
            continuation.yield(.finished(outcome))
            continuation.finish()
            return outcome
        }
    }

    /// A job that has already ended with `outcome` (a refusal, a change with nothing to do).
    package convenience init(finished outcome: Outcome) {
        self.init { _ in outcome }
    }

    /// Asks the work to stop at its next safe point; it still ends with an outcome.
    package func stop() {
        control.requestStop()
    }

    /// Whether ``stop()`` was called.
    package var isStopRequested: Bool { control.isStopRequested }

    /// Waits for the end and returns the outcome (any number of callers; reading ``events`` is not needed).
    package var outcome: Outcome {
        get async { await task.value }
    }
}

/// What the work of a ``Job`` sees: where to report progress, whether to stop, how long it has run.
package struct JobContext<Progress: Sendable>: Sendable {
    fileprivate let control: JobControl
    /// When the job started.
    package let started: ContinuousClock.Instant
    private let sink: @Sendable (Progress, Duration) -> Void

    fileprivate init(control: JobControl, started: ContinuousClock.Instant, sink: @escaping @Sendable (Progress, Duration) -> Void) {
        self.control = control
        self.started = started
        self.sink = sink
    }

    /// Whether the job was asked to stop: finish the batch in flight, count it, and return.
    package var isStopRequested: Bool { control.isStopRequested }

    /// The time since the job started.
    package var elapsed: Duration { ContinuousClock.now - started }

    /// Reports how far the work got.
    package func report(_ progress: Progress) {
        sink(progress, elapsed)
    }

    /// Waits `duration`, or less when the job is asked to stop meanwhile (time-boxed work).
    /// - Returns: `true` when the whole time passed, `false` when a stop ended the wait.
    @discardableResult
    package func pause(for duration: Duration) async -> Bool {
        await control.wait(for: duration)
    }
}

/// The stop request of one job, and the waits it ends.
final class JobControl: Sendable {
    private struct State {
        var stopRequested = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose time ran out before they were registered.
        var expired: Set<Int> = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    var isStopRequested: Bool { state.withLock { $0.stopRequested } }

    func requestStop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.stopRequested = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Sleeps `duration` unless a stop comes first; `true` when the whole time passed.
    func wait(for duration: Duration) async -> Bool {
        let id = state.withLock { state -> Int? in
            guard !state.stopRequested else { return nil }
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        guard let id else { return false }
        let timer = Task { [self] in
            // Cancelled (the wait ended otherwise): nothing to wake.
            guard (try? await Task.sleep(for: duration)) != nil else { return }
            expire(id)
        }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.stopRequested || state.expired.remove(id) != nil { return true }
                state.waiters[id] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        return !isStopRequested
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.expired.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
