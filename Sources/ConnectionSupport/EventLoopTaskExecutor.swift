import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Code that drives a connection hard can prefer the connection's loop, so sending never hops onto the
/// loop and a reply resumes the waiting task on the loop's own thread, with no thread wake-up:
/// ```swift
/// let connection = try await client.connect()
/// try await withTaskExecutorPreference(connection.taskExecutor) {
///     for batch in batches { _ = try await connection.send(batch) }
/// }
/// ```
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
