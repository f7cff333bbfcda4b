import Basics
import ConnectionSupport
import RESP

/// A cache in Redis: Flask-Caching's `RedisCache`, over our own pipelined RESP client.
///
/// ```swift
/// let cache = Cache(backend: try RedisCache(url: "redis://:secret@127.0.0.1:6379/0"), keyPrefix: "myapp:")
/// ```
///
/// - Commands: `GET`, `MGET`, `SET … PX` (no `PX` for timeout 0), `SET … NX PX` for `add`, `DEL`,
///   `EXISTS`, pipelined `MSET` + `PEXPIRE` for `setMany`, `SET … NX` + `INCRBY`/`DECRBY` for counters
///   (atomic; a new counter gets the cache's default timeout, an existing one keeps its TTL).
/// - The key prefix is the ``Cache``'s ``Cache/Configuration/keyPrefix``: this backend stores full keys.
///   `clear()` with a prefix scans (`SCAN MATCH`, never `KEYS`) and `UNLINK`s only keys under it; only a
///   cache without a prefix runs `FLUSHDB`, as Flask-Caching does.
/// - A Redis Cluster works as one server: a ``RESP/RedisDeployment`` (what ``init(url:configuration:)``
///   builds) or a ``RESP/RedisClusterClient`` routes each command by slot and splits multi-key commands per
///   slot; `clear()`, statistics and key listings run on every master.
/// - Values: see `RedisValueEncoding` — integers as digits, text and bytes as they are, JSON marked.
/// - Failures (unreachable, timeout, `-OOM`, …) are thrown as ``RESP/RedisError``; the ``Cache`` facade
///   logs them and treats them as misses unless told to throw.
public final class RedisCache: CacheBackend {
    /// The client commands go through (one pipelined connection, reopened after failures).
    public let client: any RedisCommandExecutor

    public var kind: String { "redis" }

    /// A cache over an existing client (share one client between caches on the same server).
    public init(client: any RedisCommandExecutor) {
        self.client = client
    }

    /// A cache on the server at `url` (`redis://[[user]:password@]host[:port][/db]`) — a single server or
    /// any node of a cluster, found out on first use — or on the master Sentinel names
    /// (`redis+sentinel://host:26379[,host:port…]/SERVICE[/db]`), followed across failovers.
    /// - Throws: ``RESP/RedisError`` `.invalidURL`. Nothing connects until the first command.
    public convenience init(url: String, configuration: RESPConnection.Configuration = .init()) throws {
        if url.lowercased().hasPrefix("redis+sentinel://") {
            self.init(client: RedisDeployment(sentinel: try RedisSentinelTarget(parsing: url), configuration: configuration))
        } else {
            self.init(client: RedisDeployment(url: try RedisURL(parsing: url), configuration: configuration))
        }
    }

    public func get(_ key: String) async throws -> CacheValue? {
        try await client.send(RESPCommand("GET", key: Array(key.utf8))).bytes.map(RedisValueEncoding.loaded)
    }

    public func getMany(_ keys: [String]) async throws -> [CacheValue?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await client.send(RESPCommand("MGET", keys: keys.map { Array($0.utf8) }))
        return (reply.array ?? []).map { $0.bytes.map(RedisValueEncoding.loaded) }
    }

    public func set(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws {
        try await client.send(RESPCommand("SET", key: Array(key.utf8), [RedisValueEncoding.stored(value)] + Self.expiry(timeout)))
    }

    public func setMany(_ entries: [(key: String, value: CacheValue)], timeout: CacheTimeout) async throws -> [String] {
        guard !entries.isEmpty else { return [] }
        let keys = entries.map { Array($0.key.utf8) }
        var arguments: [any RESPArgument] = []
        for (key, entry) in zip(keys, entries) { arguments += [key, RedisValueEncoding.stored(entry.value)] }
        var commands = [RESPCommand("MSET", arguments, keyPositions: Array(stride(from: 1, to: arguments.count, by: 2)))]
        if !timeout.isNever {
            let milliseconds = Self.milliseconds(try timeout.validated())
            commands += keys.map { RESPCommand("PEXPIRE", key: $0, [milliseconds]) }
        }
        let replies = try await client.send(commands)
        if let message = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.reply(message) }
        return entries.map(\.key)
    }

    public func add(_ key: String, _ value: CacheValue, timeout: CacheTimeout) async throws -> Bool {
        let reply = try await client.send(RESPCommand("SET", key: Array(key.utf8), [RedisValueEncoding.stored(value), "NX"] + Self.expiry(timeout)))
        return !reply.isNull
    }

    public func delete(_ key: String) async throws -> Bool {
        try await client.send(RESPCommand("DEL", keys: [Array(key.utf8)])).integer ?? 0 > 0
    }

    public func deleteMany(_ keys: [String]) async throws -> [String] {
        guard !keys.isEmpty else { return [] }
        try await client.send(RESPCommand("DEL", keys: keys.map { Array($0.utf8) }))
        return keys
    }

