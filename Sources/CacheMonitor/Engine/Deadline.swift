import Basics
import ConnectionSupport
import Synchronization

/// Runs `work` and returns its result, or throws ``MonitorError/deadlineExceeded(_:)`` once `timeout` has passed on `clock` —
/// without waiting for `work` to notice (client calls waiting on a socket ignore cancellation until their
/// own timeout). The late work is cancelled and its result dropped.
package func withDeadline<C: Clock, T: Sendable>(
    _ timeout: Duration, clock: C, _ work: @escaping @Sendable () async throws -> T
) async throws -> T where C.Duration == Duration {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.begin(continuation)
        let worker = Task {
            let result: Result<T, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            race.finish(result)
        }
        let timer = Task {
            guard (try? await clock.sleep(for: timeout)) != nil else { return }
            race.finish(.failure(MonitorError.deadlineExceeded(timeout)))
        }
        race.track(worker: worker, timer: timer)
    }
}

/// The shared state of one ``withDeadline(_:clock:_:)``: the first result resumes the caller and cancels
/// the other task.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var worker: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var done = false
    }

    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func track(worker: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            state.worker = worker
            state.timer = timer
            return state.done
        }
        if finished {
            worker.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.done else { return (nil, []) }
            state.done = true
            defer { state.continuation = nil }
            return (state.continuation, [state.worker, state.timer].compactMap { $0 })
        }
        guard let continuation else { return }
        continuation.resume(with: result)
        for task in tasks { task.cancel() }
    }
}
