import Synchronization

/// The untyped machinery behind ``Memoized`` and ``MemoizedMethod``: key building, version keys, the
/// hit/miss flow and invalidation. The generic wrappers only turn arguments into ``ArgumentText``.
///
/// Keys (after the cache's prefix):
/// - entry: `memoize/<name>/<16-char digest><function version>[<instance version>]`
/// - function version: `memoize/<name>_memver`; instance version: `memoize/<name>.<caching id>_memver`
///
/// The digest covers the name, the argument text and the optional code version. Replacing a version token
/// (``resetVersion(instanceID:)``) makes every entry written under the old one unreachable; those orphans
/// expire with their own timeout, exactly as in Flask-Caching.
///
/// Version keys are created with no expiry and, whenever an entry is stored, extended (`touch`) to at least
/// that entry's lifetime, so they never expire before the newest entry written under them (Flask-Caching
/// bug #531) and do expire once all their entries have. The extension is skipped when this process already
/// extended the version key that far.
final class MemoizeEngine: Sendable {
    let cache: Cache
    let name: String
    let counters: CacheGroupCounters
    let options: Options
    private let timeoutOverride: Mutex<CacheTimeout?>
    private let versionCoverage = Mutex<[String: Double]>([:])
    /// The function's version key (the cache's prefix and key limits are fixed, so it is made once).
    private let functionVersionKey: Result<String, CacheError>
    /// Entry keys already made, by argument text and version tokens: a hit skips the digest. Bounded (emptied
    /// when full); a key is a pure function of what it is looked up by, so a remembered one is never wrong.
    private let entryKeys = Mutex<[EntryKeyInput: String]>([:])
    private static let rememberedEntryKeys = 4096

    private struct EntryKeyInput: Hashable {
        var argumentText: String
        var versions: String
    }

    struct Options: Sendable {
        var cacheNone: Bool
        var hashMethod: CacheKeyHash?
        var codeVersion: String?
    }

    init(cache: Cache, name: String, timeout: CacheTimeout?, options: Options) {
        self.cache = cache
        self.name = Self.sanitize(name)
        self.counters = cache.statistics.group(self.name, kind: .memoize)
        self.options = options
        self.timeoutOverride = Mutex(timeout)
        let versionKey = "memoize/\(self.name)_memver"
        self.functionVersionKey = Result { try cache.fullKey(versionKey) }.mapError { $0 as? CacheError ?? CacheError(.invalidKey, "\($0)") }
    }

    /// The decorator's timeout (`nil` = the cache default); read when an entry is stored.
    var timeout: CacheTimeout? {
        get { timeoutOverride.withLock { $0 } }
        set { timeoutOverride.withLock { $0 = newValue } }
    }

