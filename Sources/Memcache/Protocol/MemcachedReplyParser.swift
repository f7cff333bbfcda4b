import Basics
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
        let limits = self.limits
        while true {
            let step = try buffer.withUnsafeReadableBytes { try Self.step($0, shape: shape, limits: limits) }
            switch step {
            case .incomplete:
                return nil
            case .item(let item, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                items.append(item)
            case .stat(let stat, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                if let stat { stats.append(stat) }
            case .end(let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                defer {
                    items = []
                    stats = []
                }
                return shape.isStats ? .stats(stats) : .values(items)
            case .reply(let reply, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                items = []
                stats = []
                return reply
            }
        }
    }

    /// What the bytes at the start of a buffer hold.
    private enum Step {
        case incomplete
        case item(MemcachedItem, consumed: Int)
        /// A `STAT` line; `nil` for one the shape does not keep.
        case stat(MemcachedStat?, consumed: Int)
        case end(consumed: Int)
        case reply(MemcachedReply, consumed: Int)
    }

    /// Reads one line (and a value block after a `VALUE` line) in place, copying only the key and value.
    private static func step(_ bytes: UnsafeRawBufferPointer, shape: MemcachedCommand.ReplyShape, limits: Limits) throws -> Step {
        var newline = 0
        while newline < bytes.count, bytes[newline] != 0x0A { newline += 1 }
        guard newline < bytes.count else {
            if bytes.count > limits.maxLineBytes { throw violation("a reply line is longer than \(limits.maxLineBytes) bytes") }
            return .incomplete
        }
        if newline > limits.maxLineBytes { throw violation("a reply line is longer than \(limits.maxLineBytes) bytes") }
        let lineEnd = newline > 0 && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        let line = bytes[0..<lineEnd]
        let consumed = newline + 1
        if let error = errorReply(line) { return .reply(.error(error), consumed: consumed) }
        switch shape {
        case .line:
            if line.starts(with: "VA ".utf8) {
                // A meta get's value: `VA <size> <flags…>`, then the data and \r\n.
                let tokens = String(decoding: line.dropFirst(3), as: UTF8.self).split(separator: " ")
                guard let size = tokens.first.flatMap({ Int($0) }), size >= 0, size <= limits.maxValueBytes else { throw unexpected(line) }
                guard bytes.count >= consumed + size + 2 else { return .incomplete }
                guard bytes[consumed + size] == 0x0D, bytes[consumed + size + 1] == 0x0A else {
                    throw violation("a value block is not followed by \\r\\n")
                }
                var flags: [Character: String] = [:]
                for token in tokens.dropFirst() {
                    guard let letter = token.first else { continue }
                    flags[letter] = String(token.dropFirst())
                }
                return .reply(.metaValue(flags, [UInt8](bytes[consumed..<(consumed + size)])), consumed: consumed + size + 2)
            }
            return .reply(try lineReply(line), consumed: consumed)
        case .values:
            if isWord(line, "END") { return .end(consumed: consumed) }
            let header = try valueHeader(line, limits: limits)
            guard bytes.count >= consumed + header.length + 2 else { return .incomplete }
            guard bytes[consumed + header.length] == 0x0D, bytes[consumed + header.length + 1] == 0x0A else {
                throw violation("a value block is not followed by \\r\\n")
            }
            let value = [UInt8](bytes[consumed..<(consumed + header.length)])
            let item = MemcachedItem(key: [UInt8](line[header.key]), flags: header.flags, value: value, casUnique: header.cas)
            return .item(item, consumed: consumed + header.length + 2)
        case .stats, .statsKeeping:
            if line.elementsEqual("END".utf8) { return .end(consumed: consumed) }
            guard line.starts(with: statPrefix) else { throw unexpected(line) }
            let body = line.dropFirst(5)
            let space = body.firstIndex(of: 0x20) ?? body.endIndex
            if case .statsKeeping(let names) = shape, !names.contains(UnsafeRawBufferPointer(rebasing: body[..<space])) {
                return .stat(nil, consumed: consumed)
            }
            let name = String(decoding: body[..<space], as: UTF8.self)
            let value = space < body.endIndex ? String(decoding: body[body.index(after: space)...], as: UTF8.self) : ""
            return .stat(MemcachedStat(name: name, value: value), consumed: consumed)
        }
    }

    // MARK: lines

    static func errorReply<Line: Collection<UInt8>>(_ line: Line) -> MemcachedError? {
        guard let first = line.first, first == UInt8(ascii: "E") || first == UInt8(ascii: "C") || first == UInt8(ascii: "S") else { return nil }
        // The common line starting so is a `STAT` line: no error, found without a look at the prefixes.
        if first == UInt8(ascii: "S"), line.starts(with: statPrefix) { return nil }
        if line.elementsEqual(errorWord) { return MemcachedError(.unknownCommand, "ERROR: the server does not know this command") }
        for (prefix, code) in errorPrefixes where line.starts(with: prefix) {
            return MemcachedError(code, String(decoding: line, as: UTF8.self))
        }
        return nil
    }

    private static let statPrefix = Array("STAT ".utf8)
    private static let errorWord = Array("ERROR".utf8)
    private static let errorPrefixes: [([UInt8], MemcachedError.Code)] = [
        (Array("CLIENT_ERROR ".utf8), .clientError), (Array("SERVER_ERROR ".utf8), .serverError), (Array("ERROR ".utf8), .unknownCommand),
    ]

    private static let statusWords: [(String, MemcachedReply)] = [
        ("STORED", .stored), ("NOT_STORED", .notStored), ("EXISTS", .exists), ("NOT_FOUND", .notFound),
        ("DELETED", .deleted), ("TOUCHED", .touched), ("OK", .ok),
    ]

    static func lineReply<Line: BidirectionalCollection<UInt8>>(_ line: Line) throws -> MemcachedReply {
        for (word, reply) in statusWords where line.elementsEqual(word.utf8) { return reply }
        if line.starts(with: "VERSION ".utf8) { return .version(String(decoding: line.dropFirst(8), as: UTF8.self)) }
        // Meta commands: `EN` (a miss), `HD` with the flags asked for (`HD t95 l5 h0`).
        if line.elementsEqual("EN".utf8) { return .notFound }
        if line.elementsEqual("HD".utf8) || line.starts(with: "HD ".utf8) {
            var flags: [Character: String] = [:]
            for token in String(decoding: line.dropFirst(2), as: UTF8.self).split(separator: " ") {
                guard let letter = token.first else { continue }
                flags[letter] = String(token.dropFirst())
            }
            return .meta(flags)
        }
        var digits = line[...]
        while digits.last == 0x20 { digits = digits.dropLast() }
        if !digits.isEmpty, digits.count <= 20, let number = UInt64(decimal: digits) { return .number(number) }
        throw unexpected(line)
    }

    /// `VALUE <key> <flags> <bytes> [<cas>]`: where the key is in the line, and the numbers.
    private static func valueHeader(
        _ line: Slice<UnsafeRawBufferPointer>, limits: Limits
    ) throws -> (key: Range<Int>, flags: UInt32, length: Int, cas: UInt64?) {
        // Up to six fields, found in place (no array per item: a multi-get parses a hundred of these a reply).
        var fields = (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        var count = 0
        var index = line.startIndex
        while index < line.endIndex, count <= 5 {
            while index < line.endIndex, line[index] == 0x20 { index += 1 }
            let start = index
            while index < line.endIndex, line[index] != 0x20 { index += 1 }
            guard index > start else { continue }
            switch count {
            case 0: fields.0 = start..<index
            case 1: fields.1 = start..<index
            case 2: fields.2 = start..<index
            case 3: fields.3 = start..<index
            case 4: fields.4 = start..<index
            default: fields.5 = start..<index
            }
            count += 1
        }
        guard count == 4 || count == 5, isWord(line[fields.0], "VALUE") || isWord(line[fields.0], "CONFIG") else { throw unexpected(line) }
        guard let flags = UInt64(decimal: line[fields.2]).flatMap(UInt32.init(exactly:)),
            let length = UInt64(decimal: line[fields.3]).flatMap(Int.init(exactly:))
        else { throw violation("malformed VALUE header \(quote(line))") }
        guard length <= limits.maxValueBytes else {
            throw violation("a value of \(length) bytes exceeds the limit of \(limits.maxValueBytes)")
        }
        var cas: UInt64?
        if count == 5 {
            guard let parsed = UInt64(decimal: line[fields.4]) else { throw violation("malformed CAS in \(quote(line))") }
            cas = parsed
        }
        return (fields.1, flags, length, cas)
    }

    /// Whether `bytes` are exactly the ASCII `word`, compared byte by byte.
    private static func isWord(_ bytes: Slice<UnsafeRawBufferPointer>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let expected = word.utf8Start
        var offset = 0
        for byte in bytes {
            guard byte == expected[offset] else { return false }
            offset += 1
        }
        return true
    }

    // MARK: errors

    static func violation(_ detail: String) -> MemcachedError {
        MemcachedError(.protocolViolation, "protocol violation: \(detail)")
    }

    static func unexpected(_ line: some Collection<UInt8>) -> MemcachedError {
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
