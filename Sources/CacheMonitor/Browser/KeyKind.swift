import Basics
import ConnectionSupport

/// What a key is, as Flask-Caching (and our `Caching` library) write them — the key browser's label.
package enum KeyKind: String, Sendable, Hashable {
    /// A cached view or route: `view/<path>` (`flask_cache_view//api/users`).
    case view
    /// A memoized result: ours `memoize/<name>/<hash><version>`; Flask-Caching's an opaque 22- or 28-character
    /// base64 hash plus version.
    case memoize
    /// A memoize version key (`…_memver`): deleting it invalidates every result of that function.
    case version
    /// Anything else.
    case plain

    /// Flask-Caching's default `CACHE_KEY_PREFIX`.
    package static let flaskPrefix = Array("flask_cache_".utf8)

    /// The kind of `key`, looking past `prefix` (the application's key prefix) or Flask-Caching's default one.
    package static func of(_ key: [UInt8], prefix: [UInt8]? = nil) -> KeyKind {
        var rest = key[...]
        if let prefix, !prefix.isEmpty, key.hasBytePrefix(prefix) {
            rest = key[prefix.count...]
        } else if key.hasBytePrefix(flaskPrefix) {
            rest = key[flaskPrefix.count...]
        }
        if rest.hasSuffixBytes(Array("_memver".utf8)) { return .version }
        if rest.starts(with: "view/".utf8) { return .view }
        if rest.starts(with: "memoize/".utf8) { return .memoize }
        if rest.count == 22 || rest.count == 28, rest.allSatisfy(isBase64) { return .memoize }
        return .plain
    }

    /// A character of standard or URL-safe base64.
    static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}

extension ArraySlice where Element == UInt8 {
    func hasSuffixBytes(_ suffix: [UInt8]) -> Bool { count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix) }
}
