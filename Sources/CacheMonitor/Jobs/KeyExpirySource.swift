/// Port of `T` (set or remove a key's TTL): a backend whose keys' expiry can be changed.
package protocol KeyExpirySource: KeyLookupSource {
    /// Sets `key` to expire in `milliseconds` (whole seconds where the backend counts in seconds), or with
    /// `nil` removes its expiry so it never expires.
    /// - Returns: whether the key existed.
    func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool
}

/// What the dry runs of the changes ask: whether keys exist.
package protocol KeyLookupSource: CacheSource {
    /// How many of `keys` exist (counted as own reads where the server counts lookups).
    func countExisting(_ keys: [[UInt8]]) async throws -> Int
}
