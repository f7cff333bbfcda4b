/// A run of readings of one backend (or one of its servers): a timestamp each, in milliseconds since 1970,
/// and one value per field, `nil` where the reading had none. What the recording keeps about a 4 KB page of in one row.
///
/// Encoded as Facebook's Gorilla does (Pelkonen et al., VLDB 2015): timestamps as delta-of-delta in
/// variable-length buckets (a regular interval costs a bit, a jittered one about ten); a field whose values
/// are all whole numbers (counters, bytes, keys — most of them) the same way, so a counter growing at a
/// steady rate costs a bit or a few; any other field as the XOR with the previous value, stored as its
/// meaningful bits only (an unchanged value costs a bit). One bit before each field says which.
struct SeriesBlock: Equatable, Sendable {
    /// The readings' times, oldest first.
    private(set) var times: [Int64] = []
    /// Per field, one value per time.
    private(set) var columns: [[Double?]]

    /// An empty block of `fieldCount` fields.
    init(fieldCount: Int) {
        columns = Array(repeating: [], count: fieldCount)
    }

    var count: Int { times.count }
    var fieldCount: Int { columns.count }
    var isEmpty: Bool { times.isEmpty }

    /// Adds a reading: `values` has one entry per field (missing ones are `nil`).
    mutating func append(time: Int64, values: [Double?]) {
        precondition(values.count == columns.count, "one value per field")
        times.append(time)
        for index in columns.indices { columns[index].append(values[index]) }
    }

    /// The values of the reading at `index`, one per field.
    func values(at index: Int) -> [Double?] { columns.map { $0[index] } }

    // MARK: encoding

    /// The version byte every block starts with.
    static let formatVersion: UInt8 = 1
    /// How a missing value is written: a quiet NaN with a payload no arithmetic produces.
    static let missingBits: UInt64 = 0x7FF8_0000_0000_0BAD

    /// The block's bytes: a version byte, the reading and field counts as LEB128 varints, then the bits.
    func encoded() -> [UInt8] {
        var header: [UInt8] = [Self.formatVersion]
        Varint.append(UInt64(times.count), to: &header)
        Varint.append(UInt64(columns.count), to: &header)
        var bits = BitWriter()
        TimeColumn.encode(times, into: &bits)
        for column in columns {
            if let integers = IntegerColumn.integers(column) {
                bits.write(bit: true)
                TimeColumn.encode(integers, into: &bits)
            } else {
                bits.write(bit: false)
                ValueColumn.encode(column, into: &bits)
            }
        }
        return header + bits.bytes
    }

    /// Reads ``encoded()``'s bytes back.
    /// - Throws: ``BlockCodecError`` for bytes no writer wrote (truncated, another version, absurd counts).
    init(decoding bytes: [UInt8]) throws(BlockCodecError) {
        guard let version = bytes.first else { throw .truncated }
        guard version == Self.formatVersion else { throw .malformed("block format \(version), this version reads \(Self.formatVersion)") }
        var offset = 1
        let count = try Varint.read(bytes, at: &offset)
        let fields = try Varint.read(bytes, at: &offset)
        // Every reading costs at least a bit per column and one for its time: counts beyond that are lies.
        let bitsLeft = UInt64(bytes.count - offset) * 8
        guard fields <= 4096, count <= bitsLeft, count == 0 || fields <= bitsLeft else {
            throw .malformed("block counts \(count) readings of \(fields) fields in \(bytes.count) bytes")
        }
        var reader = BitReader(Array(bytes[offset...]))
        times = try TimeColumn.decode(count: Int(count), from: &reader)
        columns = []
        for _ in 0..<Int(fields) {
            if count == 0 {
                columns.append([])
            } else if try reader.readBit() {
                columns.append(try TimeColumn.decode(count: Int(count), from: &reader).map { Double($0) })
            } else {
                columns.append(try ValueColumn.decode(count: Int(count), from: &reader))
            }
        }
    }
}

