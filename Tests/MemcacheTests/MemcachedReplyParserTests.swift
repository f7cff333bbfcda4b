import Basics
import Memcache
import NIOCore
import Testing

@Suite("memcached reply parser")
struct MemcachedReplyParserTests {
    /// Parses `text` fed whole and, separately, one byte at a time; both must give `expected`.
    private func check(
        _ text: String, shape: MemcachedCommand.ReplyShape, _ expected: MemcachedReply, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var parser = MemcachedReplyParser()
        var whole = ByteBuffer(string: text)
        #expect(try parser.parse(&whole, shape: shape) == expected, sourceLocation: sourceLocation)
        #expect(whole.readableBytes == 0, sourceLocation: sourceLocation)

        var bytewise = MemcachedReplyParser()
        var buffer = ByteBuffer()
        var result: MemcachedReply?
        for (index, byte) in text.utf8.enumerated() {
            buffer.writeInteger(byte)
            let reply = try bytewise.parse(&buffer, shape: shape)
            if index < text.utf8.count - 1 {
                #expect(reply == nil, "reply complete early at byte \(index)", sourceLocation: sourceLocation)
            }
            result = reply ?? result
        }
        #expect(result == expected, sourceLocation: sourceLocation)
        #expect(buffer.readableBytes == 0, sourceLocation: sourceLocation)
    }

    @Test func valuesRepliesWithAndWithoutCAS() throws {
        try check("END\r\n", shape: .values, .values([]))
        try check("VALUE a 5 3\r\nabc\r\nEND\r\n", shape: .values, .values([MemcachedItem(key: Array("a".utf8), flags: 5, value: Array("abc".utf8))]))
        try check(
            "VALUE k1 0 0 42\r\n\r\nVALUE k2 4294967295 4 7\r\na\r\nb\r\nEND\r\n", shape: .values,
            .values([
                MemcachedItem(key: Array("k1".utf8), flags: 0, value: [], casUnique: 42),
                MemcachedItem(key: Array("k2".utf8), flags: UInt32.max, value: Array("a\r\nb".utf8), casUnique: 7),
            ])
        )
    }

    @Test func valueBytesThatLookLikeEndAreData() throws {
        try check(
            "VALUE x 0 5\r\nEND\r\n\r\nEND\r\n", shape: .values,
            .values([MemcachedItem(key: Array("x".utf8), flags: 0, value: Array("END\r\n".utf8))]))
    }

    @Test func singleLineReplies() throws {
        let cases: [(String, MemcachedReply)] = [
            ("STORED", .stored), ("NOT_STORED", .notStored), ("EXISTS", .exists), ("NOT_FOUND", .notFound),
            ("DELETED", .deleted), ("TOUCHED", .touched), ("OK", .ok), ("42", .number(42)),
            ("18446744073709551615", .number(UInt64.max)), ("7  ", .number(7)), ("VERSION 1.6.18", .version("1.6.18")),
        ]
        for (line, reply) in cases { try check(line + "\r\n", shape: .line, reply) }
    }

    @Test func errorRepliesAreTypedValues() throws {
        try check("ERROR\r\n", shape: .line, .error(MemcachedError(.unknownCommand, "ERROR: the server does not know this command")))
        try check("CLIENT_ERROR bad data chunk\r\n", shape: .line, .error(MemcachedError(.clientError, "CLIENT_ERROR bad data chunk")))
        try check(
            "SERVER_ERROR out of memory storing object\r\n", shape: .values,
            .error(MemcachedError(.serverError, "SERVER_ERROR out of memory storing object")))
        try check(
            "SERVER_ERROR object too large for cache\r\n", shape: .stats,
            .error(MemcachedError(.serverError, "SERVER_ERROR object too large for cache")))
    }

    @Test func statsReplies() throws {
        try check(
            "STAT pid 12\r\nSTAT version 1.6.18\r\nSTAT libevent 2.1.12-stable\r\nSTAT empty \r\nEND\r\n", shape: .stats,
            .stats([
                MemcachedStat(name: "pid", value: "12"), MemcachedStat(name: "version", value: "1.6.18"),
                MemcachedStat(name: "libevent", value: "2.1.12-stable"), MemcachedStat(name: "empty", value: ""),
            ])
        )
    }

    @Test func statsRepliesKeepOnlyTheNamesAsked() throws {
        let kept = FieldNames(["version", "empty", "absent"])
        try check(
            "STAT pid 12\r\nSTAT version 1.6.18\r\nSTAT versions 2\r\nSTAT libevent 2.1.12-stable\r\nSTAT empty \r\nEND\r\n",
            shape: .statsKeeping(kept), .stats([MemcachedStat(name: "version", value: "1.6.18"), MemcachedStat(name: "empty", value: "")]))
        // Still a protocol: a line that is no STAT line is refused, kept or not.
        var parser = MemcachedReplyParser()
        var buffer = ByteBuffer(string: "STAT pid 1\r\nVALUE x 0 1\r\n")
        #expect(throws: MemcachedError.self) { _ = try parser.parse(&buffer, shape: .statsKeeping(kept)) }
    }

    @Test func bareNewlinesAreAccepted() throws {
        try check("STORED\n", shape: .line, .stored)
        try check("STAT a 1\nEND\n", shape: .stats, .stats([MemcachedStat(name: "a", value: "1")]))
    }

    @Test func consecutiveRepliesParseOneAtATime() throws {
        var parser = MemcachedReplyParser()
        var buffer = ByteBuffer(string: "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nDELETED\r\n")
        #expect(try parser.parse(&buffer, shape: .line) == .stored)
        #expect(try parser.parse(&buffer, shape: .values) == .values([MemcachedItem(key: [0x61], flags: 0, value: [0x78])]))
        #expect(try parser.parse(&buffer, shape: .line) == .deleted)
        #expect(try parser.parse(&buffer, shape: .line) == nil)
    }

    @Test(arguments: [
        ("+OK\r\n", MemcachedCommand.ReplyShape.line), ("$-1\r\n", .values), ("HTTP/1.1 400 Bad Request\r\n", .line),
        ("VALUE a x 3\r\nabc\r\nEND\r\n", .values), ("VALUE a 0 -1\r\n", .values), ("VALUE a 0 3\r\nabcXY", .values),
        ("VALUE a 0\r\n", .values), ("STATS x\r\n", .stats), ("-5\r\n", .line), ("99999999999999999999999\r\n", .line),
        ("VALUE a 4294967296 1\r\nx\r\nEND\r\n", .values),
    ])
    func malformedRepliesAreProtocolViolations(text: String, shape: MemcachedCommand.ReplyShape) {
        var parser = MemcachedReplyParser()
        var buffer = ByteBuffer(string: text)
        #expect {
            _ = try parser.parse(&buffer, shape: shape)
        } throws: { ($0 as? MemcachedError)?.code == .protocolViolation }
    }

    @Test func limitsAreEnforced() {
        var parser = MemcachedReplyParser(limits: .init(maxLineBytes: 32, maxValueBytes: 10))
        var long = ByteBuffer(string: String(repeating: "S", count: 40))
        #expect(throws: MemcachedError.self) { _ = try parser.parse(&long, shape: .line) }
        var big = ByteBuffer(string: "VALUE a 0 11\r\n")
        #expect(throws: MemcachedError.self) { _ = try parser.parse(&big, shape: .values) }
    }
}
