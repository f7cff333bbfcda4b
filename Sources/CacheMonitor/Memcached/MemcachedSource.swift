import Basics
import ConnectionSupport
import Foundation
import Memcache
import Synchronization

/// Everything the monitor does with one memcached backend — a server or a pool, talking to every server
/// individually: sample stats, list keys (`lru_crawler metadump`, memcached ≥ 1.4.31), preview values,
/// delete keys and invalidate prefixes.
///
/// Stats sampling uses only `stats`, which moves no counter the dashboard shows. Previews read values
/// with `get`, which moves `get_hits`/`get_misses`, so they are counted in ``ownReads``. Listing keys runs
/// a crawl on a connection of its own per server; only one crawl runs per server at a time, so a listing
/// waits (briefly) while another client crawls.
///
/// Deleting given keys sends `delete` to every server of a pool — the monitor does not know the
/// application's hash function, and a key that is not on a server is simply not found there.
package final class MemcachedSource: Sendable {
    /// The name shown and used on the command line (`memcached`, `memcached2`, a config name).
    package let name: String
    /// Lookups the monitor made itself.
    package let ownReads = OwnReads()
    /// Our lookups, left out of traffic samples (see ``OwnLookups``).
    package let ownLookups = OwnLookups()
    /// Where the node list comes from, for a pool found by auto discovery; `nil` for servers given.
    package let discovery: MemcachedDiscovery?
    let configuration: MemcachedConnection.Configuration
    let nodes: Mutex<Nodes>

    /// The servers and their clients; a discovered pool's change when its configuration endpoint says so.
    struct Nodes {
        var addresses: [MemcachedAddress]
        var clients: [MemcachedClient]
        /// When the node list was last read (discovery only), and whether a node failed since.
        var readAt: ContinuousClock.Instant?
        var nodeFailed = false
    }

    /// Creates a source; nothing connects until the first call.
    package init(name: String, addresses: [MemcachedAddress], configuration: MemcachedConnection.Configuration = .init()) {
        precondition(!addresses.isEmpty, "a memcached source needs at least one server")
        self.name = name
        self.configuration = configuration
        discovery = nil
        nodes = Mutex(Nodes(addresses: addresses, clients: addresses.map { MemcachedClient(address: $0, configuration: configuration) }))
    }

    /// A pool whose nodes `discovery`'s configuration endpoint lists (read on first use, then again every
    /// `discovery.every` and after a node failed).
    package init(name: String, discovery: MemcachedDiscovery, configuration: MemcachedConnection.Configuration = .init()) {
        self.name = name
        self.configuration = configuration
        self.discovery = discovery
        nodes = Mutex(Nodes(addresses: [], clients: []))
    }

    /// The servers, in the order given (or discovered).
    package var addresses: [MemcachedAddress] { nodes.withLock { $0.addresses } }
    var clients: [MemcachedClient] { nodes.withLock { $0.clients } }

    /// `host:port`, or `host:port,host:port` for a pool; a discovered pool's configuration endpoint.
    package var address: String {
        if let discovery { return discovery.endpoint.description }
        return addresses.map(\.description).joined(separator: ",")
    }

    /// Connects to every server (checking each is memcached); throws the first failure, naming the server.
    package func connect() async throws {
        try await discoverIfDue()
        for client in clients { try await client.connect() }
    }

    /// At least one server of the pool answers (the others are reported missing by what reads them).
    package func connectForReading() async throws {
        try await discoverIfDue()
        var firstError: (any Error)?
        for client in clients {
            do {
                try await client.connect()
                return
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }

    /// Samples `stats` on every server at once. A server that fails is reported as down; it never delays
    /// or hides the others.
    package func stats() async -> MemcachedStats {
        await stats(withAttention: false).stats
    }

    /// Samples `stats` on every server at once and, when asked, each server's attention reading in the same
    /// round trip (`stats slabs` and `stats items` pipelined before `stats`).
    func stats(withAttention: Bool) async -> (stats: MemcachedStats, attention: AttentionReading?) {
        do {
            try await discoverIfDue()
        } catch {
            if clients.isEmpty, let discovery {
                let message = (error as? MemcachedError)?.message ?? "\(error)"
                let stats = MemcachedStats(
                    servers: [
                        MemcachedServerSample(address: discovery.endpoint.description, result: .failure(MonitorError.serverUnreadable(message)))
                    ], ownReadHits: ownReads.hits, ownReadMisses: ownReads.misses)
                return (stats, nil)
            }
        }
        let clients = self.clients
        let samples: [ServerRead]
        if clients.count == 1, let client = clients.first {
            // One server (most backends): read on this task, without a task group's child.
            samples = [await Self.sample(client, withAttention: withAttention)]
        } else {
            // Task results are a struct, not a tuple: tuples in task groups came back mixed up in optimized
            // builds (Swift 6.3.1; see DESIGN.md).
            struct Indexed: Sendable {
                var index: Int
                var read: ServerRead
            }
            samples = await withTaskGroup(of: Indexed.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask { Indexed(index: index, read: await Self.sample(client, withAttention: withAttention)) }
                }
                var byIndex: [Int: ServerRead] = [:]
                for await indexed in group { byIndex[indexed.index] = indexed.read }
                return clients.indices.compactMap { byIndex[$0] }
            }
        }
        if discovery != nil, samples.contains(where: { if case .failure = $0.sample.result { return true } else { return false } }) {
            nodes.withLock { $0.nodeFailed = true }
        }
        let stats = MemcachedStats(servers: samples.map(\.sample), ownReadHits: ownReads.hits, ownReadMisses: ownReads.misses)
        guard withAttention else { return (stats, nil) }
        let missing = samples.compactMap { read -> KeyspaceCensus.MissingNode? in
            guard read.health == nil else { return nil }
            let reason: String
            if case .failure(let error) = read.sample.result { reason = error.message } else { reason = read.refusal ?? "no answer" }
            return KeyspaceCensus.MissingNode(address: read.sample.address, reason: reason)
        }
        return (stats, AttentionReading(servers: samples.compactMap(\.health), missing: missing))
    }

    /// One server's sample and, when asked, its attention reading.
    private struct ServerRead: Sendable {
        var sample: MemcachedServerSample
        var health: ServerHealth?
        /// Why the attention reading is missing while the sample is not.
        var refusal: String?
    }

    /// One server's `stats` and the round trip it took, or why it failed; with `stats slabs` and `stats items`
    /// in the same round trip when the attention reading is asked for too.
    private static func sample(_ client: MemcachedClient, withAttention: Bool) async -> ServerRead {
        let clock = ContinuousClock()
        let started = clock.now
        let address = client.address.description
        do {
            var health: ServerHealth?
            var refusal: String?
            let lines: [MemcachedStat]
            if withAttention {
                // A server (or a proxy speaking the protocol) that refuses the slab groups is still sampled.
                let replies = try await client.send([.stats("slabs"), .stats("items"), .stats(keeping: MemcachedServerStats.sampleFields)])
                guard replies.count == 3 else { throw MemcachedError(.protocolViolation, "protocol violation: stats replies missing") }
                if let error = replies[2].error { throw error }
                guard case .stats(let stats) = replies[2] else {
                    throw MemcachedError(.protocolViolation, "protocol violation: no stats in the reply")
                }
                lines = stats
                if case .stats(let slabs) = replies[0], case .stats(let items) = replies[1] {
                    health = attentionHealth(address: address, slabs: slabs, items: items, stats: stats)
                } else {
                    refusal = (replies[0].error ?? replies[1].error).map { "stats slabs refused: \($0.message)" } ?? "stats slabs gave no stats"
                }
            } else {
                let reply = try await client.send(.stats(keeping: MemcachedServerStats.sampleFields))
                if let error = reply.error { throw error }
                guard case .stats(let stats) = reply else { throw MemcachedError(.protocolViolation, "protocol violation: no stats in the reply") }
                lines = stats
            }
            var values: [String: String] = .init(minimumCapacity: lines.count)
            for line in lines { values[line.name] = line.value }
            let sample = MemcachedServerSample(address: address, result: .success(MemcachedServerStats(values: values, latency: clock.now - started)))
            return ServerRead(sample: sample, health: health, refusal: refusal)
        } catch {
            let message = (error as? MemcachedError)?.message ?? "\(error)"
            return ServerRead(sample: MemcachedServerSample(address: address, result: .failure(MonitorError.serverUnreadable(message))))
        }
    }

    /// Lists keys server by server, handing those `accept`s to `emit` a batch at a time as the crawl
    /// delivers them (memory stays flat however many there are). Stops after `limit` keys, or when `emit`
    /// returns `false`.
    /// - Returns: whether more matching keys exist beyond the limit.
    /// - Throws: ``Memcache/MemcachedError`` — `.metadumpUnavailable` names why a server cannot list keys.
    package func listKeys(
        limit: Int, accept: ([UInt8]) -> Bool = { _ in true }, emit: ([MemcachedKeyEntry]) async throws -> Bool
    ) async throws -> Bool {
        var emitted = 0
        var more = false
        var stopped = false
        for client in clients where !more && !stopped {
            let server = client.address.description
            let stats = try await client.stats()
            let serverTime = stats.first { $0.name == "time" }.flatMap { Int64($0.value) } ?? Int64(Date().timeIntervalSince1970)
            let items = stats.first { $0.name == "curr_items" }.flatMap { Int($0.value) } ?? 0
            _ = try await MetadumpReader.dump(
                from: client.address, scope: Self.scope(forVersion: stats), connectTimeout: client.configuration.connectTimeout, expectedItems: items
            ) { entries in
                var batch: [MemcachedKeyEntry] = []
                for entry in entries where accept(entry.key) {
                    guard emitted < limit else {
                        more = true
                        break
                    }
                    batch.append(MemcachedKeyEntry(entry: entry, server: server, serverTime: serverTime))
                    emitted += 1
                }
                if !batch.isEmpty, try await !emit(batch) { stopped = true }
                return !more && !stopped
            }
        }
        return more
    }

    /// The first `maxBytes` bytes of a value, from the server that lists it; `nil` when it is gone.
    /// memcached cannot read part of a value, so the whole value crosses the wire (at most the server's
    /// item size limit, 1 MiB by default) and is cut here.
    package func preview(of key: [UInt8], on server: String, maxBytes: Int = 512) async throws -> MemcachedValuePreview? {
        guard let client = clients.first(where: { $0.address.description == server }) else {
            throw MemcachedError(.invalidAddress, "\(server) is not a server of \(name) (\(address))")
        }
        ownLookups.note(server: server, keys: [key])
        return try await finishingLookups { [ownReads] in
            // memcached 1.6+: `mg … u` reads the value and how the item was used without touching it (no LRU
            // bump, its last access and "read since stored" left as they were); older servers get a `get`.
            let reply = try await client.send([try .metaGet(key, flags: ["v", "f", "t", "l", "h", "u"])]).first
            switch reply {
            case .metaValue(let flags, let value)?:
                ownReads.record(hits: 1, misses: 0)
                return MemcachedValuePreview(
                    prefix: Array(value.prefix(maxBytes)), length: value.count, flags: flags["f"].flatMap { UInt32($0) } ?? 0,
                    access: MemcachedItemAccess(flags: flags))
            case .notFound?:
                ownReads.record(hits: 0, misses: 1)
                return nil
            default:
                break
            }
            guard let item = try await client.get([key]).first else {
                ownReads.record(hits: 0, misses: 1)
                return nil
            }
            ownReads.record(hits: 1, misses: 0)
            return MemcachedValuePreview(prefix: Array(item.value.prefix(maxBytes)), length: item.value.count, flags: item.flags)
        }
    }

    /// Closes every connection.
    package func close() async {
        for client in clients { await client.close() }
    }

    /// `hash` where the server has it (1.6.9+: walks the hash table, so items moving between LRUs during
    /// the walk are not missed), else `all`.
    static func scope(forVersion stats: [MemcachedStat]) -> MetadumpScope {
        guard let version = stats.first(where: { $0.name == "version" })?.value else { return .all }
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        let (major, minor, patch) = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
        return (major, minor, patch) >= (1, 6, 9) ? .hash : .all
    }
}
