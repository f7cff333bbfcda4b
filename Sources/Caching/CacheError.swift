/// The error every `Caching` API throws: a code to match on and a sentence for people.
///
/// ```swift
/// do { try await cache.set("", 1) } catch let error as CacheError where error.code == .invalidKey { … }
/// ```
public struct CacheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that wants to react to one kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The codes; private, so new ones can be added without breaking a caller's `switch` (which has a
        /// `default`).
        private enum Base: String, Sendable, Hashable {
            case invalidKey
            case invalidTimeout
            case encodingFailed
            case decodingFailed
            case notAnInteger
            case backendFailure
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// An empty key, or one the backend cannot store (too long, spaces or control characters for memcached).
        public static let invalidKey = Code(.invalidKey)
        /// A negative or non-finite timeout.
        public static let invalidTimeout = Code(.invalidTimeout)
        /// A value that could not be serialised.
        public static let encodingFailed = Code(.encodingFailed)
        /// A stored value that cannot be read as the requested type.
        public static let decodingFailed = Code(.decodingFailed)
        /// `inc`/`dec` on a value that is not an integer, or a result out of range.
        public static let notAnInteger = Code(.notAnInteger)
        /// The backend failed: connection refused, timeout, server error.
        public static let backendFailure = Code(.backendFailure)

        /// The code's name (`connectionFailed`).
        public var description: String { base.rawValue }
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
