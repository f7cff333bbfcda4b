import NIOCore
import Synchronization

/// Waits for `future` — or, as soon as the calling task is cancelled, throws `CancellationError` without it.
/// What the future stands for still completes later, unobserved: a pipelined request keeps its place, so the
/// replies after it still match their requests; only its caller stops waiting. So a deadline around a call
/// ends the call when it passes, with no task of its own left waiting on the socket.
public func waitCancellably<Value: Sendable>(
    for future: EventLoopFuture<Value>, isolation: isolated (any Actor)? = #isolation
) async throws -> Value {
    let resumer = ResumeOnce<Value>()
    return try await withTaskCancellationHandler {
        try await withUnsafeThrowingContinuation(isolation: isolation) { continuation in
            resumer.begin(continuation)
            future.whenComplete { resumer.resume(with: $0) }
        }
    } onCancel: {
        resumer.resume(with: .failure(CancellationError()))
    }
}

/// Waits for `task`'s value — or, as soon as the calling task is cancelled, throws `CancellationError`; the
/// task itself goes on (others may be waiting for it too, as for a connection being opened).
public func waitCancellably<Value: Sendable>(for task: Task<Value, any Error>) async throws -> Value {
    let resumer = ResumeOnce<Value>()
    return try await withTaskCancellationHandler {
        try await withUnsafeThrowingContinuation { continuation in
            resumer.begin(continuation)
            Task { resumer.resume(with: await task.result) }
        }
    } onCancel: {
        resumer.resume(with: .failure(CancellationError()))
    }
}

/// One continuation resumed once: by the first of the result and a cancellation, whichever comes first —
/// also when the cancellation comes before the continuation is there.
final class ResumeOnce<Value: Sendable>: Sendable {
    private enum State {
        case waiting
        case suspended(UnsafeContinuation<Value, any Error>)
        case resolved(Result<Value, any Error>)
        case done
    }

    private let state = Mutex(State.waiting)

    func begin(_ continuation: UnsafeContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            switch state {
            case .waiting:
                state = .suspended(continuation)
                return nil
            case .resolved(let result):
                state = .done
                return result
            case .suspended, .done:
                return nil
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<Value, any Error>) {
        let continuation = state.withLock { state -> UnsafeContinuation<Value, any Error>? in
            switch state {
            case .waiting:
                state = .resolved(result)
                return nil
            case .suspended(let continuation):
                state = .done
                return continuation
            case .resolved, .done:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
