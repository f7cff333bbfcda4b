import NIOCore

/// Parses RESP2 and RESP3 values out of a `ByteBuffer`, one complete value at a time.
///
/// Parsing works on a copy of the buffer and moves the real reader index only when a whole value was
/// read, so a value split across reads at any byte simply yields `nil` ("need more bytes") until the rest
/// arrives. Malformed input throws a ``RedisError`` with code `.protocolViolation` saying what was
/// expected where; limits keep a hostile or confused peer from making us allocate without bound.
public struct RESPParser: Sendable {
    /// Bounds on what a peer may declare.
    public struct Limits: Sendable, Hashable {
        /// The longest bulk string accepted (Redis's own `proto-max-bulk-len` default: 512 MiB).
        public var maxBulkLength: Int
        /// The longest status, error or number line, without its CRLF.
        public var maxLineLength: Int
        /// The deepest nesting of aggregates.
        public var maxDepth: Int
        /// The most elements one aggregate may declare.
        public var maxAggregateCount: Int

        public init(maxBulkLength: Int = 512 << 20, maxLineLength: Int = 64 << 10, maxDepth: Int = 64, maxAggregateCount: Int = 1 << 24) {
            self.maxBulkLength = maxBulkLength
            self.maxLineLength = maxLineLength
            self.maxDepth = maxDepth
            self.maxAggregateCount = maxAggregateCount
        }
    }

