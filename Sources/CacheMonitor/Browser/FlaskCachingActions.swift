import ConnectionSupport

/// The two invalidations a Flask-Caching user actually wants, on any source.
public enum FlaskCachingActions {
    /// The keys of one cached route: `<prefix>view/<path>` itself and its query-string variants
    /// (`view/<path>` + a 32- or 64-hex digest), never the keys of longer paths (`/api/users/7` is not
    /// `/api/users`).
    /// - Parameter prefix: the application's key prefix (Flask-Caching's default is `flask_cache_`).
    public static func routeKeys(
        path: String, prefix: [UInt8] = KeyKind.flaskPrefix, on source: any CacheSource, limit: Int = 100_000
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

    /// The version key of a memoized function: `<prefix><function>_memver` (Flask-Caching's function name is
    /// `module.qualname`, e.g. `app.views.expensive`; ours is the name given to `memoize`, under `memoize/`).
    public static func versionKey(function: String, prefix: [UInt8] = KeyKind.flaskPrefix) -> [UInt8] {
        prefix + Array("\(function)_memver".utf8)
    }
}
