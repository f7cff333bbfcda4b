import Basics
import ConnectionSupport
import Foundation
import Memcache

/// A cache in memcached — one server or a pool: Flask-Caching's `MemcachedCache`, over our own pipelined
/// text-protocol client.
///
/// ```swift
/// let cache = Cache(backend: try MemcachedCache(servers: "10.0.0.6:11211,10.0.0.7:11211"), keyPrefix: "myapp:")
/// ```
///
/// - A pool spreads keys with consistent hashing (``Memcache/KetamaRing``); many-key operations go to
///   every server involved at once.
/// - Timeouts: up to 30 days are sent as relative seconds, longer ones as an absolute unix time (memcached
///   reads any `exptime` over 30 days as a date), so every timeout works; `0` never expires.
/// - Values: bytes as they are, the format in the flags (see `MemcachedValueEncoding`).
/// - `has` is `append key ""` as in Flask-Caching: it does not read the value or count as a get.
/// - `inc`/`dec` are atomic: `incr` when it can (it keeps the item's lifetime), else `gets` + `cas`
///   (negative results, which memcached's unsigned counters cannot hold; the item then gets `timeout`,
///   as Flask-Caching's get-then-set does). A missing key starts at 0.
/// - `clear()` with a prefix lists each server's keys (`lru_crawler metadump`, memcached ≥ 1.4.31) and
///   deletes only the keys under it; without a prefix it runs `flush_all` on every server, as
///   Flask-Caching does.
/// - Keys over 250 bytes or with spaces/control characters are refused unless ``MemcachedLongKeyPolicy/hash``.
public final class MemcachedCache: CacheBackend {
    /// The servers.
    public let pool: MemcachedPool
    /// What happens to keys the text protocol cannot carry.
    public let longKeys: MemcachedLongKeyPolicy

    public var kind: String { "memcached" }
    public var keyLimits: CacheKeyLimits { longKeys == .reject ? .memcachedText : .unrestricted }

    /// A cache over an existing pool.
    public init(pool: MemcachedPool, longKeys: MemcachedLongKeyPolicy = .reject) {
        self.pool = pool
        self.longKeys = longKeys
    }

    /// A cache on `servers`: `host[:port]`, several separated by commas.
    /// - Throws: ``Memcache/MemcachedError`` `.invalidAddress`. Nothing connects until the first command.
    public convenience init(
        servers: String, configuration: MemcachedConnection.Configuration = .init(), longKeys: MemcachedLongKeyPolicy = .reject
    ) throws {
        self.init(pool: MemcachedPool(addresses: try MemcachedAddress.parseList(servers), configuration: configuration), longKeys: longKeys)
    }

    public func get(_ key: String) async throws -> CacheValue? {
        let wire = try wireKey(key)
        return try await pool.client(for: wire).get([wire]).first.map(MemcachedValueEncoding.loaded)
    }

    public func getMany(_ keys: [String]) async throws -> [CacheValue?] {
        guard !keys.isEmpty else { return [] }
        let wire = try keys.map(wireKey)
        var found: [[UInt8]: CacheValue] = [:]
        for result in try await pool.sendPartitioned(wire, commands: { positions in [try .get(positions.map { wire[$0] })] }) {
            for reply in result.replies {
                if let error = reply.error { throw error }
                for item in reply.items { found[item.key] = MemcachedValueEncoding.loaded(item) }
            }
        }
        return wire.map { found[$0] }
    }

