/// The error every `Caching` API throws: a code to match on and a sentence for people.
///
/// ```swift
/// do { try await cache.set("", 1) } catch let error as CacheError where error.code == .invalidKey { … }
/// ```
public struct CacheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that wants to react to one kind of failure.
    public enum Code: String, Sendable, Equatable {
        /// An empty key, or one the backend cannot store (too long, spaces or control characters for memcached).
        case invalidKey
        /// A negative or non-finite timeout.
        case invalidTimeout
        /// A value that could not be serialised.
        case encodingFailed
        /// A stored value that cannot be read as the requested type.
        case decodingFailed
        /// `inc`/`dec` on a value that is not an integer, or a result out of range.
        case notAnInteger
        /// The backend failed: connection refused, timeout, server error.
        case backendFailure
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation that names the key or value involved.
    public let message: String

    /// Creates an error with a code and a human explanation.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
