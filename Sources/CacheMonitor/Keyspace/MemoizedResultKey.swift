/// A memoized result's key, read for grouping: Flask-Caching's opaque `<key prefix><16-char digest><6-char
/// version>[<6-char instance version>]`, or our `Caching` library's `<key prefix>memoize/<name>/<digest><version>`.
///
/// Their digests are random base64 that may hold delimiters (`+/` or `-_`), so a key splits into groups only
/// up to its namespace; Flask-Caching's results carry no function name, only the version their function's
/// version key (`<key prefix><function>_memver`) holds, which is how they are grouped by function.
struct MemoizedResultKey {
    /// Where the namespace ends: after the key prefix (Flask-Caching), after `memoize/<name>/` (ours).
    let namespaceEnd: Int
    /// Flask-Caching's function version (the 6 characters after the digest); `nil` for ours, whose
    /// namespace names the function.
    let version: ArraySlice<UInt8>?

    /// Reads `key` as a memoized result under `keyPrefix` (the application's, never empty); `nil` for other keys.
    init?(_ key: [UInt8], keyPrefix: [UInt8]) {
        guard !keyPrefix.isEmpty, key.hasBytePrefix(keyPrefix) else { return nil }
        var rest = key[keyPrefix.count...]
        var ours = false
        if rest.starts(with: Self.ourNamespace) {
            guard let slash = rest.dropFirst(Self.ourNamespace.count).firstIndex(of: UInt8(ascii: "/")) else { return nil }
            rest = key[(slash + 1)...]
            ours = true
        }
        guard rest.count == 22 || rest.count == 28, rest.allSatisfy(KeyKind.isBase64) else { return nil }
        namespaceEnd = rest.startIndex
        version = ours ? nil : rest[(rest.startIndex + 16)..<(rest.startIndex + 22)]
    }

    private static let ourNamespace = Array("memoize/".utf8)
}
