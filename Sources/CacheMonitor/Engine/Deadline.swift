import Basics
import ConnectionSupport

/// Runs `work` and returns its result, or throws ``MonitorError/deadlineExceeded(_:)`` once `timeout` has
/// passed on `clock`. Structured: the work is a child task, cancelled when the time is up, and the clients it
/// waits on stop waiting when cancelled (``ConnectionSupport/waitCancellably(for:isolation:)``), so nothing is
/// left running past the deadline.
package func withDeadline<C: Clock, T: Sendable>(
    _ timeout: Duration, clock: C, _ work: @escaping @Sendable () async throws -> T
) async throws -> T where C.Duration == Duration {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await clock.sleep(for: timeout)
            throw MonitorError.deadlineExceeded(timeout)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw MonitorError.deadlineExceeded(timeout) }
        return first
    }
}
