/// Every failure of the RESP client: a code to react to and a one-line message for people.
///
/// Messages name the server (`host:port`) but never a password.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The codes; private, so new ones can be added without breaking a caller's `switch` (which has a
        /// `default`).
        private enum Base: String, Sendable, Hashable {
            case connectionFailed
            case connectionClosed
            case timeout
            case authenticationFailed
            case serverError
            case protocolViolation
            case invalidURL
            case tlsFailed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// Nothing listens on the address (connection refused), or the host cannot be reached or resolved.
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection closed while commands were waiting, or was closed by us.
        public static let connectionClosed = Code(.connectionClosed)
        /// No reply within the connect or command timeout.
        public static let timeout = Code(.timeout)
        /// `AUTH`/`HELLO` was refused (`WRONGPASS`, `NOAUTH`, no password configured).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server answered a command with an error reply (`-ERR …`, `-WRONGTYPE …`).
        public static let serverError = Code(.serverError)
        /// The peer sent bytes that are not RESP, or a reply nobody asked for.
        public static let protocolViolation = Code(.protocolViolation)
        /// A `redis://` URL that cannot be used.
        public static let invalidURL = Code(.invalidURL)
        /// TLS failed: the handshake, the server's certificate, or a CA/certificate/key file.
        public static let tlsFailed = Code(.tlsFailed)

        /// The code's name (`connectionFailed`).
        public var description: String { base.rawValue }
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
        [Code.connectionFailed, .connectionClosed, .timeout, .protocolViolation, .tlsFailed].contains(code)
    }

    /// The error for a server's error reply to a command.
    public static func reply(_ message: String) -> RedisError {
        RedisError(.serverError, message)
    }
}
