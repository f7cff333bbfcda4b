import Crypto
import Memcache

/// What ``MemcachedCache`` does with keys memcached's text protocol cannot carry (over 250 bytes, or
/// containing spaces or control characters) — Flask-Caching's view keys contain the raw path, and memoize
/// version keys the qualified name, so both can be too long.
public enum MemcachedLongKeyPolicy: Sendable, Hashable {
    /// Refuse them with ``CacheError`` `.invalidKey` (the default: nothing is stored under a name you did
    /// not choose).
    case reject
    /// Store them under `<head>#sha256:<40 hex>`: the key's longest valid beginning (at most 190 bytes, cut at
    /// the first space or control character and at a UTF-8 boundary), then 160 bits of the SHA-256 of the
    /// whole key. The head keeps the cache's key prefix, so `clear()` and prefix invalidation still find
    /// these entries. Keys that are already valid are never changed.
    case hash
}

enum MemcachedKeyMapping {
    static let headLimit = 190

    /// The bytes sent for `key`.
    /// - Throws: ``CacheError`` `.invalidKey` when the key is invalid and `policy` is `.reject`.
    static func wireKey(_ key: String, policy: MemcachedLongKeyPolicy) throws -> [UInt8] {
        let bytes = Array(key.utf8)
        do {
            try MemcachedKey.validate(bytes)
            return bytes
        } catch let error as MemcachedError {
            guard policy == .hash, !bytes.isEmpty else { throw CacheError(.invalidKey, "cache key \(KeyText.quoted(key)): \(error.message)") }
            return hashed(bytes)
        }
    }

    static func hashed(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.firstIndex { !MemcachedKey.isAllowed($0) } ?? bytes.count
        end = min(end, headLimit)
        // Do not cut a UTF-8 sequence: back up over continuation bytes.
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        let digest = SHA256.hash(data: bytes).prefix(20).map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }.joined()
        return Array(bytes[..<end]) + Array("#sha256:".utf8) + Array(digest)
    }
}
