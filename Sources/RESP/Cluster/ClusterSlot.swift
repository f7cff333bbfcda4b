/// Redis Cluster's key → slot mapping: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the key, or of
/// its hash tag, modulo 16,384.
///
/// A hash tag is the part between the first `{` and the first `}` after it, when that part is not empty:
/// `{user1000}.following` and `{user1000}.followers` share a slot, so multi-key commands on them work.
public enum ClusterSlot {
    /// How many slots a cluster has.
    public static let count = 16_384

    /// The slot of `key`.
    public static func of(_ key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        return Int(crc16(hashTagged(bytes)) & 0x3FFF)
    }

    /// The slot of a textual key.
    public static func of(_ key: String) -> Int {
        of(key.utf8)
    }

    /// The bytes that are hashed: the hash tag when there is a non-empty one, else the whole key.
    static func hashTagged(_ key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
            close > open + 1
        else { return key[...] }
        return key[(open + 1)..<close]
    }

    /// CRC16-XMODEM, table-driven.
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte)) & 0xFF]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