    /// Keeps `[A-Za-z0-9_.]`, as Flask-Caching does with function names, so version keys suit every backend.
    static func sanitize(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "." }
        return kept.isEmpty ? "_" : String(String.UnicodeScalarView(kept))
    }

    // MARK: keys

    func versionKeys(instanceID: String?) throws -> [String] {
        var keys = [try functionVersionKey.get()]
        if let instanceID { keys.append(try cache.fullKey("memoize/\(name).\(Self.sanitize(instanceID))_memver")) }
        return keys
    }

    func entryKey(argumentText: String, versions: String) throws -> String {
        let input = EntryKeyInput(argumentText: argumentText, versions: versions)
        if let known = entryKeys.withLock({ $0[input] }) { return known }
        let hash = options.hashMethod ?? cache.configuration.hashMethod
        let digest = hash.shortDigest(of: name + argumentText + (options.codeVersion ?? ""))
        let key = try cache.fullKey("memoize/\(name)/\(digest)\(versions)")
        entryKeys.withLock { known in
            if known.count >= Self.rememberedEntryKeys { known.removeAll(keepingCapacity: true) }
            known[input] = key
        }
        return key
    }

    /// The current version tokens, concatenated; missing ones are created (with `add`, so two processes
    /// racing agree on one token) unless `create` is false, in which case `nil` is returned.
    func currentVersions(instanceID: String?, create: Bool) async throws -> String? {
        let keys = try versionKeys(instanceID: instanceID)
        if keys.count == 1, let value = try await cache.backend.get(keys[0]), !value.bytes.isEmpty {
            // The usual case, a function's own version: one read, no lists.
            return String(decoding: value.bytes, as: UTF8.self)
        }
        let stored = try await cache.backend.getMany(keys)
        var tokens: [String] = []
        for (key, value) in zip(keys, stored) {
            if let value, !value.bytes.isEmpty {
                tokens.append(String(decoding: value.bytes, as: UTF8.self))
                continue
            }
            guard create else { return nil }
            tokens.append(try await createVersion(key))
        }
        return tokens.joined()
    }

    private func createVersion(_ key: String) async throws -> String {
        let fresh = Self.newToken()
        forgetCoverage(of: key)
        if try await cache.backend.add(key, Self.tokenValue(fresh), timeout: .never) { return fresh }
        if let winner = try await cache.backend.get(key), !winner.bytes.isEmpty {
            return String(decoding: winner.bytes, as: UTF8.self)
        }
        try await cache.backend.set(key, Self.tokenValue(fresh), timeout: .never)
        return fresh
    }

    func cacheKey(argumentText: String, instanceID: String?) async throws -> String {
        let versions = try await currentVersions(instanceID: instanceID, create: true) ?? ""
        return try entryKey(argumentText: argumentText, versions: versions)
    }

    // MARK: the call

    /// Serves a call from the cache or computes and stores it, following Flask-Caching's memoize flow.
    func call<Result: Codable & Sendable>(
        argumentText: String,
        instanceID: String?,
        forcedUpdate: Bool,
        isStale: ((Result) -> Bool)?,
        responseFilter: ((Result) -> Bool)?,
        compute: () async throws -> Result
    ) async throws -> Result {
        let key: String
        do {
            key = try await cacheKey(argumentText: argumentText, instanceID: instanceID)
            if !forcedUpdate, let stored = try await cache.backend.get(key), let value = hitValue(stored, as: Result.self),
                isStale?(value) != true
            {
                cache.record(.hit, in: counters, key: key, arguments: argumentText)
                return value
            }
        } catch let error as CacheError where error.code != .backendFailure {
            throw error
        } catch {
            counters.recordError()
            try cache.absorb(error, operation: "memoize \(name)", key: name)
            return try await compute()
        }
        cache.record(.miss, in: counters, key: key, arguments: argumentText)
        let result = try await compute()
        if !options.cacheNone, let optional = result as? any OptionalValue, optional.isNone { return result }
        if let responseFilter, !responseFilter(result) { return result }
        await store(result, under: key, instanceID: instanceID)
        return result
    }

    /// A stored value usable as a hit: decodable as `Result`, and not a stored `nil` unless `cacheNone`.
    private func hitValue<Result: Decodable>(_ stored: CacheValue, as type: Result.Type) -> Result? {
        if stored.isNull && !options.cacheNone { return nil }
        return try? CacheValueCoding.decode(Result.self, from: stored)
    }

    private func store<Result: Encodable>(_ result: Result, under key: String, instanceID: String?) async {
        do {
            let lifetime = try cache.resolve(timeout)
            let expiry = lifetime.expiry(from: cache.configuration.clock.now())
            try await cache.backend.set(key, try CacheValueCoding.encode(result), timeout: lifetime)
            try await extendVersions(try versionKeys(instanceID: instanceID), toCover: expiry, timeout: lifetime)
        } catch {
            counters.recordError()
            try? cache.absorb(error, operation: "memoize \(name) store", key: key)
        }
    }

    // MARK: version lifetimes

    private func extendVersions(_ keys: [String], toCover expiry: Double, timeout: CacheTimeout) async throws {
        let needed = versionCoverage.withLock { coverage in keys.filter { (coverage[$0] ?? -.infinity) < expiry } }
        for key in needed where try await cache.backend.touch(key, timeout: timeout) {
            versionCoverage.withLock { coverage in
                if coverage.count > 10_000 { coverage.removeAll() }
                coverage[key] = max(coverage[key] ?? -.infinity, expiry)
            }
        }
    }

    private func forgetCoverage(of key: String) {
        _ = versionCoverage.withLock { $0.removeValue(forKey: key) }
    }

    // MARK: invalidation

    /// Replaces the function's (or one instance's) version token: every cached call becomes unreachable.
    func resetVersion(instanceID: String?) async throws {
        let keys = try versionKeys(instanceID: instanceID)
        guard let key = keys.last else { return }
        try await cache.guarded("delete_memoized \(name)", key: key, fallback: ()) {
            forgetCoverage(of: key)
            try await cache.backend.set(key, Self.tokenValue(Self.newToken()), timeout: .never)
        }
    }

    /// Deletes the entry of exactly one call. - Returns: whether an entry was removed.
    func deleteEntry(argumentText: String, instanceID: String?) async throws -> Bool {
        let keys = try versionKeys(instanceID: instanceID)
        return try await cache.guarded("delete_memoized \(name)", key: keys[0], fallback: false) {
            guard let versions = try await currentVersions(instanceID: instanceID, create: false) else { return false }
            return try await cache.backend.delete(try entryKey(argumentText: argumentText, versions: versions))
        }
    }

    /// Deletes the version key(s), as Flask-Caching's `delete_memoized_verhash`: the next call creates a
    /// new version and recomputes.
    func deleteVersionKeys(instanceID: String?) async throws {
        let keys = try versionKeys(instanceID: instanceID)
        let doomed = instanceID == nil ? keys : Array(keys.suffix(1))
        try await cache.guarded("delete_memoized_verhash \(name)", key: keys[0], fallback: ()) {
            for key in doomed { forgetCoverage(of: key) }
            _ = try await cache.backend.deleteMany(doomed)
        }
    }

    private static func newToken() -> String { Base64URL.randomToken(count: 6) }
    private static func tokenValue(_ token: String) -> CacheValue { CacheValue(format: .text, bytes: Array(token.utf8)) }
}
