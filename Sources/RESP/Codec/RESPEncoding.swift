import NIOCore

extension ByteBuffer {
    /// Writes a command — an array of bulk strings, the only form clients send.
    ///
    /// The size is worked out first and the bytes go in through one access to the buffer's memory: a
    /// write per piece costs a capacity, uniqueness and exclusivity check each, which showed in the
    /// profile of a keyspace analysis (four commands a key).
    public mutating func writeRESPCommand(_ arguments: [[UInt8]]) {
        var size = 3 + Self.decimalWidth(arguments.count)
        for argument in arguments { size += 5 + Self.decimalWidth(argument.count) + argument.count }
        writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
            var at = 0
            func put(_ byte: UInt8) {
                buffer[at] = byte
                at += 1
            }
            func putLength(_ marker: UInt8, _ value: Int) {
                put(marker)
                let width = Self.decimalWidth(value)
                var remaining = value
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
                at += width
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

    /// How many decimal digits a length (≥ 0) has.
    private static func decimalWidth(_ value: Int) -> Int {
        var width = 1
        var remaining = value / 10
        while remaining > 0 {
            width += 1
            remaining /= 10
        }
        return width
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
