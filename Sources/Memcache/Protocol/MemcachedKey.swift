/// The keys memcached's text protocol can carry: 1–250 bytes, none of them a space, a control character
/// or DEL (a space or newline would split the command line and could smuggle in a second command).
public enum MemcachedKey {
    /// The longest key the server accepts.
    public static let maxBytes = 250

    /// Checks `key` and explains the first problem.
    /// - Throws: ``MemcachedError`` `.invalidKey`.
    public static func validate(_ key: some Collection<UInt8>) throws {
        guard !key.isEmpty else { throw MemcachedError(.invalidKey, "memcached keys must not be empty") }
        guard key.count <= maxBytes else {
            throw MemcachedError(.invalidKey, "memcached key of \(key.count) bytes is too long (at most \(maxBytes))")
        }
        if let bad = key.first(where: { !isAllowed($0) }) {
            let name = bad == 0x20 ? "a space" : "the control byte 0x\(String(bad, radix: 16, uppercase: true))"
            throw MemcachedError(.invalidKey, "memcached key contains \(name), which the text protocol does not allow")
        }
    }

    /// Whether `byte` may appear in a key.
    @inline(__always)
    public static func isAllowed(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F
    }
}
