/// Every failure of the memcached client: a code to react to and a one-line message for people.
///
/// Messages name the server (`host:port`).
public struct MemcachedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// Nothing listens on the address (connection refused), or the host cannot be reached or resolved.
        case connectionFailed
        /// The connection closed while commands were waiting, or was closed by us.
        case connectionClosed
        /// No reply within the connect or command timeout.
        case timeout
        /// The server answered `ERROR` (an unknown command).
        case unknownCommand
        /// The server answered `CLIENT_ERROR …`: the request was malformed or not allowed.
        case clientError
        /// The server answered `SERVER_ERROR …` (out of memory, object too large, …).
        case serverError
        /// The peer sent bytes that are not the memcached text protocol, or a reply nobody asked for.
        case protocolViolation
        /// A key the text protocol cannot carry (empty, over 250 bytes, whitespace or control characters).
        case invalidKey
        /// A server address (`host:port`) that cannot be used.
        case invalidAddress
        /// `lru_crawler metadump` is unavailable: the server is older than 1.4.31, runs with `-X`
        /// (dumping disabled) or has the LRU crawler disabled.
        case metadumpUnavailable
        /// Another `lru_crawler` request kept the crawler busy for longer than we were willing to wait.
        case crawlerBusy
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
        switch code {
        case .connectionFailed, .connectionClosed, .timeout, .protocolViolation: true
        default: false
        }
    }
}
