import Basics
import ConnectionSupport
import RESP

/// Watching a Redis Cluster as one backend.
///
/// - Sampling reads the slot map again every time (so a failover — a replica promoted — shows up at the
///   next sample; ``mapTimeout``), then `PING` + `INFO` on every node at once, each within ``nodeTimeout``:
///   a dead or hung node is one row marked down while the others keep reporting. Totals are sums over the masters that
///   answered; replicas are shown with their own figures but never added in (they hold copies of their
///   master's keys and replay its writes).
/// - Browsing scans every master, a page from each in turn (per-master cursors).
extension RedisSource {
    /// How long a node read before may take to answer a sample before its row says it is down; with
    /// ``mapTimeout`` within the poller's 2 s, so one hung node never takes the whole cluster's sample down.
    static let nodeTimeout: Duration = .milliseconds(1200)
    /// How long reading the slot map may take before the map already known is used.
    static let mapTimeout: Duration = .milliseconds(500)

    func clusterSample(_ cluster: RedisClusterClient) async throws -> SourceSample {
        // The map is read again every time, but a node that hangs on it must not cost the sample: after
        // ``mapTimeout`` the map already known is used (the next read asks the node that answered last first).
        // The first read (connecting, perhaps a TLS handshake) has no map to fall back on: it takes what it takes.
        let topology: ClusterTopology
        if let known = cluster.knownTopology {
            topology = (try? await withDeadline(Self.mapTimeout, clock: ContinuousClock()) { try await cluster.refreshTopology() }) ?? known
        } else {
            topology = try await cluster.refreshTopology()
        }
        var nodes: [(node: ClusterNode, role: NodeRole, slots: Int, replicaOf: String?)] = []
        for shard in topology.shards {
            nodes.append((shard.master, .master, shard.slotCount, nil))
            for replica in shard.replicas { nodes.append((replica, .replica, 0, shard.master.address)) }
        }
        let sections = ["server", "clients", "memory", "stats", "keyspace"]
        let results = await withTaskGroup(of: NodeReading.self, returning: [Int: Result<NodeReading.Read, any Error>].self) { group in
            for (index, entry) in nodes.enumerated() {
                let client = cluster.client(for: entry.node)
                // A node's first read also connects (and logs in): it gets the connect timeout, once.
                let firstContact = nodesTried.withLock { $0.insert(entry.node.address).inserted }
                let timeout = firstContact ? configuration.connectTimeout : Self.nodeTimeout
                group.addTask {
                    do {
                        let read = try await withDeadline(timeout, clock: ContinuousClock()) { try await Self.read(client, sections: sections) }
                        return NodeReading(index: index, result: .success(NodeReading.Read(info: read.info, latency: read.latency)))
                    } catch {
                        return NodeReading(index: index, result: .failure(error))
                    }
                }
            }
            var byIndex: [Int: Result<NodeReading.Read, any Error>] = [:]
            for await reading in group { byIndex[reading.index] = reading.result }
            return byIndex
        }
        var readings: [ServerReading] = []
        var masters: [(reading: ServerReading, info: RedisInfo, latency: Duration)] = []
        var failures: [String] = []
        for (index, entry) in nodes.enumerated() {
            let result = results[index]
            var reading = ServerReading(address: entry.node.address, up: false)
            reading.role = entry.role
            reading.slots = entry.slots
            reading.health = entry.node.health
            reading.replicaOf = entry.replicaOf
            reading.countsInTotals = entry.role == .master
            switch result {
            case .success(let read)?:
                let (info, latency) = (read.info, read.latency)
                reading.up = true
                reading.hits = info.keyspaceHits ?? 0
                reading.misses = info.keyspaceMisses ?? 0
                reading.keys = info.keyspace.values.reduce(0) { $0 + $1.keys }
                reading.memoryBytes = UInt64(clamping: info.usedMemory ?? 0)
                reading.maxMemoryBytes = UInt64(clamping: info.maxMemory ?? 0)
                reading.evictions = info.evictedKeys ?? 0
                reading.expired = info.expiredKeys ?? 0
                reading.operations = info.totalCommandsProcessed
                reading.uptimeSeconds = info.uptimeSeconds.map { UInt64(clamping: $0) }
                reading.version = info.serverVersion
                reading.flavor = info.isValkey ? .valkey : .redis
                let sampling = nodeSampleCommands.withLock { counts in
                    counts[reading.address, default: 0] += 2
                    return counts[reading.address] ?? 0
                }
                reading.ownCommands = sampling + (cluster.mapReadCommands[reading.address] ?? 0)
                if entry.role == .master { masters.append((reading, info, latency)) }
            case .failure(let error)?:
                let reason = ErrorText.oneLine(error)
                reading.error = reason
                if entry.role == .master { failures.append("\(entry.node.address): \(reason)") }
            case nil:
                reading.error = "not sampled"
            }
            readings.append(reading)
        }
        guard !masters.isEmpty else {
            throw RedisError(
                .connectionFailed,
                "no master of the cluster answered: " + (failures.isEmpty ? "the cluster has no master" : failures.joined(separator: "; ")))
        }
        // PING + INFO on every node that answered, and CLUSTER SHARDS on one.
        ownReads.recordCommands(2 * readings.filter(\.up).count + 1)
        let masterReadings = masters.map(\.reading)
        var sample = SourceSample(totalHits: masterReadings.reduce(0) { $0 + $1.hits }, totalMisses: masterReadings.reduce(0) { $0 + $1.misses })
        sample.ownReadHits = ownReads.hits
        sample.ownReadMisses = ownReads.misses
        let commands = masterReadings.reduce(UInt64(0)) { $0 + ($1.operations ?? 0) }
        sample.operations = commands >= ownReads.commands ? commands - ownReads.commands : 0
        sample.evictions = masterReadings.reduce(0) { $0 + $1.evictions }
        sample.expired = masterReadings.reduce(0) { $0 + $1.expired }
        sample.keys = masterReadings.reduce(0) { $0 + $1.keys }
        sample.memoryBytes = masterReadings.reduce(0) { $0 + $1.memoryBytes }
        let limits = masterReadings.map(\.maxMemoryBytes)
        sample.maxMemoryBytes = limits.contains(0) ? nil : limits.reduce(0, +)
        sample.uptimeSeconds = masterReadings.compactMap(\.uptimeSeconds).min()
        sample.latency = masters.map(\.latency).max()
        sample.version = Array(Set(masterReadings.compactMap(\.version))).sorted().joined(separator: ", ")
        let flavors = Set(masterReadings.compactMap(\.flavor))
        sample.flavor = flavors.count == 1 ? flavors.first : flavors.isEmpty ? nil : .redis
        sample.clients = masters.reduce(0) { $0 + Int(clamping: $1.info.connectedClients ?? 0) }
        sample.servers = readings
        return sample
    }

