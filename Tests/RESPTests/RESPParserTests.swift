import Basics
import NIOCore
import NIOTestUtils
import Testing

@testable import RESP

/// The RESP2/RESP3 codec: every type, frames split at every byte, many frames per read, malformed input.
@Suite struct RESPParserTests {
    func parse(_ text: String) throws -> RESPValue? {
        var buffer = ByteBuffer(string: text)
        return try RESPParser().parse(&buffer)
    }

    func encoded(_ value: RESPValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeRESPValue(value)
        return buffer
    }

    /// One value of every type, nested, including empty and binary payloads.
    static let samples: [RESPValue] = [
        .simpleString(Array("OK".utf8)),
        .error("ERR unknown command 'FOO'"),
        .integer(0), .integer(-42), .integer(Int64.max), .integer(Int64.min),
        .bulkString([]), .bulkString(Array("hello".utf8)), .bulkString([0, 13, 10, 255, 36, 42]),
        .null,
        .array([]),
        .array([.integer(1), .bulkString(Array("two".utf8)), .array([.null, .simpleString(Array("deep".utf8))])]),
        .boolean(true), .boolean(false),
        .double(3.25), .double(-0.5), .double(.infinity), .double(-.infinity),
        .bigNumber("3492890328409238509324850943850943825024385"),
        .verbatimString(format: "txt", text: Array("Some string\r\nwith CRLF".utf8)),
        .map([.init(key: .simpleString(Array("first".utf8)), value: .integer(1)), .init(key: .bulkString(Array("second".utf8)), value: .array([]))]),
        .set([.integer(1), .integer(2)]),
        .push([.bulkString(Array("message".utf8)), .bulkString(Array("channel".utf8))]),
    ]

    @Test func resp2ScalarsParse() throws {
        #expect(try parse("+OK\r\n") == .simpleString(Array("OK".utf8)))
        #expect(try parse("-WRONGPASS invalid username-password pair\r\n") == .error("WRONGPASS invalid username-password pair"))
        #expect(try parse(":-17\r\n") == .integer(-17))
        #expect(try parse("$5\r\nhello\r\n") == .bulkString(Array("hello".utf8)))
        #expect(try parse("$0\r\n\r\n") == .bulkString([]))
        #expect(try parse("$-1\r\n") == .null)
        #expect(try parse("*-1\r\n") == .null)
        #expect(try parse("*0\r\n") == .array([]))
        #expect(try parse("*2\r\n:1\r\n*1\r\n$1\r\nx\r\n") == .array([.integer(1), .array([.bulkString([UInt8(ascii: "x")])])]))
    }

    @Test func resp3TypesParse() throws {
        #expect(try parse("_\r\n") == .null)
        #expect(try parse("#t\r\n") == .boolean(true))
        #expect(try parse(",1.5e3\r\n") == .double(1500))
        #expect(try parse(",inf\r\n") == .double(.infinity))
        #expect(try parse(",nan\r\n").map { if case .double(let d) = $0 { d.isNaN } else { false } } == true)
        #expect(try parse("(-12345678901234567890\r\n") == .bigNumber("-12345678901234567890"))
        #expect(try parse("=8\r\nmkd:# hi\r\n") == .verbatimString(format: "mkd", text: Array("# hi".utf8)))
        #expect(try parse("!9\r\nERR boom!\r\n") == .error("ERR boom!"))
        #expect(try parse("%1\r\n+a\r\n:1\r\n") == .map([.init(key: .simpleString([UInt8(ascii: "a")]), value: .integer(1))]))
        #expect(try parse("~2\r\n:1\r\n:2\r\n") == .set([.integer(1), .integer(2)]))
        #expect(try parse(">2\r\n+pubsub\r\n+x\r\n") == .push([.simpleString(Array("pubsub".utf8)), .simpleString([UInt8(ascii: "x")])]))
        #expect(try parse("|1\r\n+ttl\r\n:3600\r\n:42\r\n") == .integer(42), "attributes are read and skipped")
    }

