import Crypto

/// The hash used to turn memoize arguments and route query strings into key text — Flask-Caching's
/// `CACHE_HASH_METHOD` (2.5 default: SHA-256). Configure it per ``Cache`` and override it per memoized
/// function or cached route; keys built for a call and for a delete always use the same one.
public struct CacheKeyHash: Sendable, CustomStringConvertible {
    /// A short name: "sha256", "md5", …
    public let name: String
    private let digest: @Sendable ([UInt8]) -> [UInt8]

    /// A custom hash: `digest` maps input bytes to a digest of at least 12 bytes.
    public init(name: String, digest: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.name = name
        self.digest = digest
    }

    /// SHA-256, the default (Flask-Caching 2.5).
    public static let sha256 = CacheKeyHash(name: "sha256") { Array(SHA256.hash(data: $0)) }
    /// SHA-384.
    public static let sha384 = CacheKeyHash(name: "sha384") { Array(SHA384.hash(data: $0)) }
    /// SHA-512.
    public static let sha512 = CacheKeyHash(name: "sha512") { Array(SHA512.hash(data: $0)) }
    /// SHA-1 (not for security; here only to spread keys).
    public static let sha1 = CacheKeyHash(name: "sha1") { Array(Insecure.SHA1.hash(data: $0)) }
    /// MD5, Flask-Caching ≤ 2.4's default (not for security; here only to spread keys).
    public static let md5 = CacheKeyHash(name: "md5") { Array(Insecure.MD5.hash(data: $0)) }

    public var description: String { name }

    /// The digest of `text`'s UTF-8 bytes.
    public func digest(of text: String) -> [UInt8] { digest(Array(text.utf8)) }

    /// The digest as lowercase hex (route query-string keys, as Flask's `hexdigest()`).
    public func hexDigest(of text: String) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest(of: text) {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first 16 characters of the digest in URL-safe base64 (memoize keys, as Flask's
    /// `base64(digest)[:16]`, with `-_` instead of `+/` so keys split cleanly on `/`).
    public func shortDigest(of text: String) -> String {
        String(Base64URL.encode(digest(of: text)).prefix(16))
    }
}

/// URL-safe base64 without padding.
enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((chunk >> UInt32(shift)) & 63)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if rest == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            let shifts = rest == 2 ? [18, 12, 6] : [18, 12]
            for shift in shifts { out.append(alphabet[Int((chunk >> UInt32(shift)) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` random characters of the alphabet (memoize version tokens).
    static func randomToken(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let chars = (0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return String(decoding: chars, as: UTF8.self)
    }
}
