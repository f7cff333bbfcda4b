/// Everything the details pane shows about one key, read when the operator opens it.
package struct KeyDetails: Sendable, Hashable {
    /// The key as listed, with its type, TTL (and when it was read) and size.
    package var key: BrowsedKey
    /// How the value is stored, when known: Redis's type (a hash, a list…), memcached's client flags,
    /// the in-process value format.
    package var encoding: String?
    /// The first bytes or items of the value, described safely.
    package var value: ValueDescription
    /// What the key is, for Flask-Caching and `Caching` keys.
    package var kind: KeyKind
    /// The bytes the description was made from (at most the requested number; empty for collections).
    package var valueBytes: [UInt8]
    /// More that the server tells about the key (memcached 1.6+: when it was last accessed, whether it was read).
    package var facts: [KeyFact] = []

    package init(
        key: BrowsedKey, encoding: String?, valueBytes: [UInt8], length: Int, flags: UInt32? = nil, kindPrefix: [UInt8]? = nil, lines: [String]? = nil
    ) {
        self.key = key
        self.encoding = encoding
        self.valueBytes = valueBytes
        var description = ValueDescription(prefix: valueBytes, length: length, flags: flags)
        if let lines {
            description.label = "items"
            description.lines = lines
        }
        value = description
        kind = KeyKind.of(key.key, prefix: kindPrefix)
    }
}

/// One labelled line of a key's details.
package struct KeyFact: Sendable, Hashable {
    package var label: String
    package var value: String

    package init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

extension KeyBrowsingSource {
    /// The first bytes of a string value, or `nil` when the key is gone — used to read small values such as
    /// memoize version keys. Not for collections (Redis hashes, lists…): their details come from
    /// ``KeyBrowsingSource/details(of:maxBytes:kindPrefix:)``.
    package func firstBytes(of key: BrowsedKey, maxBytes: Int = 512) async throws -> (bytes: [UInt8], length: Int)? {
        guard let details = try await details(of: key, maxBytes: maxBytes, kindPrefix: nil) else { return nil }
        return (details.valueBytes, details.value.length)
    }
}
