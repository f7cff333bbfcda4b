import ConnectionSupport
import NIOCore
import NIOPosix

/// One open connection to a Redis server, with pipelining: any number of commands in flight, replies
/// matched in order, each batch encoded into one buffer and flushed once.
///
/// Safe to share between tasks: each ``send(_:)`` is one ordered batch. Once a connection fails (timeout,
/// closed, protocol violation) every later call fails at once; open a new one (``RedisClient`` does).
public final class RESPConnection: AsyncClosable {
    /// Timeouts, protocol and limits of a connection.
    public struct Configuration: Sendable {
        /// How long to wait for the TCP connection (and the login commands).
        public var connectTimeout: Duration
        /// How long a batch may wait for its replies before the connection is declared dead.
        public var commandTimeout: Duration
        /// 2 (default) or 3: with 3 the login is `HELLO 3` and RESP3 types arrive.
        public var protocolVersion: Int
        /// Sent as `CLIENT SETNAME`, so operators see who is connected; `nil` sends nothing.
        public var clientName: String?
        /// Limits on what the server may send.
        public var limits: RESPParser.Limits
        /// Send `CLIENT NO-TOUCH on` (Redis 7.2+; ignored by older servers): this connection's reads then
        /// leave the keys' LRU/LFU information alone — for monitors, which should not look like traffic.
        public var noTouch: Bool
        /// Told of every batch sent on connections made with this configuration (login commands too).
        public var observer: (any RESPCommandObserver)?

