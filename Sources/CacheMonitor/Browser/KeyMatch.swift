import Basics
import ConnectionSupport
import RESP

/// Which keys a listing wants: those starting with a literal prefix, or those matching a glob (Redis
/// syntax), or all. Redis applies the pattern on the server (`SCAN MATCH`); every backend also checks each
/// key here, so the filter means the same everywhere.
package struct KeyMatch: Sendable, Hashable {
    /// The literal prefix, when filtering by prefix.
    package let prefix: [UInt8]?
    /// The glob, when filtering by pattern.
    package let glob: KeyGlob?

    /// Every key.
    package static let all = KeyMatch(prefix: nil, glob: nil)

    package init(prefix: [UInt8]?, glob: KeyGlob?) {
        self.prefix = prefix
        self.glob = glob
    }

    /// Keys starting with `prefix`.
    package static func prefix(_ prefix: [UInt8]) -> KeyMatch { KeyMatch(prefix: prefix, glob: nil) }

    /// Keys matching `pattern`.
    package static func glob(_ pattern: [UInt8]) -> KeyMatch { KeyMatch(prefix: nil, glob: KeyGlob(pattern)) }

    /// The `SCAN MATCH` pattern that selects these keys on Redis (the prefix's glob characters escaped).
    package var redisPattern: [UInt8]? {
        if let prefix { return RedisGlob.matchingPrefix(prefix) }
        return glob?.pattern
    }

    /// The longest literal start every matching key has (for backends that can only filter by prefix).
    package var literalPrefix: [UInt8] {
        if let prefix { return prefix }
        guard let pattern = glob?.pattern else { return [] }
        var literal: [UInt8] = []
        var index = 0
        while index < pattern.count {
            let byte = pattern[index]
            if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[") { break }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < pattern.count else { break }
                literal.append(pattern[index + 1])
                index += 2
                continue
            }
            literal.append(byte)
            index += 1
        }
        return literal
    }

    /// Whether `key` is wanted.
    package func accepts(_ key: [UInt8]) -> Bool {
        if let prefix, !key.hasBytePrefix(prefix) { return false }
        return glob?.matches(key) ?? true
    }
}
