/// Redis-style glob matching on key bytes, for backends that cannot filter on the server (memcached,
/// in-process caches): `*` any run of bytes, `?` one byte, `[abc]` `[a-z]` `[^a]` a set, `\x` the byte x.
/// The same patterns `--match` sends to Redis `SCAN MATCH`, so a filter means the same on every backend.
package struct KeyGlob: Sendable, Hashable {
    /// The pattern's bytes.
    package let pattern: [UInt8]

    package init(_ pattern: [UInt8]) {
        self.pattern = pattern
    }

    /// Whether `key` matches the whole pattern.
    package func matches(_ key: [UInt8]) -> Bool {
        var p = 0
        var k = 0
        var starPattern = -1
        var starKey = 0
        while k < key.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                starPattern = p
                starKey = k
                p += 1
                continue
            }
            if p < pattern.count, let (matched, next) = matchOne(at: p, key[k]), matched {
                p = next
                k += 1
                continue
            }
            guard starPattern >= 0 else { return false }
            p = starPattern + 1
            starKey += 1
            k = starKey
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// Whether the pattern element at `p` matches `byte`, and where the next element starts.
    private func matchOne(at p: Int, _ byte: UInt8) -> (Bool, Int)? {
        switch pattern[p] {
        case UInt8(ascii: "?"):
            return (true, p + 1)
        case UInt8(ascii: "\\") where p + 1 < pattern.count:
            return (pattern[p + 1] == byte, p + 2)
        case UInt8(ascii: "["):
            var i = p + 1
            let negated = i < pattern.count && pattern[i] == UInt8(ascii: "^")
            if negated { i += 1 }
            var found = false
            while i < pattern.count, pattern[i] != UInt8(ascii: "]") {
                if pattern[i] == UInt8(ascii: "\\"), i + 1 < pattern.count {
                    if pattern[i + 1] == byte { found = true }
                    i += 2
                } else if i + 2 < pattern.count, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                    let (low, high) = (min(pattern[i], pattern[i + 2]), max(pattern[i], pattern[i + 2]))
                    if (low...high).contains(byte) { found = true }
                    i += 3
                } else {
                    if pattern[i] == byte { found = true }
                    i += 1
                }
            }
            // An unclosed '[' matches like Redis: up to the end of the pattern.
            return (found != negated, min(i + 1, pattern.count))
        default:
            return (pattern[p] == byte, p + 1)
        }
    }
}