        public init(
            connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5), protocolVersion: Int = 2,
            clientName: String? = "cachescope", limits: RESPParser.Limits = .init(), noTouch: Bool = false,
            observer: (any RESPCommandObserver)? = nil
        ) {
            self.observer = observer
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.protocolVersion = protocolVersion
            self.clientName = clientName
            self.limits = limits
            self.noTouch = noTouch
        }
    }

    private let channel: any Channel
    /// The server's address, for messages.
    public let peer: String
    private let observer: (any RESPCommandObserver)?

    private init(channel: any Channel, peer: String, observer: (any RESPCommandObserver)?) {
        self.channel = channel
        self.peer = peer
        self.observer = observer
    }

    /// The event loop this connection's I/O runs on. Work isolated to it (an actor whose executor is this
    /// loop) sends and receives without any thread hop — the fastest way to drive a pipeline.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Connects, logs in (`HELLO`/`AUTH`, `SELECT`, `CLIENT SETNAME`) and checks that the peer speaks RESP.
    /// - Throws: ``RedisError``: `.connectionFailed`, `.timeout`, `.authenticationFailed`, `.serverError`
    ///   (for example a database index out of range), `.protocolViolation` (not a Redis server).
    public static func connect(
        to url: RedisURL, configuration: Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RESPConnection {
        try await connect(to: url, configuration: configuration, group: group, renewing: false)
    }

    private static func connect(
        to url: RedisURL, configuration: Configuration, group: any EventLoopGroup, renewing: Bool
    ) async throws -> RESPConnection {
        let peer = url.hostAndPort
        let commandTimeout = TimeAmount(configuration.commandTimeout)
        let limits = configuration.limits
        let endpoint: ServerEndpoint
        switch url.address {
        case .tcp(let host, let port): endpoint = .tcp(host: host, port: port)
        case .unix(let path): endpoint = .unix(path: path)
        }
        let channel: any Channel
        do {
            channel = try await ChannelConnector.connect(
                to: endpoint, peer: peer, timeout: configuration.connectTimeout, group: group, tls: url.tls, route: url.route
            ) { channel in
                try channel.pipeline.syncOperations.addHandler(RESPPipelineHandler(commandTimeout: commandTimeout, peer: peer, limits: limits))
                return channel
            }
        } catch let failure as ConnectFailure {
            throw RedisError(failure.timedOut ? .timeout : .connectionFailed, failure.message)
        } catch let failure as TLSFailure {
            throw RedisError(.tlsFailed, failure.message)
        } catch let failure as TLSSettingsError {
            throw RedisError(.tlsFailed, "TLS for \(peer): \(failure.message)")
        }
        let connection = RESPConnection(channel: channel, peer: peer, observer: configuration.observer)
        do {
            try await connection.logIn(try await url.withCommandPassword(renewing: renewing), configuration: configuration)
        } catch let error as RedisError where error.code == .authenticationFailed && url.passwordCommand != nil && !renewing {
            // The token the command printed may have expired: ask it again, once.
            await connection.close()
            return try await connect(to: url, configuration: configuration, group: group, renewing: true)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Sends commands as one pipelined batch and returns their replies in order. Error replies are
    /// returned as ``RESPValue/error(_:)`` values, not thrown.
    /// - Throws: ``RedisError`` when the connection fails, times out or receives bytes that are not RESP.
    @discardableResult
    public func send(_ commands: [RESPCommand], isolation: isolated (any Actor)? = #isolation) async throws -> [RESPValue] {
        observer?.sent(commands, to: peer)
        var payload = channel.allocator.buffer(capacity: commands.count * 32)
        for command in commands { payload.writeRESPCommand(command.arguments) }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RESPRequest(payload: payload, commandCount: commands.count, promise: promise)
        if channel.eventLoop.inEventLoop {
            // On the loop nothing can close the channel between this check and the write, and an open
            // channel's pipeline always hands the write to our handler.
            guard channel.isActive else { throw RedisError(.connectionClosed, "connection to \(peer) closed") }
            channel.writeAndFlush(request, promise: nil)
        } else {
            let written = channel.eventLoop.makePromise(of: Void.self)
            let peer = self.peer
            // A write that never reaches the handler (the channel closed meanwhile) must still fail the batch.
            written.futureResult.whenFailure { error in
                promise.fail(error as? RedisError ?? RedisError(.connectionClosed, "connection to \(peer) closed"))
            }
            channel.writeAndFlush(request, promise: written)
        }
        // Not `futureResult.get()`: registering the callback here costs no hop when the caller already runs
        // on the event loop (see ``eventLoop``). A cancelled caller stops waiting at once; the batch keeps its
        // place in the pipeline.
        return try await waitCancellably(for: promise.futureResult, isolation: isolation)
    }

    /// Sends `command` — one that makes the server stream (`MONITOR`, `SUBSCRIBE channel`) — and from then on
    /// hands every value the server sends unasked to `onValue`, on the connection's event loop, as it is read
    /// (nothing is queued). `onClose` is told once when the connection ends (with the error, if it failed).
    /// Commands can still be sent; their replies are matched as before.
    /// - Returns: the command's reply (an error reply too, such as `NOPERM`).
    public func stream(
        _ command: RESPCommand, onValue: @escaping @Sendable (RESPValue) -> Void, onClose: @escaping @Sendable (RedisError?) -> Void
    ) async throws -> RESPValue {
        try await channel.eventLoop.submit { [channel] in
            let handler = try channel.pipeline.syncOperations.handler(type: RESPPipelineHandler.self)
            handler.unsolicited = onValue
            handler.onClose = onClose
        }.get()
        return try await send([command])[0]
    }

    /// Closes the connection; waiting commands fail with `.connectionClosed`.
    public func close() async {
        try? await channel.close().get()
    }

    // MARK: login

    private func logIn(_ url: RedisURL, configuration: Configuration) async throws {
        var commands: [RESPCommand] = []
        var authPosition: Int?
        if configuration.protocolVersion == 3 {
            var arguments: [any RESPArgument] = ["3"]
            if let password = url.password { arguments += ["AUTH", url.username ?? "default", password] }
            authPosition = commands.count
            commands.append(RESPCommand("HELLO", arguments))
        } else if let password = url.password {
            authPosition = commands.count
            commands.append(RESPCommand("AUTH", url.username.map { [$0, password] } ?? [password]))
        }
        let selectPosition = url.database != 0 ? commands.count : nil
        if url.database != 0 { commands.append(RESPCommand("SELECT", [url.database])) }
        // Optional extras: their errors (an old server, a renamed CLIENT command) are ignored. The name comes
        // before the PING, so even the login's commands are logged under it (the slow and command logs).
        var optional: Set<Int> = []
        if let name = configuration.clientName {
            optional.insert(commands.count)
            commands.append(RESPCommand("CLIENT", ["SETNAME", name]))
        }
        if configuration.noTouch {
            optional.insert(commands.count)
            commands.append(RESPCommand("CLIENT", ["NO-TOUCH", "ON"]))
        }
        commands.append(RESPCommand("PING"))

        let replies: [RESPValue]
        do {
            replies = try await send(commands)
        } catch let error as RedisError where error.code == .timeout {
            throw RedisError(
                .timeout, "\(peer) accepted the connection but did not answer within \(configuration.connectTimeout): is it a Redis server?")
        } catch let error as RedisError where error.code == .connectionClosed && url.route != nil {
            // Through a tunnel the forward's socket accepts at once; the bastion then fails to reach the server.
            try? await Task.sleep(for: .milliseconds(100))
            let reason = url.route?.provider.recentComplaint() ?? "can the bastion reach it?"
            throw RedisError(.connectionFailed, "cannot reach \(peer) through \(url.route.map { "\($0)" } ?? "the tunnel"): \(reason)")
        } catch let error as RedisError where error.code == .connectionClosed {
            // A TLS port drops a client that speaks plain RESP; a TLS 1.3 server that wants a client certificate
            // drops a client without one right after the handshake (its alert may be lost with the connection).
            if url.tls == nil { throw RedisError(.connectionClosed, "\(peer) closed the connection at once: if it is a TLS port, use rediss://") }
            throw RedisError(
                .tlsFailed,
                "TLS with \(peer) failed: the server closed the connection after the handshake: if it wants a client certificate, give one "
                    + "(--tls-cert-file and --tls-key-file)"
            )
        }
        for (position, reply) in replies.enumerated() {
            guard let message = reply.errorMessage, !optional.contains(position) else { continue }
            if position == authPosition || Self.isAuthError(message) {
                throw RedisError(.authenticationFailed, "authentication to \(peer) failed: \(message)")
            }
            if position == selectPosition {
                throw RedisError(.serverError, "cannot select database \(url.database) on \(peer): \(message)")
            }
            throw RedisError(.serverError, "\(peer) refused the connection: \(message)")
        }
    }

    private static func isAuthError(_ message: String) -> Bool {
        message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") || message.hasPrefix("NOPERM")
    }
}

extension RedisURL {
    /// This URL with the password its command prints, when it has one.
    /// - Throws: ``RedisError`` `.authenticationFailed` when the command fails (its exit status, never its output).
    fileprivate func withCommandPassword(renewing: Bool) async throws -> RedisURL {
        guard let passwordCommand else { return self }
        var url = self
        do {
            url.password = try await passwordCommand.password(renewing: renewing)
        } catch let error as PasswordCommandError {
            throw RedisError(.authenticationFailed, "cannot log in to \(hostAndPort): \(error.message)")
        }
        return url
    }
}
