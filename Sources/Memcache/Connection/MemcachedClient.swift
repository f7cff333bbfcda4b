import ConnectionSupport
import NIOCore
import NIOPosix

/// A client for one memcached server: a single pipelined connection that opens on first use and reopens
/// after it fails. memcached serves one connection's commands in order; many commands in flight on one
/// connection keep a server busy without a pool. Commands are never retried automatically.
public final class MemcachedClient: MemcachedCommandExecutor, AsyncClosable {
    /// The server.
    public let address: MemcachedAddress
    /// Timeouts and limits.
    public let configuration: MemcachedConnection.Configuration
    private let connection: LazyConnection<MemcachedConnection>

    public init(
        address: MemcachedAddress, configuration: MemcachedConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.address = address
        self.configuration = configuration
        connection = LazyConnection(
            open: { try await MemcachedConnection.connect(to: address, configuration: configuration, group: group) },
            isAlive: { $0.isActive },
            shutDown: { await $0.close() },
            closedError: { MemcachedError(.connectionClosed, "the client for \(address) was closed") }
        )
    }

    @discardableResult
    public func send(_ commands: [MemcachedCommand]) async throws -> [MemcachedReply] {
        let connection = try await connection.get()
        do {
            return try await connection.send(commands)
        } catch let error as MemcachedError where error.breaksConnection {
            self.connection.forget(connection)
            throw error
        }
    }

    /// Opens the connection now (it otherwise opens on first use) and returns it.
    @discardableResult
    public func connect() async throws -> MemcachedConnection {
        try await connection.get()
    }

    /// Closes the connection; later calls fail with `.connectionClosed`.
    public func close() async {
        await connection.close()
    }
}