    public func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws {
        let wire = try wireKey(key)
        let result = try await pool.client(for: wire).store(
            .set, key: wire, value: value.bytes, flags: MemcachedValueEncoding.flags(for: value.format), exptime: try Self.exptime(timeout)
        )
        guard result == .stored else { throw MemcachedError(.serverError, "memcached did not store \(KeyText.quoted(key))") }
    }

    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String] {
        guard !entries.isEmpty else { return [] }
        let wire = try entries.map { try wireKey($0.key) }
        let exptime = try Self.exptime(timeout)
        var stored: [Bool] = Array(repeating: false, count: entries.count)
        let results = try await pool.sendPartitioned(wire) { positions in
            try positions.map { position in
                try .store(
                    .set, key: wire[position], value: entries[position].value.bytes,
                    flags: MemcachedValueEncoding.flags(for: entries[position].value.format), exptime: exptime)
            }
        }
        for result in results {
            for (position, reply) in zip(result.positions, result.replies) {
                if let error = reply.error { throw error }
                stored[position] = reply == .stored
            }
        }
        return zip(entries, stored).filter(\.1).map(\.0.key)
    }

    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool {
        let wire = try wireKey(key)
        return try await pool.client(for: wire).store(
            .add, key: wire, value: value.bytes, flags: MemcachedValueEncoding.flags(for: value.format), exptime: try Self.exptime(timeout)
        ) == .stored
    }

    public func delete(_ key: String) async throws -> Bool {
        let wire = try wireKey(key)
        return try await pool.client(for: wire).delete(wire)
    }

    public func deleteMany(_ keys: [String]) async throws -> [String] {
        guard !keys.isEmpty else { return [] }
        let wire = try keys.map(wireKey)
        for result in try await pool.sendPartitioned(wire, commands: { positions in try positions.map { try .delete(wire[$0]) } }) {
            if let error = result.replies.lazy.compactMap(\.error).first { throw error }
        }
        return keys
    }

    public func has(_ key: String) async throws -> Bool {
        let wire = try wireKey(key)
        return try await pool.client(for: wire).store(.append, key: wire, value: []) == .stored
    }

    public func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool {
        let wire = try wireKey(key)
        return try await pool.client(for: wire).touch(wire, exptime: try Self.exptime(timeout))
    }

    public func clear(prefix: String) async throws -> Int {
        if prefix.isEmpty {
            var removed = 0
            for client in pool.clients {
                let stats = try await client.stats()
                removed += stats.first { $0.name == "curr_items" }.flatMap { Int($0.value) } ?? 0
                try await client.flushAll()
            }
            return removed
        }
        let bytes = Array(prefix.utf8)
        var deleted = 0
        for client in pool.clients { deleted += try await client.deleteKeys(withPrefix: bytes).deleted }
        return deleted
    }

    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 {
        let wire = try wireKey(key)
        let client = pool.client(for: wire)
        let exptime = try Self.exptime(timeout)
        for _ in 0..<64 {
            if delta >= 0 {
                let reply = try await client.send([try .increment(wire, by: UInt64(delta))])[0]
                switch reply {
                case .number(let value):
                    guard let result = Int64(exactly: value) else {
                        // Put the old value back before refusing (memcached's counters are unsigned 64-bit).
                        _ = try? await client.send([try .decrement(wire, by: UInt64(delta))])
                        throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): the result is out of range")
                    }
                    return result
                case .notFound:
                    if try await client.store(
                        .add, key: wire, value: Array(String(delta).utf8), flags: MemcachedValueEncoding.integerFlags, exptime: exptime) == .stored
                    {
                        return delta
                    }
                    continue
                default:
                    break  // a negative or non-numeric value: read it and decide below
                }
            }
            guard let item = try await client.get([wire], withCAS: true).first, let casUnique = item.casUnique else {
                if try await client.store(
                    .add, key: wire, value: Array(String(delta).utf8), flags: MemcachedValueEncoding.integerFlags, exptime: exptime) == .stored
                {
                    return delta
                }
                continue
            }
            let loaded = MemcachedValueEncoding.loaded(MemcachedItem(key: item.key, flags: MemcachedValueEncoding.integerFlags, value: item.value))
            guard let current = loaded.integerValue else {
                throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): the stored value is not an integer")
            }
            let (sum, overflow) = current.addingReportingOverflow(delta)
            if overflow { throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): the result is out of range") }
            let result = try await client.store(
                .cas, key: wire, value: Array(String(sum).utf8), flags: MemcachedValueEncoding.integerFlags, exptime: exptime, casUnique: casUnique
            )
            if result == .stored { return sum }
        }
        throw CacheError(.backendFailure, "cannot increment \(KeyText.quoted(key)): it kept changing under us (64 attempts)")
    }

    public func statistics() async throws -> CacheBackendStatistics {
        var total = CacheBackendStatistics()
        for client in pool.clients {
            let stats = Dictionary(try await client.stats().map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            func number(_ name: String) -> UInt64 { stats[name].flatMap { UInt64($0) } ?? 0 }
            total.hits += number("get_hits")
            total.misses += number("get_misses")
            total.sets += number("cmd_set")
            total.deletes += number("delete_hits")
            total.evictions += number("evictions")
            total.expirations += number("reclaimed")
            total.keys += Int(number("curr_items"))
            total.bytes += Int(number("bytes"))
        }
        return total
    }

    public func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing {
        let bytes = Array(prefix.utf8)
        var found: [CacheKeyInfo] = []
        var hasMore = false
        for client in pool.clients where !hasMore {
            let serverTime = try await client.stats().first { $0.name == "time" }.flatMap { Int64($0.value) } ?? Int64(Date().timeIntervalSince1970)
            _ = try await MetadumpReader.dump(from: client.address, connectTimeout: client.configuration.connectTimeout) { entries in
                for entry in entries where entry.key.hasBytePrefix(bytes) {
                    guard found.count < limit else {
                        hasMore = true
                        return false
                    }
                    found.append(
                        CacheKeyInfo(
                            key: String(decoding: entry.key, as: UTF8.self),
                            remainingSeconds: entry.remainingSeconds(serverTime: serverTime).map(Double.init),
                            size: entry.size,
                            format: entry.flags.map(MemcachedValueEncoding.format(forFlags:))
                        ))
                }
                return true
            }
        }
        return CacheKeyListing(keys: found.sorted { $0.key < $1.key }, totalMatching: nil, hasMore: hasMore)
    }

    private func wireKey(_ key: String) throws -> [UInt8] {
        try MemcachedKeyMapping.wireKey(key, policy: longKeys)
    }

    /// The `exptime` for a timeout (relative up to 30 days, absolute beyond).
    static func exptime(_ timeout: CacheTimeout) throws -> Int64 {
        let timeout = try timeout.validated()
        return MemcachedExpiry.exptime(seconds: timeout.isNever ? nil : timeout.seconds)
    }
}
