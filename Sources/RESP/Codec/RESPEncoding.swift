import Basics
import NIOCore

extension ByteBuffer {
    /// Writes a command — an array of bulk strings, the only form clients send.
    ///
    /// The size is worked out first and the bytes go in through one access to the buffer's memory: a
    /// write per piece costs a capacity, uniqueness and exclusivity check each, which showed in the
    /// profile of a keyspace analysis (four commands a key).
    public mutating func writeRESPCommand(_ arguments: [[UInt8]]) {
        var size = 3 + DecimalDigits.count(UInt64(arguments.count))
        for argument in arguments { size += 5 + DecimalDigits.count(UInt64(argument.count)) + argument.count }
        writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
            var at = 0
            func put(_ byte: UInt8) {
                buffer[at] = byte
                at += 1
            }
            func putLength(_ marker: UInt8, _ value: Int) {
                put(marker)
                at += DecimalDigits.write(UInt64(value), into: buffer, at: at)
                put(0x0D)
                put(0x0A)
            }
            putLength(UInt8(ascii: "*"), arguments.count)
            for argument in arguments {
                putLength(UInt8(ascii: "$"), argument.count)
                argument.withUnsafeBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: buffer[at..<(at + bytes.count)]).copyMemory(from: bytes)
                }
                at += argument.count
                put(0x0D)
                put(0x0A)
            }
            return at
        }
    }

    /// Writes any value in its RESP3 form (RESP2 forms for the RESP2 types); used by tests and fakes.
    public mutating func writeRESPValue(_ value: RESPValue) {
        switch value {
        case .simpleString(let bytes):
            writeStaticString("+")
            writeBytes(bytes)
            writeStaticString("\r\n")
        case .error(let message):
            writeStaticString("-")
            writeString(message)
            writeStaticString("\r\n")
        case .integer(let number):
            writeStaticString(":")
            writeString(String(number))
            writeStaticString("\r\n")
        case .bulkString(let bytes):
            writeStaticString("$")
            writeDecimal(bytes.count)
            writeBytes(bytes)
            writeStaticString("\r\n")
        case .array(let elements):
            writeAggregate("*", elements)
        case .null:
            writeStaticString("_\r\n")
        case .boolean(let flag):
            writeString(flag ? "#t\r\n" : "#f\r\n")
        case .double(let number):
            writeStaticString(",")
            writeString(number.isNaN ? "nan" : number == .infinity ? "inf" : number == -.infinity ? "-inf" : "\(number)")
            writeStaticString("\r\n")
        case .bigNumber(let digits):
            writeStaticString("(")
            writeString(digits)
            writeStaticString("\r\n")
        case .verbatimString(let format, let text):
            writeStaticString("=")
            writeDecimal(text.count + 4)
            writeString(format)
            writeStaticString(":")
            writeBytes(text)
            writeStaticString("\r\n")
        case .map(let pairs):
            writeStaticString("%")
            writeString(String(pairs.count))
            writeStaticString("\r\n")
            for pair in pairs {
                writeRESPValue(pair.key)
                writeRESPValue(pair.value)
            }
        case .set(let elements):
            writeAggregate("~", elements)
        case .push(let elements):
            writeAggregate(">", elements)
        }
    }

    private mutating func writeAggregate(_ marker: StaticString, _ elements: [RESPValue]) {
        writeStaticString(marker)
        writeString(String(elements.count))
        writeStaticString("\r\n")
        for element in elements { writeRESPValue(element) }
    }

    /// `<n>\r\n` for a length (≥ 0), without allocating a String.
    private mutating func writeDecimal(_ value: Int) {
        let number = UInt64(max(0, value))
        writeWithUnsafeMutableBytes(minimumWritableBytes: DecimalDigits.count(number) + 2) { buffer in
            let digits = DecimalDigits.write(number, into: buffer, at: 0)
            buffer[digits] = 0x0D
            buffer[digits + 1] = 0x0A
            return digits + 2
        }
    }
}
