/// Every failure of the memcached client: a code to react to and a one-line message for people.
///
/// Messages name the server (`host:port`).
public struct MemcachedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The codes; private, so new ones can be added without breaking a caller's `switch` (which has a
        /// `default`).
        private enum Base: String, Sendable, Hashable {
            case connectionFailed
            case connectionClosed
            case timeout
            case unknownCommand
            case clientError
            case serverError
            case protocolViolation
            case invalidKey
            case invalidAddress
            case metadumpUnavailable
            case crawlerBusy
            case authenticationFailed
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
        /// The server answered `ERROR` (an unknown command).
        public static let unknownCommand = Code(.unknownCommand)
        /// The server answered `CLIENT_ERROR …`: the request was malformed or not allowed.
        public static let clientError = Code(.clientError)
        /// The server answered `SERVER_ERROR …` (out of memory, object too large, …).
        public static let serverError = Code(.serverError)
        /// The peer sent bytes that are not the memcached text protocol, or a reply nobody asked for.
        public static let protocolViolation = Code(.protocolViolation)
        /// A key the text protocol cannot carry (empty, over 250 bytes, whitespace or control characters).
        public static let invalidKey = Code(.invalidKey)
        /// A server address (`host:port`) that cannot be used.
        public static let invalidAddress = Code(.invalidAddress)
        /// `lru_crawler metadump` is unavailable: the server is older than 1.4.31, runs with `-X`
        /// (dumping disabled) or has the LRU crawler disabled.
        public static let metadumpUnavailable = Code(.metadumpUnavailable)
        /// Another `lru_crawler` request kept the crawler busy for longer than we were willing to wait.
        public static let crawlerBusy = Code(.crawlerBusy)
        /// The server refused the login (`-Y`), or the password could not be had (a failing password command).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The TLS handshake failed (a certificate that is not trusted or not for the name), or the TLS files
        /// cannot be used.
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

    /// Whether the connection is unusable after this error (so the next command should reconnect).
    public var breaksConnection: Bool {
        [Code.connectionFailed, .connectionClosed, .timeout, .protocolViolation, .authenticationFailed, .tlsFailed].contains(code)
    }
}
