import Basics
import ConnectionSupport
import RESP
import Synchronization

/// Everything the monitor does with one Redis server or one Redis Cluster: sample its stats, browse keys,
/// preview values, delete keys and invalidate prefixes.
///
/// A `redis://` URL that turns out to be a cluster node (``RESP/RedisDeployment``) is watched as the whole
/// cluster, under the same name: totals over the masters, one reading per node, keys from every master
/// (see `RedisSource+Cluster.swift`).
///
/// Stats sampling uses only `INFO` and `PING`, which do not move `keyspace_hits`/`misses`. Browsing
/// (`TYPE`, `PTTL`, previews, `EXISTS`) does, so every such lookup is counted in ``ownReads`` and
/// subtracted where the dashboard shows the application's hit ratio. On Redis 7.2+ the browsing
/// connection also sends `CLIENT NO-TOUCH on`, so browsing never changes LRU/LFU order.
///
/// Prefix invalidation runs on a connection of its own, so a long deletion never delays a stats sample.
package final class RedisSource: Sendable {
    /// The name shown and used on the command line (`redis`, `redis2`, a config name).
    package let name: String
    /// The server, or a cluster's first seed (its password is never shown).
    package let url: RedisURL
    /// Every seed of a cluster configured as one (`type = "redis-cluster"`); else just ``url``.
    package let seeds: [RedisURL]
    /// Lookups the monitor made itself.
    package let ownReads = OwnReads()
    /// Every command the monitor sent, per server (left out of the health view's calls per second).
    package let ownCommands: OwnCommands
    /// One server or a cluster, as the URL turns out to be.
    let client: RedisDeployment
    let configuration: RESPConnection.Configuration
    let capabilities = Mutex(Capabilities())
    /// `PING` + `INFO` sent to each cluster node by sampling, by `host:port`.
    let nodeSampleCommands = Mutex<[String: UInt64]>([:])
    /// Whether the server has per-field TTLs, and whether it holds hashes with expiring fields (re-read now and
    /// then): the key browser reads field TTLs only then.
    let fieldTTLState = Mutex(FieldTTLState())
    /// Cluster nodes sampled at least once (their first read may take the connect timeout).
    let nodesTried = Mutex<Set<String>>([])

    /// What the server turned out to support, learned on first use.
    struct Capabilities {
        var memoryUsage: Bool?
        var memoryUsageCounts: Bool?
        /// `TYPE` and `PTTL` refused (an ACL): not asked again until a reconnect of this source.
        var typeRefused = false
        var ttlRefused = false
    }

    /// Creates a source for a server or any node of a cluster; nothing connects until the first call.
    package init(name: String, url: RedisURL, configuration: RESPConnection.Configuration = .init()) {
        var configuration = configuration
        configuration.noTouch = true
        ownCommands = OwnCommands()
        configuration.observer = ownCommands
        self.name = name
        self.url = url
        seeds = [url]
        self.configuration = configuration
        client = RedisDeployment(url: url, configuration: configuration)
    }

    /// Creates a source for a master found through Sentinel (and followed across failovers); nothing connects
    /// until the first call.
    package init(name: String, sentinel target: RedisSentinelTarget, configuration: RESPConnection.Configuration = .init()) {
        var configuration = configuration
        configuration.noTouch = true
        ownCommands = OwnCommands()
        configuration.observer = ownCommands
        self.name = name
        url = target.dataNode
        seeds = [target.dataNode]
        self.configuration = configuration
        client = RedisDeployment(sentinel: target, configuration: configuration)
    }

    /// Creates a source for a cluster reached through any of `seeds`; nothing connects until the first call.
    package init(name: String, clusterSeeds seeds: ClusterSeeds, configuration: RESPConnection.Configuration = .init()) {
        var configuration = configuration
        configuration.noTouch = true
        ownCommands = OwnCommands()
        configuration.observer = ownCommands
        client = RedisDeployment(clusterSeeds: seeds, configuration: configuration)
        self.name = name
        url = seeds.first
        self.seeds = seeds.urls
        self.configuration = configuration
    }

    /// Creates a source for a cluster reached through any of `seeds`; nothing connects until the first call.
    /// - Throws: ``RESP/RedisError`` `.invalidURL` (no seeds, a socket path, a database other than 0).
    package convenience init(name: String, clusterSeeds seeds: [RedisURL], configuration: RESPConnection.Configuration = .init()) throws {
        self.init(name: name, clusterSeeds: try ClusterSeeds(seeds), configuration: configuration)
    }

    /// `host:port` (or the socket path); a configured cluster's seeds, comma-separated; a Sentinel-managed
    /// master's sentinels and service.
    package var address: String {
        if let sentinel = client.sentinel { return sentinel.target.description }
        return seeds.map(\.hostAndPort).joined(separator: ",")
    }

    /// Connects and logs in now (otherwise the first call does); for a cluster, reads its slot map.
    package func connect() async throws {
        switch try await client.shape() {
        case .single(let server): try await server.connect()
        case .cluster(let cluster): try await cluster.refreshTopology()
        }
    }

    /// The server a connection of its own should go to: the URL's, or the master the sentinels name now.
    func serverURL() async throws -> RedisURL {
        guard let sentinel = client.sentinel else { return url }
        return try await sentinel.master().url
    }

    /// Connections of its own for long work (a prefix deletion, a keyspace read, a traffic sample's plan),
    /// so the dashboard's sampling never waits behind it: the server's (a Sentinel's current master), or
    /// every master of the cluster's. They are closed when `body` returns or throws.
    func withOwnConnections<Result>(_ body: (OwnConnections) async throws -> Result) async throws -> Result {
        guard try await cluster() != nil else {
            let server = try await serverURL()
            return try await RedisClient(url: server, configuration: configuration).executeThenClose { client in
                try await body(OwnConnections(servers: [(server.hostAndPort, client)], cluster: nil))
            }
        }
        return try await RedisClusterClient(seeds: seeds, configuration: configuration).executeThenClose { cluster in
            let masters = try await cluster.masterClients().map { (address: $0.shard.master.address, client: $0.client) }
            return try await body(OwnConnections(servers: masters, cluster: cluster))
        }
    }

    /// The cluster, when the URL turned out to be one.
    func cluster() async throws -> RedisClusterClient? {
        if case .cluster(let cluster) = try await client.shape() { return cluster }
        return nil
    }

    /// Samples `INFO` and the `PING` round trip (measured on an open connection, so a reconnect is not
    /// counted as latency).
    package func stats() async throws -> RedisStats {
        try await stats(withAttention: false).stats
    }

    /// Samples `INFO` and the `PING` round trip and, when asked, the attention reading of the server in the
    /// same round trip (`INFO` with the replication and persistence sections, and the slow log).
    func stats(withAttention: Bool) async throws -> (stats: RedisStats, attention: ServerHealth?) {
        let server: any RedisCommandExecutor
        var address: String?
        switch try await client.shape() {
        case .single(let client):
            try await client.connect()
            server = client
            address = client.url.hostAndPort
        case .cluster(let cluster):
            server = try await cluster.masterClients().first?.client ?? cluster
        }
        let attention = withAttention ? address : nil
        var sections = ["server", "clients", "memory", "stats", "keyspace"]
        if attention != nil { sections += ["replication", "persistence"] }
        // Counted before they are sent: a sample its deadline ends still reaches the server.
        ownReads.recordCommands(attention == nil ? 2 : 3)
        let read = try await Self.read(
            server, sections: sections, keeping: attention == nil ? Self.sampleFields : nil,
            also: attention == nil ? [] : [RESPCommand("SLOWLOG", ["GET", Self.slowLogReadLength])])
        let stats = RedisStats(
            info: read.info, latency: read.latency, ownReadHits: ownReads.hits, ownReadMisses: ownReads.misses, ownCommands: ownReads.commands)
        guard let attention, let slowLog = read.also.first else { return (stats, nil) }
        return (stats, Self.attentionHealth(slowLog: slowLog, info: .value(read.info), address: attention, withCommands: false))
    }

    /// `PING` and `INFO sections` on one server, whose connection is open already, in one round trip (one
    /// write and one read per sample, for fleets of hundreds): the latency is that round trip's. Only the
    /// fields a sample reads are kept (``sampleFields``) unless `keeping` says otherwise; the replies of
    /// `also`, sent in the same round trip, come back as they are.
    static func read(
        _ server: some RedisCommandExecutor, sections: [String], keeping fields: FieldNames? = sampleFields, also: [RESPCommand] = []
    ) async throws -> (info: RedisInfo, latency: Duration, also: [RESPValue]) {
        let clock = ContinuousClock()
        let started = clock.now
        // `also` goes before the INFO, so the INFO counts it among the commands processed (as every sample's
        // INFO counts the PING before it): the monitor's own commands then subtract exactly.
        let replies = try await server.send([RESPCommand("PING")] + also + [RESPCommand("INFO", sections)])
        let latency = clock.now - started
        if let message = replies.first?.errorMessage { throw RedisError.reply(message) }
        guard replies.count == 2 + also.count, let text = replies.last?.bytes else {
            if let message = replies.last?.errorMessage { throw RedisError.reply(message) }
            throw RedisError(.protocolViolation, "protocol violation: INFO did not return text")
        }
        return (RedisInfo(parsing: text, keeping: fields), latency, Array(replies.dropFirst().dropLast()))
    }

    /// The `INFO` fields a sample reads (see ``RedisInfo``'s accessors used by ``sample()`` and
    /// ``clusterSample(_:)``); the keyspace's `dbN` lines are always kept.
    static let sampleFields = FieldNames([
        "keyspace_hits", "keyspace_misses", "total_commands_processed", "evicted_keys", "expired_keys", "used_memory", "maxmemory",
        "uptime_in_seconds", "redis_version", "valkey_version", "server_name", "connected_clients", "redis_mode", "instantaneous_ops_per_sec",
    ])

    /// One `SCAN` page. Keys may repeat across pages; callers de-duplicate.
    package func scanPage(cursor: UInt64, match pattern: [UInt8]?, count: Int = 1000) async throws -> (cursor: UInt64, keys: [[UInt8]]) {
        try await client.scan(cursor: cursor, match: pattern, count: count)
    }

    /// One `SCAN` page of one server (a cluster's master).
    func scanPage(
        on server: any RedisCommandExecutor, cursor: UInt64, match pattern: [UInt8]?, count: Int = 1000
    ) async throws -> (cursor: UInt64, keys: [[UInt8]]) {
        try await server.scan(cursor: cursor, match: pattern, count: count)
    }

    /// Type, TTL and size of `keys`, in one pipeline (`TYPE`, `PTTL`, `MEMORY USAGE` per key). Keys that
    /// vanished meanwhile are left out.
    package func details(of keys: [[UInt8]]) async throws -> [RedisKeyDetails] {
        guard !keys.isEmpty else { return [] }
        return try await finishingLookups { try await self.readDetails(of: keys) }
    }

    private func readDetails(of keys: [[UInt8]]) async throws -> [RedisKeyDetails] {
        let known = capabilities.withLock { $0 }
        let withType = !known.typeRefused
        let withTTL = !known.ttlRefused
        let withSize = known.memoryUsage != false
        var commands: [RESPCommand] = []
        commands.reserveCapacity(keys.count * 3)
        for key in keys {
            if withType { commands.append(RESPCommand("TYPE", key: key)) }
            if withTTL { commands.append(RESPCommand("PTTL", key: key)) }
            if withSize { commands.append(RESPCommand("MEMORY", ["USAGE", key], keyPositions: [2])) }
        }
        let replies = commands.isEmpty ? [] : try await client.send(commands)
        ownReads.recordCommands(commands.count)
        let ttlAt = withType ? 1 : 0
        let sizeAt = ttlAt + (withTTL ? 1 : 0)
        let stride = sizeAt + (withSize ? 1 : 0)
        // A refused TYPE or PTTL leaves its column unknown (`—`) and is not asked again; the listing goes on.
        let typeRefused = withType && keys.indices.contains { replies[$0 * stride].errorMessage != nil }
        let ttlRefused = withTTL && keys.indices.contains { replies[$0 * stride + ttlAt].errorMessage != nil }
        if typeRefused || ttlRefused {
            capabilities.withLock {
                $0.typeRefused = $0.typeRefused || typeRefused
                $0.ttlRefused = $0.ttlRefused || ttlRefused
            }
        }
        let typeKnown = withType && !typeRefused
        let ttlKnown = withTTL && !ttlRefused
        var memoryUsageCounts = known.memoryUsageCounts ?? false
        if withSize, known.memoryUsage == nil, !keys.isEmpty {
            let available = replies[sizeAt].errorMessage == nil
            if available, let sample = keys.first { memoryUsageCounts = try await memoryUsageCountsAsRead(sample) }
            capabilities.withLock {
                $0.memoryUsage = available
                $0.memoryUsageCounts = memoryUsageCounts
            }
        }
        let lookupsPerKey = (typeKnown ? 1 : 0) + (ttlKnown ? 1 : 0) + (withSize && memoryUsageCounts ? 1 : 0)
        var found: [RedisKeyDetails] = []
        var hits = 0
        var misses = 0
        for (index, key) in keys.enumerated() {
            let base = index * stride
            let type = typeKnown ? replies[base].string ?? "none" : SampledKey.unknownType
            let ttl = ttlKnown ? replies[base + ttlAt].integer ?? -2 : -1
            guard type != "none", ttl != -2 else {
                misses += lookupsPerKey
                continue
            }
            hits += lookupsPerKey
            let size = withSize ? replies[base + sizeAt].integer.map { Int($0) } : nil
            var details = RedisKeyDetails(key: key, type: type, ttlMilliseconds: ttl < 0 ? nil : ttl, size: size)
            details.ttlKnown = ttlKnown
            found.append(details)
        }
        ownReads.record(hits: hits, misses: misses)
        let hashes = found.indices.filter { found[$0].type == "hash" }
        if !hashes.isEmpty, await hasVolatileHashes() {
            let summaries = try await fieldTTLSummaries(of: hashes.map { found[$0].key })
            for index in hashes { found[index].fieldTTL = summaries[found[index].key] }
        }
        return found
    }

    /// The first bytes or items of a value: `GETRANGE 0 <maxBytes-1>` for strings, the first `maxItems`
    /// of lists, sets, sorted sets and hashes — never the whole of a large value.
    package func preview(of key: [UInt8], type: String, maxBytes: Int = 512, maxItems: Int = 10) async throws -> RedisValuePreview {
        try await finishingLookups { try await self.readPreview(of: key, type: type, maxBytes: maxBytes, maxItems: maxItems) }
    }

    private func readPreview(of key: [UInt8], type: String, maxBytes: Int, maxItems: Int) async throws -> RedisValuePreview {
        let commands: [RESPCommand]
        switch type {
        case "string": commands = [RESPCommand("GETRANGE", key: key, [0, maxBytes - 1]), RESPCommand("STRLEN", key: key)]
        case "list": commands = [RESPCommand("LRANGE", key: key, [0, maxItems - 1]), RESPCommand("LLEN", key: key)]
        case "set": commands = [RESPCommand("SSCAN", key: key, [0, "COUNT", maxItems]), RESPCommand("SCARD", key: key)]
        case "zset": commands = [RESPCommand("ZRANGE", key: key, [0, maxItems - 1, "WITHSCORES"]), RESPCommand("ZCARD", key: key)]
        case "hash": commands = [RESPCommand("HSCAN", key: key, [0, "COUNT", maxItems]), RESPCommand("HLEN", key: key)]
        default: return .unsupported(type: type)
        }
        let replies = try await client.send(commands)
        ownReads.recordCommands(commands.count)
        if let message = replies.lazy.compactMap(\.errorMessage).first {
            if message.hasPrefix("WRONGTYPE") { return .missing }
            throw RedisError.reply(message)
        }
        let total = Int(replies[1].integer ?? 0)
        let exists = total > 0 || type == "string"
        ownReads.record(hits: exists ? 2 : 0, misses: exists ? 0 : 2)
        guard exists else { return .missing }
        switch type {
        case "string":
            return .string(prefix: replies[0].bytes ?? [], length: total)
        case "list", "zset":
            return .items(Array((replies[0].array ?? []).compactMap(\.bytes).prefix(type == "zset" ? maxItems * 2 : maxItems)), total: total)
        case "set":
            let members = (replies[0].array?.last?.array ?? []).compactMap(\.bytes)
            return .items(Array(members.prefix(maxItems)), total: total)
        default:
            let flat = (replies[0].array?.last?.array ?? []).compactMap(\.bytes)
            let pairs = stride(from: 0, to: flat.count - 1, by: 2).map { (field: flat[$0], value: flat[$0 + 1]) }
            return .fields(Array(pairs.prefix(maxItems)), total: total)
        }
    }

    /// Closes the connection.
    package func close() async {
        await client.close()
    }

    /// Whether `MEMORY USAGE` moves keyspace hits on this server (not on 7.0; perhaps on later versions).
    /// Measured once: `INFO`, `MEMORY USAGE`, `INFO` pipelined, twice; another client's read between them
    /// could only make one run look counted, so both must agree.
    private func memoryUsageCountsAsRead(_ key: [UInt8]) async throws -> Bool {
        var counted = true
        let server = try await client.executor(forKey: key)
        for _ in 0..<2 {
            let replies = try await server.send([
                RESPCommand("INFO", ["stats"]), RESPCommand("MEMORY", ["USAGE", key], keyPositions: [2]), RESPCommand("INFO", ["stats"]),
            ])
            ownReads.recordCommands(3)
            let before = RedisInfo(parsing: replies[0].string ?? "")
            let after = RedisInfo(parsing: replies[2].string ?? "")
            let delta = (after.keyspaceHits ?? 0) + (after.keyspaceMisses ?? 0) - (before.keyspaceHits ?? 0) - (before.keyspaceMisses ?? 0)
            if delta == 0 { counted = false }
        }
        if counted { ownReads.record(hits: 2, misses: 0) }
        return counted
    }
}

/// A backend's own connections for one piece of long work (see ``RedisSource/withOwnConnections(_:)``).
struct OwnConnections {
    /// The server, or every master of the cluster, with its address (`host:port`).
    var servers: [(address: String, client: RedisClient)]
    /// The cluster client the masters belong to, for work that spans the cluster.
    var cluster: RedisClusterClient?
}

extension RedisSource: LearningSource {
    /// Forgets which lookups the server refused and whether its fields expire (after a reconnect: the server,
    /// its user or its settings may have changed).
    package func forgetLearned() {
        capabilities.withLock { $0 = Capabilities() }
        fieldTTLState.withLock { $0 = FieldTTLState() }
    }
}
