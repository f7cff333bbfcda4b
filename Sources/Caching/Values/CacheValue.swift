/// A value as a backend stores it: the encoded bytes plus a tag saying how they were encoded.
///
/// What can be stored (the value story of the `Caching` library):
/// - **Raw bytes** (`[UInt8]`, `Data`) are stored as is, tagged ``Format/raw``.
/// - **Text** (`String`) is stored as its UTF-8 bytes, tagged ``Format/text``, so `redis-cli` and other
///   languages read it unchanged.
/// - **Integers** are stored as ASCII decimal digits, tagged ``Format/integer``, so Redis `INCRBY` and
///   memcached `incr` work on them (Flask-Caching stores `int` the same way).
/// - **Any other `Codable` value** (Bool, Double, arrays, dictionaries, your structs, optionals) is
///   serialised once, as JSON, tagged ``Format/json``. `true`/`false` therefore stay distinct from `1`/`0`.
///
/// Backends keep the tag next to the bytes: `SimpleCache` in memory, memcached in the item flags.
public struct CacheValue: Sendable, Hashable {
    /// How ``bytes`` were produced; the raw value is what memcached stores in its flags field.
    public enum Format: UInt8, Sendable, Hashable, CaseIterable {
        /// Bytes stored exactly as given.
        case raw = 0
        /// UTF-8 text.
        case text = 1
        /// A signed integer as ASCII decimal digits.
        case integer = 2
        /// A `Codable` value encoded as JSON.
        case json = 3
    }

    /// How the bytes were encoded.
    public var format: Format
    /// The stored bytes.
    public var bytes: [UInt8]

    /// Creates a value from already-encoded bytes.
    public init(format: Format, bytes: [UInt8]) {
        self.format = format
        self.bytes = bytes
    }

    /// The JSON `null` value: what a `nil` optional encodes to.
    public static let jsonNull = CacheValue(format: .json, bytes: Array("null".utf8))

    /// Whether this value is a stored `nil` (JSON `null`).
    public var isNull: Bool { format == .json && bytes == Self.jsonNull.bytes }

    /// The value's integer reading, when its bytes are ASCII decimal digits with an optional sign.
    public var integerValue: Int64? {
        guard format != .json || bytes.first != UInt8(ascii: "\"") else { return nil }
        return Int64(decimalASCII: bytes)
    }
}

extension Int64 {
    /// Parses `[+-]?[0-9]+` without allocating a String.
    init?(decimalASCII bytes: [UInt8]) {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
            guard bytes.count > 1 else { return nil }
        }
        var magnitude: UInt64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            self = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            self = Int64(magnitude)
        }
    }
}
