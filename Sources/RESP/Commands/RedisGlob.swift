/// Redis glob patterns (`SCAN MATCH`, `KEYS`): `*`, `?`, `[…]`, and `\` to escape the next byte.
public enum RedisGlob {
    /// The pattern that matches exactly the keys starting with `prefix`: its `* ? [ ] \` escaped, then `*`.
    /// `a[1]` → `a\[1\]*`. Callers should still re-check each returned key, as cheap insurance.
    public static func matchingPrefix(_ prefix: [UInt8]) -> [UInt8] {
        var pattern: [UInt8] = []
        pattern.reserveCapacity(prefix.count + 8)
        for byte in prefix {
            if special.contains(byte) { pattern.append(UInt8(ascii: "\\")) }
            pattern.append(byte)
        }
        pattern.append(UInt8(ascii: "*"))
        return pattern
    }

    private static let special: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\\")]
}
