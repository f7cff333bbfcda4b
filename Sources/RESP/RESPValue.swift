/// One value of the Redis serialisation protocol, RESP2 or RESP3
/// (<https://redis.io/docs/latest/develop/reference/protocol-spec/>).
///
/// RESP2 servers send the first six cases; RESP3 (`HELLO 3`) adds the rest. Convert to Swift types as
/// soon as possible with the accessors below (``bytes``, ``integer``, ``array``, …).
public enum RESPValue: Sendable, Hashable {
    /// `+OK` — a short status line.
    case simpleString([UInt8])
    /// `-ERR message` (and RESP3 `!` bulk errors) — the command failed.
    case error(String)
    /// `:42` — a signed 64-bit integer.
    case integer(Int64)
    /// `$3\r\nfoo` — binary-safe bytes; `$-1` (RESP2) is ``null``.
    case bulkString([UInt8])
    /// `*2\r\n…` — an ordered list; `*-1` (RESP2) is ``null``.
    case array([RESPValue])
    /// `_` (RESP3), `$-1` and `*-1` (RESP2) — no value.
    case null
    /// `#t` / `#f` (RESP3).
    case boolean(Bool)
    /// `,3.14` (RESP3), including `inf`, `-inf` and `nan`.
    case double(Double)
    /// `(3492890328409238509324850943850943825024385` (RESP3) — kept as its decimal text.
    case bigNumber(String)
    /// `=15\r\ntxt:Some string` (RESP3) — text with a three-letter format.
    case verbatimString(format: String, text: [UInt8])
    /// `%2\r\n…` (RESP3) — key/value pairs in the server's order.
    case map([Pair])
    /// `~3\r\n…` (RESP3) — an unordered collection.
    case set([RESPValue])
    /// `>3\r\n…` (RESP3) — an out-of-band message (pub/sub, client tracking), not a command reply.
    case push([RESPValue])

    /// One entry of a ``map``.
    public struct Pair: Sendable, Hashable {
        public var key: RESPValue
        public var value: RESPValue

        public init(key: RESPValue, value: RESPValue) {
            self.key = key
            self.value = value
        }
    }
}

extension RESPValue {
    /// The bytes of a string-like value (simple, bulk, verbatim), or `nil`.
    public var bytes: [UInt8]? {
        switch self {
        case .simpleString(let bytes), .bulkString(let bytes): bytes
        case .verbatimString(_, let text): text
        default: nil
        }
    }

    /// The value as UTF-8 text when it is string-like (invalid UTF-8 is repaired), or an integer's digits.
    public var string: String? {
        switch self {
        case .integer(let value): String(value)
        case .bigNumber(let text): text
        default: bytes.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The value as an integer: an integer reply, or a string of decimal digits.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .simpleString(let bytes), .bulkString(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array, set or push (a RESP3 map gives its keys and values interleaved).
    public var array: [RESPValue]? {
        switch self {
        case .array(let values), .set(let values), .push(let values): values
        case .map(let pairs): pairs.flatMap { [$0.key, $0.value] }
        default: nil
        }
    }

    /// Whether this is the null value.
    public var isNull: Bool { self == .null }

    /// The error text, when this is an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