    /// One node's `INFO` and `PING` time, or why there is none; a struct, not a tuple, as task group results
    /// (tuples of an index and a `Result` came back mixed up in optimized builds with Swift 6.3.1).
    struct NodeReading: Sendable {
        struct Read: Sendable {
            var info: RedisInfo
            var latency: Duration
        }

        var index: Int
        var result: Result<Read, any Error>
    }

    /// The keys of every server in `servers` (one, or a cluster's masters), a page from each in turn (a cursor
    /// per server), de-duplicated (a key migrating between two masters is listed once).
    func browseKeys(
        scanning servers: [any RedisCommandExecutor], matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool
    ) async throws -> Bool {
        var scans = servers.map { (client: $0, cursor: UInt64(0), done: false) }
        var seen = KeyDigestSet()
        var delivered = 0
        while scans.contains(where: { !$0.done }) {
            for index in scans.indices where !scans[index].done {
                let page = try await scanPage(on: scans[index].client, cursor: scans[index].cursor, match: filter.redisPattern)
                scans[index].cursor = page.cursor
                scans[index].done = page.cursor == 0
                let fresh = page.keys.filter { filter.accepts($0) && seen.insert($0) }
                guard !fresh.isEmpty else { continue }
                if delivered >= limit { return true }
                let wanted = Array(fresh.prefix(limit - delivered))
                let details = try await details(of: wanted)
                let now = MonotonicSeconds.now
                delivered += details.count
                let batch = details.map { details in
                    var key = BrowsedKey(
                        key: details.key, type: details.type, ttlMilliseconds: details.ttlMilliseconds, size: details.size, readAt: now)
                    key.ttlKnown = details.ttlKnown
                    key.fieldTTL = details.fieldTTL
                    return key
                }
                guard try await body(batch) else { return false }
                if fresh.count > wanted.count { return true }
            }
        }
        return false
    }
}
