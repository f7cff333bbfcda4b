/// The decimal digits of a non-negative integer, written straight into memory with no `String` made:
/// what the encoders on hot paths use (RESP commands, streamed JSON listings).
public enum DecimalDigits {
    /// How many digits `value` has (`0` has one).
    public static func count(_ value: UInt64) -> Int {
        var digits = 1
        var remaining = value / 10
        while remaining > 0 {
            digits += 1
            remaining /= 10
        }
        return digits
    }

    /// Writes `value`'s digits at `offset` of `buffer`, which has room for ``count(_:)`` of them; returns
    /// how many were written.
    @discardableResult
    public static func write(_ value: UInt64, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let digits = count(value)
        var remaining = value
        for index in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        return digits
    }
}
