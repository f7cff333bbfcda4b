import Memcache

/// How ``CacheValue``s are laid out in memcached: the bytes as they are, and the format in the item's
/// 32-bit flags — the flags pymemcache and python-memcached use, so values stay readable across languages:
///
/// | format | flags |
/// |---|---|
/// | raw bytes | `0` |
/// | integer (decimal digits, so `incr`/`decr` work) | `2` |
/// | UTF-8 text | `16` |
/// | JSON (cachescope's own) | `0x40` |
///
/// Reading: `2` or `4` (a Python long) → integer; `16` → text; `0x40` → JSON; anything else (including
/// `1`, a Python pickle) → raw bytes.
enum MemcachedValueEncoding {
    static let rawFlags: UInt32 = 0
    static let integerFlags: UInt32 = 2
    static let longFlags: UInt32 = 4
    static let textFlags: UInt32 = 16
    static let jsonFlags: UInt32 = 0x40

    static func flags(for format: CacheValue.Format) -> UInt32 {
        switch format {
        case .raw: rawFlags
        case .integer: integerFlags
        case .text: textFlags
        case .json: jsonFlags
        }
    }

    /// The format the flags announce (without looking at the bytes).
    static func format(forFlags flags: UInt32) -> CacheValue.Format {
        switch flags {
        case integerFlags, longFlags: .integer
        case textFlags: .text
        case jsonFlags: .json
        default: .raw
        }
    }

    static func loaded(_ item: MemcachedItem) -> CacheValue {
        switch item.flags {
        case integerFlags, longFlags:
            // incr/decr on old servers may leave trailing spaces.
            var digits = item.value[...]
            while digits.last == 0x20 { digits = digits.dropLast() }
            return Int64(decimalASCII: Array(digits)) != nil
                ? CacheValue(format: .integer, bytes: Array(digits)) : CacheValue(format: .raw, bytes: item.value)
        case textFlags:
            return CacheValue(format: String(validating: item.value, as: UTF8.self) == nil ? .raw : .text, bytes: item.value)
        case jsonFlags:
            return CacheValue(format: .json, bytes: item.value)
        default:
            return CacheValue(format: .raw, bytes: item.value)
        }
    }
}