    @Test func everyTypeRoundTripsThroughTheEncoder() throws {
        for sample in Self.samples {
            var buffer = encoded(sample)
            #expect(try RESPParser().parse(&buffer) == sample)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func framesSplitAtEveryByteAndManyFramesPerReadDecode() throws {
        let pairs = Self.samples.map { (encoded($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { RESPDecoder() }
    }

    @Test func incompleteInputLeavesTheBufferUntouched() throws {
        let full = encoded(.array([.bulkString(Array("abc".utf8)), .integer(7)]))
        for cut in 0..<full.readableBytes {
            var partial = full.getSlice(at: 0, length: cut) ?? ByteBuffer()
            #expect(try RESPParser().parse(&partial) == nil)
            #expect(partial.readableBytes == cut)
        }
    }

    @Test func tenThousandPipelinedRepliesDecodeInOrder() throws {
        var buffer = ByteBuffer()
        for index in 0..<10_000 {
            if index % 2 == 0 { buffer.writeRESPValue(.integer(Int64(index))) } else { buffer.writeRESPValue(.bulkString(Array("v\(index)".utf8))) }
        }
        let parser = RESPParser()
        for index in 0..<10_000 {
            let expected: RESPValue = index % 2 == 0 ? .integer(Int64(index)) : .bulkString(Array("v\(index)".utf8))
            #expect(try parser.parse(&buffer) == expected)
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test func decimalDigitsAreWrittenInPlace() {
        for value: UInt64 in [0, 7, 9, 10, 99, 100, 12_345, UInt64.max] {
            var bytes = [UInt8](repeating: 0, count: 22)
            let written = bytes.withUnsafeMutableBytes { DecimalDigits.write(value, into: $0, at: 1) }
            #expect(written == DecimalDigits.count(value) && written == String(value).count)
            #expect(Array(bytes[1..<(1 + written)]) == Array(String(value).utf8))
            #expect(bytes[0] == 0 && bytes[1 + written] == 0, "nothing written outside its place")
        }
    }

    @Test func commandsOfEveryArgumentLengthEncodeAndParseBack() throws {
        let arguments = [0, 1, 9, 10, 99, 100, 12_345].map { [UInt8](repeating: UInt8(ascii: "x"), count: $0) }
        var buffer = ByteBuffer()
        buffer.writeRESPCommand(Array(repeating: [UInt8]("A".utf8), count: 11))
        buffer.writeRESPCommand(arguments)
        buffer.writeRESPCommand([])
        var parser = RESPParser()
        #expect(try parser.parse(&buffer) == .array(Array(repeating: .bulkString(Array("A".utf8)), count: 11)))
        #expect(try parser.parse(&buffer) == .array(arguments.map { .bulkString($0) }))
        #expect(try parser.parse(&buffer) == .array([]))
        #expect(buffer.readableBytes == 0)
    }

    @Test func commandsEncodeAsArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        buffer.writeRESPCommand([Array("SET".utf8), Array("k y".utf8), [0, 10]])
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$3\r\nk y\r\n$2\r\n\u{0}\n\r\n")
    }

    @Test(arguments: [
        ("?what\r\n", "unexpected type byte '?'"),
        ("HTTP/1.1 400 Bad Request\r\n", "unexpected type byte 'H'"),
        ("ERROR\r\n", "unexpected type byte 'E'"),
        ("$abc\r\n", "is not a 64-bit decimal integer"),
        ("$-2\r\n", "negative bulk string length -2"),
        ("*-5\r\n", "negative aggregate length -5"),
        (":12x\r\n", "is not a 64-bit decimal integer"),
        (":99999999999999999999\r\n", "is not a 64-bit decimal integer"),
        ("$3\r\nabcde\r\n", "not followed by CRLF"),
        ("+OK\rX", "CR not followed by LF"),
        ("#x\r\n", "boolean"),
        (",pi\r\n", "is not a number"),
        ("=2\r\nab\r\n", "verbatim"),
        ("$999999999999\r\n", "exceeds the limit"),
        ("*99999999999\r\n", "exceeds the limit"),
    ])
    func malformedInputIsATypedError(input: String, reason: String) {
        #expect {
            try parse(input)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .protocolViolation && error.message.contains(reason)
        }
    }

    @Test func hugeDeclaredLengthsAllocateNothingUpFront() throws {
        var buffer = ByteBuffer(string: "*16777216\r\n:1\r\n")
        #expect(try RESPParser().parse(&buffer) == nil, "waits for more data without reserving 16 M elements")
        let strict = RESPParser(limits: .init(maxBulkLength: 1024))
        var big = ByteBuffer(string: "$2048\r\n")
        #expect(throws: RedisError.self) { try strict.parse(&big) }
    }

    @Test func deepNestingAndEndlessLinesAreRejected() {
        var deep = ByteBuffer(string: String(repeating: "*1\r\n", count: 100) + ":1\r\n")
        #expect(throws: RedisError.self) { try RESPParser().parse(&deep) }
        var endless = ByteBuffer(string: "+" + String(repeating: "a", count: 70_000))
        #expect(throws: RedisError.self) { try RESPParser().parse(&endless) }
    }
}
