import Basics
import ConnectionSupport

/// What a Flask-Caching (or `Caching`) key says about where it came from: the route of a cached view,
/// the function of a memoize version key — so the browser can offer "invalidate this route" or "this
/// memoized function" on the key under the cursor.
package enum FlaskCachingKeyParts {
    /// The application's key prefix and the route path of a view key: `flask_cache_view//api/users` and its
    /// query-string variants (`…/api/weather` + a 32- or 64-hex digest) → (`flask_cache_`, `/api/users`).
    /// `nil` for other keys.
    package static func route(of key: [UInt8]) -> (keyPrefix: [UInt8], path: String)? {
        let marker = Array("view/".utf8)
        guard let start = firstIndex(of: marker, in: key) else { return nil }
        let keyPrefix = Array(key[..<start])
        guard KeyKind.of(key, prefix: keyPrefix) == .view else { return nil }
        var path = Array(key[(start + marker.count)...])
        for digest in [64, 32] where path.count > digest + 1 {
            let tail = path.suffix(digest)
            if tail.allSatisfy(isLowerHex) {
                path.removeLast(digest)
                break
            }
        }
        guard let text = String(validating: path, as: UTF8.self), !text.isEmpty else { return nil }
        return (keyPrefix, text)
    }

    /// Where the route of a Flask-Caching view key ends: the whole key for `…view//api/users`, and before
    /// the digest of a query-string variant (`…view//api/users<32 hex>`), so a route's keys group together;
    /// `nil` for other keys.
    package static func routeBase(of key: [UInt8]) -> Int? {
        guard let route = route(of: key) else { return nil }
        return route.keyPrefix.count + 5 + route.path.utf8.count
    }

    /// The application's key prefix and the memoized function of a version key (`flask_cache_app.expensive_memver`
    /// → `app.expensive`) or of one of our `Caching` library's results (`memoize/<name>/<digest><version>` →
    /// `memoize/<name>`). `nil` for other keys, and for Flask-Caching's opaque result keys (their function
    /// cannot be read back from the hash).
    package static func memoizedFunction(of key: [UInt8], keyPrefix knownPrefix: [UInt8]? = nil) -> (keyPrefix: [UInt8], function: String)? {
        let suffix = Array("_memver".utf8)
        let ours = Array("memoize/".utf8)
        if let start = firstIndex(of: ours, in: key) {
            let rest = key[(start + ours.count)...]
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")),
                let name = String(validating: Array(key[start..<slash]), as: UTF8.self)
            else { return nil }
            return (Array(key[..<start]), name)
        }
        guard KeyKind.of(key, prefix: knownPrefix) == .version, key.count > suffix.count else { return nil }
        let prefix: [UInt8]
        if let knownPrefix, key.hasBytePrefix(knownPrefix) {
            prefix = knownPrefix
        } else if key.hasBytePrefix(KeyKind.flaskPrefix) {
            prefix = KeyKind.flaskPrefix
        } else {
            prefix = []
        }
        let body = Array(key[prefix.count..<(key.count - suffix.count)])
        guard !body.isEmpty, let function = String(validating: body, as: UTF8.self) else { return nil }
        return (prefix, function)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
