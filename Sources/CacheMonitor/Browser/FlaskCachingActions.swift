import Basics
import ConnectionSupport
import Foundation

/// Finding the keys of the two invalidations a Flask-Caching user actually wants, on any source (the
/// ``ChangeRunner`` deletes them).
package enum FlaskCachingActions {
    /// The keys of one cached route: `<prefix>view/<path>` itself and its query-string variants
    /// (`view/<path>` + a 32- or 64-hex digest), never the keys of longer paths (`/api/users/7` is not
    /// `/api/users`).
    /// - Parameter prefix: the application's key prefix (Flask-Caching's default is `flask_cache_`).
    package static func routeKeys(
        path: String, prefix: [UInt8] = KeyKind.flaskPrefix, on source: any KeyBrowsingSource, limit: Int = 100_000
    ) async throws -> [[UInt8]] {
        let base = prefix + Array("view/\(path)".utf8)
        var found: [[UInt8]] = []
        _ = try await source.browseKeys(matching: .prefix(base), limit: limit) { batch in
            for key in batch where isRouteVariant(key.key, base: base) { found.append(key.key) }
            return true
        }
        return found
    }

    /// Whether `key` is `base` or `base` followed by a hex digest (md5 or sha256).
    static func isRouteVariant(_ key: [UInt8], base: [UInt8]) -> Bool {
        guard key.hasBytePrefix(base) else { return false }
        let rest = key[base.count...]
        guard !rest.isEmpty else { return true }
        return (rest.count == 32 || rest.count == 64) && rest.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The keys invalidating a memoized function touches, found without deleting anything: its version key
    /// (deleting it is exactly Flask-Caching's `delete_memoized(f)`: every stored result becomes
    /// unreachable) and, with `sweep`, the results stored under its current version (their key carries the
    /// version after its 16-character digest), so they can go before they expire.
    /// - Parameters:
    ///   - function: Flask-Caching's `module.qualname` (`app.views.expensive`), or for our `Caching` library
    ///     `memoize/<name>`.
    ///   - prefix: the application's key prefix.
    package static func memoizedKeys(
        function: String, prefix: [UInt8] = KeyKind.flaskPrefix, sweep: Bool, on source: any KeyBrowsingSource
    ) async throws -> (versionKey: [UInt8], version: String?, results: [[UInt8]]) {
        let key = versionKey(function: function, prefix: prefix)
        guard sweep,
            let value = try await source.firstBytes(of: BrowsedKey(key: key, type: "string", ttlMilliseconds: nil, size: nil), maxBytes: 256),
            let version = versionToken(value.bytes)
        else { return (key, nil, []) }
        // Flask-Caching: <prefix><16-char digest><version>[…]; ours: <prefix>memoize/<name>/<16-char digest><version>[…].
        let namespace = function.hasPrefix("memoize/") ? prefix + Array("\(function)/".utf8) : prefix
        let token = Array(version.utf8)
        var results: [[UInt8]] = []
        _ = try await source.browseKeys(matching: .prefix(namespace), limit: .max) { batch in
            for entry in batch where isEntry(entry.key, namespace: namespace, version: token) { results.append(entry.key) }
            return true
        }
        return (key, version, results)
    }

    /// Whether `key` is a memoized entry in `namespace` stored under `version`: 16 digest characters, then
    /// the version, then at most an instance version.
    static func isEntry(_ key: [UInt8], namespace: [UInt8], version: [UInt8]) -> Bool {
        guard key.hasBytePrefix(namespace) else { return false }
        let rest = key[namespace.count...]
        guard rest.count == 16 + version.count || rest.count == 16 + 2 * version.count else { return false }
        let start = rest.startIndex + 16
        return rest[start..<(start + version.count)].elementsEqual(version)
    }

    /// The version string stored in a version key: text as it is (our `Caching`), or the short string inside
    /// Flask-Caching's pickle (`!` + pickle: SHORT_BINUNICODE, BINUNICODE or SHORT_BINSTRING).
    static func versionToken(_ bytes: [UInt8]) -> String? {
        if bytes.first == UInt8(ascii: "!") || bytes.first == 0x80 {
            var index = 0
            while index < bytes.count {
                let opcode = bytes[index]
                if opcode == 0x8C || opcode == UInt8(ascii: "U"), index + 1 < bytes.count {
                    let length = Int(bytes[index + 1])
                    if (4...16).contains(length), index + 2 + length <= bytes.count {
                        return String(decoding: bytes[(index + 2)..<(index + 2 + length)], as: UTF8.self)
                    }
                }
                if opcode == UInt8(ascii: "X"), index + 5 < bytes.count {
                    let length = Int(bytes[index + 1]) | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]) << 16 | Int(bytes[index + 4]) << 24
                    if (4...16).contains(length), index + 5 + length <= bytes.count {
                        return String(decoding: bytes[(index + 5)..<(index + 5 + length)], as: UTF8.self)
                    }
                }
                index += 1
            }
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text.hasPrefix("\"") && text.hasSuffix("\"") && text.count > 2 ? String(text.dropFirst().dropLast()) : text
    }

    /// The version key of a memoized function: `<prefix><function>_memver` (Flask-Caching's function name is
    /// `module.qualname`, e.g. `app.views.expensive`; ours is the name given to `memoize`, under `memoize/`).
    package static func versionKey(function: String, prefix: [UInt8] = KeyKind.flaskPrefix) -> [UInt8] {
        prefix + Array("\(function)_memver".utf8)
    }
}
