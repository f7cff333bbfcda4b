/// Where a key splits into prefix groups — the one rule the keyspace and traffic insights (and so their
/// tables) share: after each delimiter (not at the key's very end); for a Flask-Caching view key also at
/// the end of its route (the route key itself, or before a query-string digest); a memoized result only up
/// to its namespace (its digest is random).
package struct PrefixSplitter: Sendable {
    package let delimiters: KeyDelimiters
    /// The application's key prefix under which memoized results are recognised.
    package let memoizePrefix: [UInt8]

    /// - Parameter keyPrefix: the application's key prefix; `nil` or empty: Flask-Caching's default,
    ///   `flask_cache_`.
    package init(delimiters: KeyDelimiters, keyPrefix: [UInt8]?) {
        self.delimiters = delimiters
        memoizePrefix = keyPrefix.flatMap { $0.isEmpty ? nil : $0 } ?? KeyKind.flaskPrefix
    }

    /// `key` read as a memoized result under ``memoizePrefix``, if it is one.
    func memoized(_ key: [UInt8]) -> MemoizedResultKey? {
        MemoizedResultKey(key, keyPrefix: memoizePrefix)
    }

    /// Whether `key` is a Flask-Caching memoize version key (`<prefix><function>_memver`).
    func isVersionKey(_ key: [UInt8]) -> Bool {
        key.hasBytePrefix(memoizePrefix) && KeyKind.of(key, prefix: memoizePrefix) == .version
    }

    /// The ends (exclusive) of `key`'s groups, shortest first.
    func boundaries(of key: [UInt8], memoized: MemoizedResultKey?) -> [Int] {
        var ends: [Int] = []
        if let memoized {
            for index in 0..<memoized.namespaceEnd where delimiters.contains(key[index]) { ends.append(index + 1) }
            if ends.last != memoized.namespaceEnd { ends.append(memoized.namespaceEnd) }
            return ends
        }
        var mayBeView = false
        for index in key.indices where delimiters.contains(key[index]) && index + 1 < key.count {
            ends.append(index + 1)
            // `…view/`: only then is it worth asking whether the key is a Flask-Caching view.
            if !mayBeView, index >= 4, key[index] == UInt8(ascii: "/"), key[index - 4] == UInt8(ascii: "v"), key[index - 1] == UInt8(ascii: "w") {
                mayBeView = true
            }
        }
        if mayBeView || !delimiters.contains(UInt8(ascii: "/")), let route = FlaskCachingKeyParts.routeBase(of: key), route <= key.count,
            !ends.contains(route)
        {
            ends.append(route)
            ends.sort()
        }
        return ends
    }

    /// The route a group of exactly one Flask-Caching route's keys serves: one cut at the route's end (not at a
    /// delimiter, where longer paths would share it).
    func route(of prefix: [UInt8]) -> FlaskCachingGroup? {
        guard let last = prefix.last, !delimiters.contains(last), let route = FlaskCachingKeyParts.route(of: prefix),
            FlaskCachingKeyParts.routeBase(of: prefix) == prefix.count
        else { return nil }
        return .route(path: route.path, keyPrefix: route.keyPrefix)
    }
}
