/// Every failure of the RESP client: a code to react to and a one-line message for people.
///
/// Messages name the server (`host:port`) but never a password.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// Nothing listens on the address (connection refused), or the host cannot be reached or resolved.
        case connectionFailed
        /// The connection closed while commands were waiting, or was closed by us.
        case connectionClosed
        /// No reply within the connect or command timeout.
        case timeout
        /// `AUTH`/`HELLO` was refused (`WRONGPASS`, `NOAUTH`, no password configured).
        case authenticationFailed
        /// The server answered a command with an error reply (`-ERR …`, `-WRONGTYPE …`).
        case serverError
        /// The peer sent bytes that are not RESP, or a reply nobody asked for.
        case protocolViolation
        /// A `redis://` URL that cannot be used.
        case invalidURL
        /// TLS failed: the handshake, the server's certificate, or a CA/certificate/key file.
        case tlsFailed
    }

    /// What went wrong.
    public let code: Code
    /// One line for people.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The first word of a server error reply: `ERR`, `WRONGPASS`, `NOAUTH`, `WRONGTYPE`, `MOVED`, `ASK`…
    public var serverErrorKind: String? {
        guard code == .serverError || code == .authenticationFailed else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Whether the connection is unusable after this error (so the next command should reconnect).
    public var breaksConnection: Bool {
        switch code {
        case .connectionFailed, .connectionClosed, .timeout, .protocolViolation, .tlsFailed: true
        case .authenticationFailed, .serverError, .invalidURL: false
        }
    }

    /// The error for a server's error reply to a command.
    public static func reply(_ message: String) -> RedisError {
        RedisError(.serverError, message)
    }
}
