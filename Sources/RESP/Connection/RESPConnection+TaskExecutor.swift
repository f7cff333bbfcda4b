import ConnectionSupport

extension RESPConnection {
    /// A task executor on this connection's event loop; see ``EventLoopTaskExecutor``.
    public var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(eventLoop) }
}
