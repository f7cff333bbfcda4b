import NIOCore
import NIOPosix

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
    /// Connects to `endpoint`; `initialize` sets up the pipeline on the channel's loop and returns what the
    /// caller works with.
    /// - Throws: ``ConnectFailure``.
    public static func connect<Output: Sendable>(
        to endpoint: ServerEndpoint, peer: String, timeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        initialize: @escaping @Sendable (any Channel) throws -> Output
    ) async throws -> Output {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Output> = { channel in
            channel.eventLoop.makeCompletedFuture { try initialize(channel) }
        }
        do {
            switch endpoint {
            case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            case .unix(let path): return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            }
        } catch {
            throw describe(error, peer: peer, timeout: timeout)
        }
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
