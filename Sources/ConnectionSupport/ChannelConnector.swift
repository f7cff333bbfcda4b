import NIOCore
import NIOPosix
import NIOSSL

/// Where a server listens.
public enum ServerEndpoint: Sendable, Hashable {
    case tcp(host: String, port: Int)
    case unix(path: String)
}

/// Why a connection could not be opened, in one line that names the server.
public struct ConnectFailure: Error, Sendable, CustomStringConvertible {
    /// Nothing answered in time (`true`), or the connection was refused or failed (`false`).
    public let timedOut: Bool
    public let message: String
    public var description: String { message }
}

/// Opens client channels the way both clients want them (keep-alive, no Nagle delay, a connect timeout)
/// and turns NIO's failures into one line.
public enum ChannelConnector {
    /// Connects to `endpoint` — through `route` when one is given, over TLS when `tls` is given (returning once
    /// the handshake is done) —; `initialize` sets up the pipeline on the channel's loop and returns what the
    /// caller works with. `peer` (and the TLS name) stay the server's own through a route.
    /// - Throws: ``ConnectFailure``, ``TLSFailure`` (a handshake or certificate problem) or
    ///   ``TLSSettingsError`` (a CA, certificate or key file that cannot be used).
    public static func connect<Output: Sendable>(
        to endpoint: ServerEndpoint, peer: String, timeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: TLSSettings? = nil, route: ConnectionRoute? = nil,
        initialize: @escaping @Sendable (any Channel) throws -> Output
    ) async throws -> Output {
        var socket = endpoint
        if let route {
            do {
                socket = try await route.provider.endpoint(reaching: endpoint)
            } catch let failure as ConnectFailure {
                throw ConnectFailure(timedOut: failure.timedOut, message: "cannot reach \(peer): \(failure.message)")
            }
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        var secure: (context: NIOSSLContext, serverName: String?)?
        if let tls {
            let host: String
            switch endpoint {
            case .tcp(let name, _): host = name
            case .unix: host = "localhost"
            }
            secure = (try tls.makeContext(), tls.sniName(forHost: host))
        }
        let handshake = secure
        let initializer: @Sendable (any Channel) -> EventLoopFuture<(Output, EventLoopFuture<Void>?)> = { channel in
            channel.eventLoop.makeCompletedFuture {
                var handshakeDone: EventLoopFuture<Void>?
                if let handshake {
                    let done = channel.eventLoop.makePromise(of: Void.self)
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: handshake.context, serverHostname: handshake.serverName))
                    try channel.pipeline.syncOperations.addHandler(TLSHandshakeObserver(done: done, peer: peer))
                    // A server that never finishes the handshake fails it after the connect timeout.
                    let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                        done.fail(
                            ConnectFailure(timedOut: true, message: "TLS with \(peer) failed: no handshake within \(timeout): is this its TLS port?"))
                        channel.close(promise: nil)
                    }
                    done.futureResult.whenComplete { _ in timer.cancel() }
                    handshakeDone = done.futureResult
                }
                return (try initialize(channel), handshakeDone)
            }
        }
        let connected: (Output, EventLoopFuture<Void>?)
        do {
            switch socket {
            case .tcp(let host, let port): connected = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            case .unix(let path): connected = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            }
        } catch {
            let failure = describe(error, peer: peer, timeout: timeout)
            guard let route else { throw failure }
            throw ConnectFailure(timedOut: failure.timedOut, message: "\(failure.message) (through \(route))")
        }
        if let handshakeDone = connected.1 {
            do {
                try await handshakeDone.get()
            } catch {
                throw error as? ConnectFailure ?? error as? TLSFailure ?? TLSFailure(peer: peer, error: error)
            }
        }
        return connected.0
    }

    static func describe(_ error: any Error, peer: String, timeout: Duration) -> ConnectFailure {
        if case .connectTimeout? = error as? ChannelError {
            return ConnectFailure(timedOut: true, message: "cannot connect to \(peer): no answer within \(timeout)")
        }
        let text = "\(error)"
        if text.contains("refused") || text.contains("ECONNREFUSED") {
            return ConnectFailure(timedOut: false, message: "cannot connect to \(peer): connection refused")
        }
        if let ioError = error as? IOError { return ConnectFailure(timedOut: false, message: "cannot connect to \(peer): \(ioError.description)") }
        return ConnectFailure(timedOut: false, message: "cannot connect to \(peer): \(text)")
    }
}
