/// How ``CacheValue``s are laid out in Redis, which has no per-key flags.
///
/// - Integers are plain decimal digits, so `INCRBY` works on them (Flask-Caching does the same).
/// - Text and raw bytes are stored as they are, so `redis-cli` and other languages read them unchanged.
/// - JSON values start with the two bytes `00 4A` ("\0J"). A text or raw value that itself starts with a
///   zero byte is stored behind `00 52` ("\0R"), so no value is ever misread.
///
/// Reading: `\0J` → JSON; `\0R` → the bytes after it; decimal digits (≤ 20, optional sign) → integer; valid
/// UTF-8 → text; anything else → raw. Values written by other programs read as text or raw.
enum RedisValueEncoding {
    static let jsonMarker: [UInt8] = [0x00, UInt8(ascii: "J")]
    static let escapeMarker: [UInt8] = [0x00, UInt8(ascii: "R")]

    static func stored(_ value: CacheValue) -> [UInt8] {
        switch value.format {
        case .json: return jsonMarker + value.bytes
        case .integer: return value.bytes
        case .raw, .text: return value.bytes.first == 0x00 ? escapeMarker + value.bytes : value.bytes
        }
    }

    static func loaded(_ bytes: [UInt8]) -> CacheValue {
        if bytes.count >= 2, bytes[0] == 0x00 {
            if bytes[1] == jsonMarker[1] { return CacheValue(format: .json, bytes: Array(bytes[2...])) }
            if bytes[1] == escapeMarker[1] { return classify(Array(bytes[2...])) }
        }
        if bytes.count <= 20, Int64(decimalASCII: bytes) != nil, bytes.first != UInt8(ascii: "+") {
            return CacheValue(format: .integer, bytes: bytes)
        }
        return classify(bytes)
    }

    private static func classify(_ bytes: [UInt8]) -> CacheValue {
        CacheValue(format: String(validating: bytes, as: UTF8.self) == nil ? .raw : .text, bytes: bytes)
    }
}
