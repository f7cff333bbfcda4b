import Synchronization

/// One connection that opens on first use and reopens on the next use after it failed — the state
/// machine behind `RedisClient` and `MemcachedClient`.
///
/// Callers that arrive while the connection is opening wait for the same attempt. A failed attempt
/// leaves the slot empty, so the next call tries again. Nothing is retried automatically.
public final class LazyConnection<Connection: AnyObject & Sendable>: Sendable {
    private let state = Mutex<State>(.idle)
    private let open: @Sendable () async throws -> Connection
    private let isAlive: @Sendable (Connection) -> Bool
    private let shutDown: @Sendable (Connection) async -> Void
    private let closedError: @Sendable () -> any Error

    private enum State {
        case idle
        case connecting(Task<Connection, any Error>)
        case connected(Connection)
        case closed
    }

    private enum Next {
        case use(Connection)
        case wait(Task<Connection, any Error>)
        case closed
    }

    /// - Parameters:
    ///   - open: opens and logs in a new connection.
    ///   - isAlive: whether a connection can still be used.
    ///   - shutDown: closes a connection.
    ///   - closedError: what calls after ``close()`` throw.
    public init(
        open: @escaping @Sendable () async throws -> Connection, isAlive: @escaping @Sendable (Connection) -> Bool,
        shutDown: @escaping @Sendable (Connection) async -> Void, closedError: @escaping @Sendable () -> any Error
    ) {
        self.open = open
        self.isAlive = isAlive
        self.shutDown = shutDown
        self.closedError = closedError
    }

    /// The open connection, opening one when there is none (or the last one died).
    public func get() async throws -> Connection {
        let next = state.withLock { state -> Next in
            switch state {
            case .connected(let connection) where isAlive(connection):
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .closed:
                return .closed
            case .idle, .connected:
                let task = Task { try await self.opening() }
                state = .connecting(task)
                return .wait(task)
            }
        }
        switch next {
        case .use(let connection):
            return connection
        case .closed:
            throw closedError()
        case .wait(let task):
            do {
                return try await waitCancellably(for: task)
            } catch is CancellationError where Task.isCancelled {
                // This caller stopped waiting; the attempt goes on for the others (and the next call).
                throw CancellationError()
            }
        }
    }

    /// One attempt, which settles the state itself — whether or not anyone still waits for it: the new
    /// connection becomes current, or a failure leaves the slot empty; a connection that opens after
    /// ``close()`` (the attempt ignored its cancellation) is shut down rather than left open.
    private func opening() async throws -> Connection {
        do {
            let connection = try await open()
            let late = state.withLock { state -> Bool in
                if case .closed = state { return true }
                state = .connected(connection)
                return false
            }
            if late {
                await shutDown(connection)
                throw closedError()
            }
            return connection
        } catch {
            state.withLock { state in
                if case .connecting = state { state = .idle }
            }
            throw error
        }
    }

    /// Drops `failed` (if it is still the current connection), so the next call opens a new one.
    public func forget(_ failed: Connection) {
        state.withLock { state in
            if case .connected(let current) = state, current === failed { state = .idle }
        }
    }

    /// Closes the connection; later calls throw `closedError`.
    public func close() async {
        let previous = state.withLock { state -> State in
            defer { state = .closed }
            return state
        }
        switch previous {
        case .connected(let connection): await shutDown(connection)
        case .connecting(let task): task.cancel()
        case .idle, .closed: break
        }
    }
}