    public func has(_ key: String) async throws -> Bool {
        try await client.send(RESPCommand("EXISTS", keys: [Array(key.utf8)])).integer ?? 0 > 0
    }

    public func touch(_ key: String, timeout: CacheTimeout) async throws -> Bool {
        let bytes = Array(key.utf8)
        if try timeout.validated().isNever {
            let replies = try await client.send([RESPCommand("PERSIST", key: bytes), RESPCommand("EXISTS", keys: [bytes])])
            return replies.last?.integer ?? 0 > 0
        }
        return try await client.send(RESPCommand("PEXPIRE", key: bytes, [Self.milliseconds(timeout)])).integer ?? 0 > 0
    }

    public func clear(prefix: String) async throws -> Int {
        if prefix.isEmpty {
            var removed = 0
            for node in try await client.dataNodes() {
                let replies = try await node.send([RESPCommand("DBSIZE"), RESPCommand("FLUSHDB")])
                if let message = replies[1].errorMessage { throw RedisError.reply(message) }
                removed += Int(replies[0].integer ?? 0)
            }
            return removed
        }
        return try await client.deleteKeys(withPrefix: Array(prefix.utf8)).deleted
    }

    public func increment(_ key: String, by delta: Int64, timeout: CacheTimeout) async throws -> Int64 {
        let bytes = Array(key.utf8)
        let change =
            delta < 0 && delta != .min
            ? RESPCommand("DECRBY", key: bytes, [-delta])
            : RESPCommand("INCRBY", key: bytes, [delta])
        let replies = try await client.send([RESPCommand("SET", key: bytes, ["0", "NX"] + Self.expiry(timeout)), change])
        if let message = replies[1].errorMessage {
            if message.hasPrefix("ERR value is not an integer") || message.hasPrefix("WRONGTYPE") || message.contains("overflow") {
                throw CacheError(.notAnInteger, "cannot increment \(KeyText.quoted(key)) by \(delta): \(message)")
            }
            throw RedisError.reply(message)
        }
        guard let value = replies[1].integer else { throw RedisError(.protocolViolation, "protocol violation: INCRBY did not return an integer") }
        return value
    }

    public func statistics() async throws -> CacheBackendStatistics {
        var totals = CacheBackendStatistics()
        for node in try await client.dataNodes() {
            let info = try await node.info(["stats", "memory", "keyspace"])
            totals.hits += info.keyspaceHits ?? 0
            totals.misses += info.keyspaceMisses ?? 0
            totals.evictions += info.evictedKeys ?? 0
            totals.expirations += info.expiredKeys ?? 0
            totals.keys += info.keyspace.values.reduce(0) { $0 + $1.keys }
            totals.bytes += Int(info.usedMemory ?? 0)
        }
        return totals
    }

    public func listKeys(prefix: String, limit: Int) async throws -> CacheKeyListing {
        let prefixBytes = Array(prefix.utf8)
        let pattern = RedisGlob.matchingPrefix(prefixBytes)
        var seen = KeyDigestSet()
        var found: [[UInt8]] = []
        var hasMore = false
        for node in try await client.dataNodes() where !hasMore {
            var cursor: UInt64 = 0
            repeat {
                let page = try await node.scan(cursor: cursor, match: pattern, count: 1000)
                cursor = page.cursor
                for key in page.keys where key.hasBytePrefix(prefixBytes) && seen.insert(key) {
                    if found.count < limit { found.append(key) } else { hasMore = true }
                }
            } while cursor != 0 && !hasMore
        }
        var commands: [RESPCommand] = []
        for key in found { commands += [RESPCommand("PTTL", key: key), RESPCommand("MEMORY", ["USAGE", key], keyPositions: [2])] }
        let replies = commands.isEmpty ? [] : try await client.send(commands)
        var infos: [CacheKeyInfo] = []
        for (index, key) in found.enumerated() {
            let ttl = replies[2 * index].integer ?? -2
            guard ttl != -2 else { continue }
            infos.append(
                CacheKeyInfo(
                    key: String(decoding: key, as: UTF8.self),
                    remainingSeconds: ttl < 0 ? nil : Double(ttl) / 1000,
                    size: replies[2 * index + 1].integer.map { Int($0) },
                    format: nil
                ))
        }
        return CacheKeyListing(keys: infos.sorted { $0.key < $1.key }, totalMatching: nil, hasMore: hasMore)
    }

    // MARK: timeouts

    /// `PX <ms>`, or nothing for a timeout that never expires.
    static func expiry(_ timeout: CacheTimeout) throws -> [any RESPArgument] {
        let timeout = try timeout.validated()
        return timeout.isNever ? [] : ["PX", milliseconds(timeout)]
    }

    /// Whole milliseconds, rounded up, at least 1 (a positive timeout never becomes "no expiry").
    static func milliseconds(_ timeout: CacheTimeout) -> Int64 {
        max(1, Int64((timeout.seconds * 1000).rounded(.up)))
    }
}