    /// The bounds in force.
    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Reads one complete value from `buffer`, or returns `nil` and leaves `buffer` untouched when the
    /// value is not complete yet.
    /// - Throws: ``RedisError`` `.protocolViolation` for bytes that are not RESP.
    public func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try parseValue(&copy, depth: 0) else { return nil }
        buffer = copy
        return value
    }

    /// An error reply's text without the trailing spaces servers leave (`… with args beginning with: 'GET' `).
    private static func errorText(_ bytes: [UInt8]) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            guard let line = try readLine(&buffer) else { return nil }
            return .simpleString(line == Self.ok ? Self.ok : line)
        case UInt8(ascii: "-"):
            return try readLine(&buffer).map { .error(Self.errorText($0)) }
        case UInt8(ascii: ":"):
            guard let line = try readLine(&buffer) else { return nil }
            return .integer(try integer(line, what: "integer"))
        case UInt8(ascii: "$"):
            return try readBulk(&buffer, nullable: true).map { $0.map(RESPValue.bulkString) ?? .null }
        case UInt8(ascii: "!"):
            return try readBulk(&buffer, nullable: false).map { .error(Self.errorText($0 ?? [])) }
        case UInt8(ascii: "="):
            guard let payload = try readBulk(&buffer, nullable: false), let bytes = payload else { return nil }
            guard bytes.count >= 4, bytes[3] == UInt8(ascii: ":") else {
                throw violation("a verbatim string must start with a three-letter format and ':'")
            }
            return .verbatimString(format: String(decoding: bytes[0..<3], as: UTF8.self), text: Array(bytes[4...]))
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            guard let elements = try readAggregate(&buffer, depth: depth, pairs: false) else { return nil }
            guard let elements else { return .null }
            switch type {
            case UInt8(ascii: "~"): return .set(elements)
            case UInt8(ascii: ">"): return .push(elements)
            default: return .array(elements)
            }
        case UInt8(ascii: "%"):
            guard let declared = try readAggregate(&buffer, depth: depth, pairs: true) else { return nil }
            guard let elements = declared else { return .null }
            return .map(stride(from: 0, to: elements.count, by: 2).map { RESPValue.Pair(key: elements[$0], value: elements[$0 + 1]) })
        case UInt8(ascii: "|"):
            // An attribute describes the reply that follows it; we read it and return that reply.
            guard try readAggregate(&buffer, depth: depth, pairs: true) != nil else { return nil }
            return try parseValue(&buffer, depth: depth)
        case UInt8(ascii: "_"):
            guard let line = try readLine(&buffer) else { return nil }
            guard line.isEmpty else { throw violation("a RESP3 null must be an empty line") }
            return .null
        case UInt8(ascii: "#"):
            guard let line = try readLine(&buffer) else { return nil }
            switch line {
            case [UInt8(ascii: "t")]: return .boolean(true)
            case [UInt8(ascii: "f")]: return .boolean(false)
            default: throw violation("a RESP3 boolean must be 't' or 'f'")
            }
        case UInt8(ascii: ","):
            guard let line = try readLine(&buffer) else { return nil }
            return .double(try double(line))
        case UInt8(ascii: "("):
            guard let line = try readLine(&buffer) else { return nil }
            guard Self.isDecimal(line, allowSign: true) else { throw violation("a big number must be decimal digits") }
            return .bigNumber(String(decoding: line, as: UTF8.self))
        default:
            throw violation("unexpected type byte \(Self.describe(type)); the peer does not speak RESP")
        }
    }

    /// The bytes of a line up to CRLF, or `nil` when the CRLF has not arrived yet.
    private func readLine(_ buffer: inout ByteBuffer) throws -> [UInt8]? {
        let maxLength = limits.maxLineLength
        // Scan the raw bytes for CR: the hot path of every reply, so no generic collection algorithms.
        let scan: (length: Int, complete: Bool)? = buffer.withUnsafeReadableBytes { bytes in
            guard let cr = bytes.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
            return (cr, bytes.count > cr + 1)
        }
        guard let scan else {
            if buffer.readableBytes > maxLength { throw violation("a line longer than \(maxLength) bytes without CRLF") }
            return nil
        }
        if scan.length > maxLength { throw violation("a line longer than \(maxLength) bytes") }
        guard scan.complete else { return nil }
        guard buffer.getInteger(at: buffer.readerIndex + scan.length + 1, as: UInt8.self) == UInt8(ascii: "\n") else {
            throw violation("CR not followed by LF")
        }
        let line = buffer.readBytes(length: scan.length)
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// A declared length (`$5`, `*3`): `-1` means null; other negative values are violations.
    private func readLength(_ buffer: inout ByteBuffer, limit: Int, what: String) throws -> Int?? {
        guard let line = try readLine(&buffer) else { return nil }
        let length = try integer(line, what: "\(what) length")
        if length == -1 { return .some(nil) }
        guard length >= 0 else { throw violation("negative \(what) length \(length)") }
        guard length <= limit else { throw violation("\(what) length \(length) exceeds the limit of \(limit)") }
        return .some(Int(length))
    }

    /// A bulk payload: `nil` = need more bytes; `.some(nil)` = null.
    private func readBulk(_ buffer: inout ByteBuffer, nullable: Bool) throws -> [UInt8]?? {
        guard let declared = try readLength(&buffer, limit: limits.maxBulkLength, what: "bulk string") else { return nil }
        guard let length = declared else {
            guard nullable else { throw violation("a null where a bulk payload is required") }
            return .some(nil)
        }
        guard buffer.readableBytes >= length + 2 else { return nil }
        let bytes = buffer.readBytes(length: length) ?? []
        guard buffer.readInteger(as: UInt8.self) == UInt8(ascii: "\r"), buffer.readInteger(as: UInt8.self) == UInt8(ascii: "\n") else {
            throw violation("bulk string of \(length) bytes not followed by CRLF")
        }
        return .some(bytes)
    }

    /// An aggregate's elements: `nil` = need more bytes; `.some(nil)` = null (RESP2 `*-1`).
    private func readAggregate(_ buffer: inout ByteBuffer, depth: Int, pairs: Bool) throws -> [RESPValue]?? {
        guard depth < limits.maxDepth else { throw violation("aggregates nested deeper than \(limits.maxDepth)") }
        guard let declared = try readLength(&buffer, limit: limits.maxAggregateCount, what: "aggregate") else { return nil }
        guard let count = declared else { return .some(nil) }
        let total = pairs ? count * 2 : count
        var elements: [RESPValue] = []
        elements.reserveCapacity(min(total, buffer.readableBytes / 3))
        for _ in 0..<total {
            guard let element = try parseValue(&buffer, depth: depth + 1) else { return nil }
            elements.append(element)
        }
        return .some(elements)
    }

    private func integer(_ line: [UInt8], what: String) throws -> Int64 {
        guard Self.isDecimal(line, allowSign: true), let value = Int64(String(decoding: line, as: UTF8.self)) else {
            throw violation("\(what) \(Self.quote(line)) is not a 64-bit decimal integer")
        }
        return value
    }

    private func double(_ line: [UInt8]) throws -> Double {
        let text = String(decoding: line, as: UTF8.self)
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            guard let value = Double(text), !text.isEmpty else { throw violation("double \(Self.quote(line)) is not a number") }
            return value
        }
    }

    private static func isDecimal(_ line: [UInt8], allowSign: Bool) -> Bool {
        var digits = line[...]
        if allowSign, let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private func violation(_ detail: String) -> RedisError {
        RedisError(.protocolViolation, "protocol violation: \(detail)")
    }

    /// The most common reply, shared instead of allocated per reply.
    private static let ok: [UInt8] = Array("OK".utf8)

    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }

    static func quote(_ line: [UInt8]) -> String {
        let shown = String(decoding: line.prefix(40), as: UTF8.self)
        return "'\(shown)\(line.count > 40 ? "…" : "")'"
    }
}
