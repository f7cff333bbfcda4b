import NIOCore

/// Reads text-protocol replies from a byte stream, one reply per call, resuming where the bytes ran out.
///
/// A reply's shape depends on the command it answers (a `get` ends in `END`, a `set` is one line), so the
/// caller names the shape. Completed `VALUE` blocks and `STAT` lines are consumed as they arrive, so a long
/// reply split over many reads is never parsed twice. Lines normally end in `\r\n`; a bare `\n` is
/// accepted too. Anything else — an unknown line, a malformed header, a line or value over the limits —
/// is a protocol violation: the peer is not a memcached server, or the stream is out of step.
public struct MemcachedReplyParser: Sendable {
    /// Bounds on what a server may send.
    public struct Limits: Sendable, Hashable {
        /// The longest reply line (a `VALUE` header or a `STAT` line).
        public var maxLineBytes: Int
        /// The largest single value.
        public var maxValueBytes: Int

        public init(maxLineBytes: Int = 16 * 1024, maxValueBytes: Int = 256 * 1024 * 1024) {
            self.maxLineBytes = maxLineBytes
            self.maxValueBytes = maxValueBytes
        }
    }

    public let limits: Limits
    private var items: [MemcachedItem] = []
    private var stats: [MemcachedStat] = []

    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// Parses the next reply of `shape`, or returns `nil` (consuming only completed parts) when `buffer`
    /// does not hold all of it yet.
    /// - Throws: ``MemcachedError`` `.protocolViolation`.
    public mutating func parse(_ buffer: inout ByteBuffer, shape: MemcachedCommand.ReplyShape) throws -> MemcachedReply? {
        while true {
            let start = buffer.readerIndex
            guard let line = try Self.readLine(&buffer, limit: limits.maxLineBytes) else { return nil }
            if let error = Self.errorReply(line) {
                items = []
                stats = []
                return .error(error)
            }
            switch shape {
            case .line:
                return try Self.lineReply(line)
            case .values:
                if line.elementsEqual("END".utf8) {
                    defer { items = [] }
                    return .values(items)
                }
                let header = try valueHeader(line)
                guard buffer.readableBytes >= header.length + 2 else {
                    buffer.moveReaderIndex(to: start)
                    return nil
                }
                let value = buffer.readBytes(length: header.length) ?? []
                guard let terminator = buffer.readBytes(length: 2), terminator == [0x0D, 0x0A] else {
                    throw Self.violation("a value block is not followed by \\r\\n")
                }
                items.append(MemcachedItem(key: header.key, flags: header.flags, value: value, casUnique: header.cas))
            case .stats:
                if line.elementsEqual("END".utf8) {
                    defer { stats = [] }
                    return .stats(stats)
                }
                guard line.starts(with: "STAT ".utf8) else { throw Self.unexpected(line) }
                let body = line.dropFirst(5)
                let space = body.firstIndex(of: 0x20) ?? body.endIndex
                let name = String(decoding: body[..<space], as: UTF8.self)
                let value = space < body.endIndex ? String(decoding: body[body.index(after: space)...], as: UTF8.self) : ""
                stats.append(MemcachedStat(name: name, value: value))
            }
        }
    }

    // MARK: lines

    /// The next line without its `\r\n` (or `\n`), or `nil` when it is not complete yet.
    static func readLine(_ buffer: inout ByteBuffer, limit: Int) throws -> ArraySlice<UInt8>? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 0x0A) else {
            if view.count > limit { throw violation("a reply line is longer than \(limit) bytes") }
            return nil
        }
        let length = newline - view.startIndex
        if length > limit { throw violation("a reply line is longer than \(limit) bytes") }
        guard var bytes = buffer.readBytes(length: length + 1)?[...] else { return nil }
        bytes = bytes.dropLast()
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        return bytes
    }

    static func errorReply(_ line: ArraySlice<UInt8>) -> MemcachedError? {
        if line.elementsEqual("ERROR".utf8) { return MemcachedError(.unknownCommand, "ERROR: the server does not know this command") }
        for (prefix, code) in [("CLIENT_ERROR", MemcachedError.Code.clientError), ("SERVER_ERROR", .serverError), ("ERROR", .unknownCommand)]
        where line.starts(with: (prefix + " ").utf8) {
            return MemcachedError(code, String(decoding: line, as: UTF8.self))
        }
        return nil
    }

    private static let statusWords: [(String, MemcachedReply)] = [
        ("STORED", .stored), ("NOT_STORED", .notStored), ("EXISTS", .exists), ("NOT_FOUND", .notFound),
        ("DELETED", .deleted), ("TOUCHED", .touched), ("OK", .ok),
    ]

    static func lineReply(_ line: ArraySlice<UInt8>) throws -> MemcachedReply {
        for (word, reply) in statusWords where line.elementsEqual(word.utf8) { return reply }
        if line.starts(with: "VERSION ".utf8) { return .version(String(decoding: line.dropFirst(8), as: UTF8.self)) }
        var digits = line
        while digits.last == 0x20 { digits = digits.dropLast() }
        if !digits.isEmpty, digits.count <= 20, let number = UInt64(decimal: digits) { return .number(number) }
        throw unexpected(line)
    }

    private func valueHeader(_ line: ArraySlice<UInt8>) throws -> (key: [UInt8], flags: UInt32, length: Int, cas: UInt64?) {
        let fields = line.split(separator: 0x20)
        guard fields.count == 4 || fields.count == 5, fields[0].elementsEqual("VALUE".utf8) else { throw Self.unexpected(line) }
        guard let flags = UInt64(decimal: fields[2]).flatMap(UInt32.init(exactly:)),
            let length = UInt64(decimal: fields[3]).flatMap(Int.init(exactly:))
        else { throw Self.violation("malformed VALUE header \(Self.quote(line))") }
        guard length <= limits.maxValueBytes else {
            throw Self.violation("a value of \(length) bytes exceeds the limit of \(limits.maxValueBytes)")
        }
        var cas: UInt64?
        if fields.count == 5 {
            guard let parsed = UInt64(decimal: fields[4]) else { throw Self.violation("malformed CAS in \(Self.quote(line))") }
            cas = parsed
        }
        return (Array(fields[1]), flags, length, cas)
    }

    // MARK: errors

    static func violation(_ detail: String) -> MemcachedError {
        MemcachedError(.protocolViolation, "protocol violation: \(detail)")
    }

    static func unexpected(_ line: ArraySlice<UInt8>) -> MemcachedError {
        violation("unexpected reply \(quote(line))")
    }

    /// The first 60 bytes of a line, printable, quoted.
    static func quote(_ line: some Collection<UInt8>) -> String {
        var text = ""
        for byte in line.prefix(60) {
            text += (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }
        return "'\(text)\(line.count > 60 ? "…" : "")'"
    }
}

extension UInt64 {
    /// Parses unsigned decimal ASCII digits, nil on anything else or overflow.
    init?(decimal bytes: some Collection<UInt8>) {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        self = value
    }
}