/// Unsigned LEB128 varints (the block header).
enum Varint {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
    }

    static func read(_ bytes: [UInt8], at offset: inout Int) throws(BlockCodecError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard shift < 64 else { throw .malformed("a varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw .truncated
    }
}

/// A column of whole numbers (every value present, each exactly an integer a double holds): written as
/// timestamps are.
enum IntegerColumn {
    static func integers(_ values: [Double?]) -> [Int64]? {
        guard !values.isEmpty else { return nil }
        var integers: [Int64] = []
        integers.reserveCapacity(values.count)
        for value in values {
            guard let value, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
            integers.append(Int64(value))
        }
        return integers
    }
}

/// Timestamps (and whole-number columns): the first in full, then each delta-of-delta in the smallest
/// bucket that holds it.
enum TimeColumn {
    /// Control bits and payload widths, smallest first; the last bucket holds any 64-bit difference.
    private static let buckets: [(control: UInt64, controlBits: Int, payloadBits: Int)] = [
        (0b10, 2, 7), (0b110, 3, 12), (0b1110, 4, 20), (0b11110, 5, 32), (0b11111, 5, 64),
    ]

    static func encode(_ times: [Int64], into bits: inout BitWriter) {
        guard let first = times.first else { return }
        bits.write(UInt64(bitPattern: first), bits: 64)
        var previous = first
        var previousDelta: Int64 = 0
        for time in times.dropFirst() {
            let delta = time &- previous
            let dod = delta &- previousDelta
            if dod == 0 {
                bits.write(bit: false)
            } else {
                let bucket = buckets.first { fits(dod, bits: $0.payloadBits) } ?? buckets[buckets.count - 1]
                bits.write(bucket.control, bits: bucket.controlBits)
                bits.write(UInt64(bitPattern: dod), bits: bucket.payloadBits)
            }
            previous = time
            previousDelta = delta
        }
    }

    static func decode(count: Int, from bits: inout BitReader) throws(BlockCodecError) -> [Int64] {
        guard count > 0 else { return [] }
        var times: [Int64] = []
        times.reserveCapacity(count)
        var previous = Int64(bitPattern: try bits.read(bits: 64))
        times.append(previous)
        var previousDelta: Int64 = 0
        for _ in 1..<count {
            var dod: Int64 = 0
            if try bits.readBit() {
                // The number of 1s after the first says the bucket (at most four more).
                var ones = 1
                while ones < 5, try bits.readBit() { ones += 1 }
                let width = buckets[min(ones, 5) - 1].payloadBits
                dod = signExtend(try bits.read(bits: width), bits: width)
            }
            let delta = previousDelta &+ dod
            previous = previous &+ delta
            previousDelta = delta
            times.append(previous)
        }
        return times
    }

    private static func fits(_ value: Int64, bits: Int) -> Bool {
        guard bits < 64 else { return true }
        let limit = Int64(1) << Int64(bits - 1)
        return value >= -limit && value < limit
    }

    private static func signExtend(_ value: UInt64, bits: Int) -> Int64 {
        guard bits < 64 else { return Int64(bitPattern: value) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }
}

/// One field's values: the first in full, then each XORed with the previous — `0` for the same value, `10`
/// and the meaningful bits when they fit the previous window, else `11`, the leading zeros (6 bits), the
/// length (6 bits, minus one) and the bits.
enum ValueColumn {
    static func encode(_ values: [Double?], into bits: inout BitWriter) {
        guard let first = values.first else { return }
        var previous = pattern(first)
        bits.write(previous, bits: 64)
        var window: (leading: Int, length: Int)?
        for value in values.dropFirst() {
            let current = pattern(value)
            let xor = current ^ previous
            previous = current
            if xor == 0 {
                bits.write(bit: false)
                continue
            }
            let leading = min(xor.leadingZeroBitCount, 63)
            let trailing = xor.trailingZeroBitCount
            if let window, leading >= window.leading, trailing >= 64 - window.leading - window.length {
                bits.write(0b10, bits: 2)
                bits.write(xor >> UInt64(64 - window.leading - window.length), bits: window.length)
            } else {
                let length = 64 - leading - trailing
                bits.write(0b11, bits: 2)
                bits.write(UInt64(leading), bits: 6)
                bits.write(UInt64(length - 1), bits: 6)
                bits.write(xor >> UInt64(trailing), bits: length)
                window = (leading, length)
            }
        }
    }

    static func decode(count: Int, from bits: inout BitReader) throws(BlockCodecError) -> [Double?] {
        guard count > 0 else { return [] }
        var values: [Double?] = []
        values.reserveCapacity(count)
        var previous = try bits.read(bits: 64)
        values.append(value(previous))
        var window: (leading: Int, length: Int)?
        for _ in 1..<count {
            if try bits.readBit() {
                if try bits.readBit() {
                    let leading = Int(try bits.read(bits: 6))
                    let length = Int(try bits.read(bits: 6)) + 1
                    guard leading + length <= 64 else { throw .malformed("a value window of \(leading)+\(length) bits") }
                    window = (leading, length)
                }
                guard let window else { throw .malformed("a value reuses a window before any") }
                let meaningful = try bits.read(bits: window.length)
                previous ^= meaningful << UInt64(64 - window.leading - window.length)
            }
            values.append(value(previous))
        }
        return values
    }

    private static func pattern(_ value: Double?) -> UInt64 { value?.bitPattern ?? SeriesBlock.missingBits }
    private static func value(_ pattern: UInt64) -> Double? { pattern == SeriesBlock.missingBits ? nil : Double(bitPattern: pattern) }
}
