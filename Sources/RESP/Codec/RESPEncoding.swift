import NIOCore

extension ByteBuffer {
    /// Writes a command — an array of bulk strings, the only form clients send.
    public mutating func writeRESPCommand(_ arguments: [[UInt8]]) {
        writeStaticString("*")
        writeDecimal(arguments.count)
        for argument in arguments {
            writeStaticString("$")
            writeDecimal(argument.count)
            writeBytes(argument)
            writeStaticString("\r\n")
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
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var remaining = UInt(max(0, value))
        var count = 0
        withUnsafeMutableBytes(of: &digits) { storage in
            repeat {
                storage[19 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0
            writeBytes(UnsafeRawBufferPointer(rebasing: storage[(20 - count)...]))
        }
        writeStaticString("\r\n")
    }
}
