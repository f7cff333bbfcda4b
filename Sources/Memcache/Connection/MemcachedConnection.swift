import ConnectionSupport
import NIOCore
import NIOPosix

/// One open connection to a memcached server, with pipelining: any number of commands in flight, replies
/// matched in order, each batch encoded into one buffer and flushed once.
///
/// Safe to share between tasks: each ``send(_:isolation:)`` is one ordered batch. Once a connection fails
/// (timeout, closed, protocol violation) every later call fails at once; open a new one
/// (``MemcachedClient`` does).
public final class MemcachedConnection: AsyncClosable {
    /// Timeouts and limits of a connection.
    public struct Configuration: Sendable {
        /// How long to wait for the TCP connection and the `version` handshake.
        public var connectTimeout: Duration
        /// How long a batch may wait for its replies before the connection is declared dead.
        public var commandTimeout: Duration
        /// Limits on what the server may send.
        public var limits: MemcachedReplyParser.Limits

        public init(connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5), limits: MemcachedReplyParser.Limits = .init()) {
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.limits = limits
        }
    }

    private let channel: any Channel
    /// The server's address, for messages.
    public let peer: String
    /// What the server answered to `version` when the connection opened.
    public let serverVersion: String

    private let commandTimeout: TimeAmount

    private init(channel: any Channel, peer: String, serverVersion: String, commandTimeout: Duration) {
        self.commandTimeout = TimeAmount(commandTimeout)
        self.channel = channel
        self.peer = peer
        self.serverVersion = serverVersion
    }

    /// The event loop this connection's I/O runs on.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Connects and checks with `version` that the peer is a memcached server.
    /// - Throws: ``MemcachedError``: `.connectionFailed`, `.timeout`, `.protocolViolation` (not memcached).
    public static func connect(
        to address: MemcachedAddress, configuration: Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MemcachedConnection {
        let peer = address.description
        let limits = configuration.limits
        let channel = try await openChannel(to: address, connectTimeout: configuration.connectTimeout, group: group) { channel in
            try channel.pipeline.syncOperations.addHandler(MemcachedPipelineHandler(peer: peer, limits: limits))
            return channel
        }
        let handshake = MemcachedConnection(channel: channel, peer: peer, serverVersion: "", commandTimeout: configuration.connectTimeout)
        do {
            if let credentials = address.access.credentials {
                try await handshake.logIn(credentials)
            }
            let reply = try await handshake.send([.version]).first
            guard case .version(let version)? = reply else {
                throw MemcachedError(
                    .protocolViolation, "\(peer) does not speak the memcached protocol (its answer to 'version': \(reply.map { "\($0)" } ?? "none"))")
            }
            return MemcachedConnection(channel: channel, peer: peer, serverVersion: version, commandTimeout: configuration.commandTimeout)
        } catch let error as MemcachedError {
            try? await channel.close().get()
            switch error.code {
            case .timeout:
                throw MemcachedError(
                    .timeout, "\(peer) accepted the connection but did not answer within \(configuration.connectTimeout): is it a memcached server?")
            case .protocolViolation, .unknownCommand, .clientError:
                let detail = error.message.components(separatedBy: ": ").dropFirst().joined(separator: ": ")
                throw MemcachedError(
                    .protocolViolation,
                    "\(peer) does not speak the memcached protocol (its answer to 'version': \(detail.isEmpty ? error.message : detail))")
            default:
                throw error
            }
        } catch {
            try? await channel.close().get()
            throw MemcachedError(.connectionClosed, "connection to \(peer) failed: \(error)")
        }
    }

    /// Logs in with `credentials` (`-Y`): a command's password is asked again once when the server refuses it.
    /// - Throws: ``MemcachedError`` `.authenticationFailed`.
    func logIn(_ credentials: MemcachedCredentials) async throws {
        for renewing in [false, true] where !renewing || credentials.password.canRenew {
            let reply = try await send([try await credentials.loginCommand(for: peer, renewing: renewing)]).first
            if case .stored? = reply { return }
            if renewing || !credentials.password.canRenew || !isActive {
                let said = reply?.error.map { $0.message } ?? reply.map { "\($0)" } ?? "no answer"
                throw MemcachedError(.authenticationFailed, "\(peer) refused the login of \(credentials.username): \(said)")
            }
        }
    }

    /// Opens a TCP or Unix-socket channel to `address` (over TLS, through a route, as its access says);
    /// `initialize` sets up its pipeline.
    /// - Throws: ``MemcachedError`` `.connectionFailed`, `.timeout` or `.tlsFailed`.
    static func openChannel<Output: Sendable>(
        to address: MemcachedAddress, connectTimeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        initialize: @escaping @Sendable (any Channel) throws -> Output
    ) async throws -> Output {
        let endpoint: ServerEndpoint
        switch address.endpoint {
        case .tcp(let host, let port): endpoint = .tcp(host: host, port: port)
        case .unix(let path): endpoint = .unix(path: path)
        }
        do {
            return try await ChannelConnector.connect(
                to: endpoint, peer: address.description, timeout: connectTimeout, group: group, tls: address.access.tls, route: address.access.route,
                initialize: initialize)
        } catch let failure as ConnectFailure {
            throw MemcachedError(failure.timedOut ? .timeout : .connectionFailed, failure.message)
        } catch let failure as TLSFailure {
            throw MemcachedError(.tlsFailed, failure.message)
        } catch let failure as TLSSettingsError {
            throw MemcachedError(.tlsFailed, "TLS for \(address): \(failure.message)")
        }
    }

    /// Sends commands as one pipelined batch and returns their replies in order. Error replies are
    /// returned as ``MemcachedReply/error(_:)`` values, not thrown.
    /// - Throws: ``MemcachedError`` when the connection fails, times out or receives bytes that are not the
    ///   memcached protocol.
    @discardableResult
    public func send(_ commands: [MemcachedCommand], isolation: isolated (any Actor)? = #isolation) async throws -> [MemcachedReply] {
        var payload = channel.allocator.buffer(capacity: commands.reduce(0) { $0 + $1.line.count + ($1.data?.count ?? 0) + 4 })
        for command in commands { payload.writeMemcachedCommand(command) }
        let promise = channel.eventLoop.makePromise(of: [MemcachedReply].self)
        let request = MemcachedRequest(payload: payload, shapes: commands.map(\.shape), timeout: commandTimeout, promise: promise)
        let peer = self.peer
        if channel.eventLoop.inEventLoop {
            guard channel.isActive else { throw MemcachedError(.connectionClosed, "connection to \(peer) closed") }
            channel.writeAndFlush(request, promise: nil)
        } else {
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { error in
                promise.fail(error as? MemcachedError ?? MemcachedError(.connectionClosed, "connection to \(peer) closed"))
            }
            channel.writeAndFlush(request, promise: written)
        }
        // A cancelled caller stops waiting at once; the batch keeps its place in the pipeline.
        return try await waitCancellably(for: promise.futureResult, isolation: isolation)
    }

    /// Closes the connection; waiting commands fail with `.connectionClosed`.
    public func close() async {
        try? await channel.close().get()
    }
}

extension MemcachedConnection {
    /// A task executor on this connection's event loop: work that drives the connection hard runs there
    /// and sends and receives without thread hops (see `EventLoopTaskExecutor`).
    public var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(eventLoop) }
}
