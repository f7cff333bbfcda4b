/// Bits appended most significant first into bytes: what a series block is written with.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    /// Bits used in the last byte (0 = it is full, or there is none).
    private var used = 0

    /// Appends the low `count` bits of `value` (0…64), most significant first.
    mutating func write(_ value: UInt64, bits count: Int) {
        var remaining = count
        while remaining > 0 {
            if used == 0 { bytes.append(0) }
            let free = 8 - used
            let take = min(free, remaining)
            let shifted = (value >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1)
            bytes[bytes.count - 1] |= UInt8(shifted) << UInt8(free - take)
            used = (used + take) % 8
            remaining -= take
        }
    }

    mutating func write(bit: Bool) { write(bit ? 1 : 0, bits: 1) }
}

/// Reads what ``BitWriter`` wrote; running past the end is an error, never a crash.
struct BitReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next `count` bits (0…64) as the low bits of the result.
    mutating func read(bits count: Int) throws(BlockCodecError) -> UInt64 {
        guard count >= 0, count <= 64, position + count <= bytes.count * 8 else { throw .truncated }
        var value: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let byte = bytes[position / 8]
            let offset = position % 8
            let take = min(8 - offset, remaining)
            let chunk = (UInt64(byte) >> UInt64(8 - offset - take)) & ((1 << UInt64(take)) - 1)
            value = (value << UInt64(take)) | chunk
            position += take
            remaining -= take
        }
        return value
    }

    mutating func readBit() throws(BlockCodecError) -> Bool { try read(bits: 1) == 1 }
}

/// Why a block could not be read.
enum BlockCodecError: Error, Equatable {
    /// The block ends before all its values.
    case truncated
    /// The header says something no writer writes.
    case malformed(String)
}
