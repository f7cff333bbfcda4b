import Basics
import NIOCore
import NIOSSL
import NIOTLS

/// Completes a promise when the TLS handshake of a client channel is done (or fails, or the channel closes
/// first), so a connection reports a certificate problem as such instead of as a broken first command.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private let peer: String

    init(done: EventLoopPromise<Void>, peer: String) {
        self.done = done
        self.peer = peer
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { done.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(TLSFailure(peer: peer, error: error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ConnectFailure(timedOut: false, message: "\(peer) closed the connection during the TLS handshake: is this its TLS port?"))
        context.fireChannelInactive()
    }
}

/// A TLS failure in one line for people: what went wrong and what to change.
public struct TLSFailure: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(peer: String, error: any Error) {
        message = "TLS with \(peer) failed: " + Self.explain(error)
    }

    public var description: String { message }

    /// `nil` when `error` is not a TLS error.
    public static func describe(_ error: any Error, peer: String) -> String? {
        guard error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError else { return nil }
        return TLSFailure(peer: peer, error: error).message
    }

    static func explain(_ error: any Error) -> String {
        let text = String(describing: error)
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return
                "the server's certificate is not issued for the name connected to (\(text)); set the expected name (--tls-server-name, "
                + "tls_server_name) or connect by a name the certificate carries"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return
                "the server's certificate is not trusted (certificate verify failed): give the CA that signed it (--tls-ca-file, "
                + "tls_ca_file or ssl_ca_certs=)"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("SSLV3_ALERT_HANDSHAKE_FAILURE") {
            return "the server wants a client certificate: give one (--tls-cert-file and --tls-key-file)"
        }
        if text.contains("ALERT_BAD_CERTIFICATE") || text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_CERTIFICATE_UNKNOWN") {
            return "the server refused our client certificate (not signed by a CA it trusts)"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST")
            || text.contains("RECORD_TOO_LARGE")
        {
            return "the server does not speak TLS on this port (use redis:// for a plain port)"
        }
        if text.contains("uncleanShutdown") { return "the server closed the connection during the handshake" }
        return ErrorText.oneLine(error)
    }
}
