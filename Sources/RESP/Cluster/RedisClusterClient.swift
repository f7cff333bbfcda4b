import ConnectionSupport
import NIOCore
import NIOPosix
import Synchronization

/// A client for a Redis Cluster: learns which master serves which slot from any seed node, keeps one
/// pipelined ``RedisClient`` per node, and sends each command to the master of its keys' slot.
///
/// - A pipeline is split by node and sent to all of them at once; replies come back in the caller's order.
/// - Multi-key commands whose keys span slots (`MGET`, `MSET`, `DEL`, `UNLINK`, `EXISTS`, `TOUCH`) are split
///   per slot and their replies merged, so callers never see `CROSSSLOT` (``ClusterCommandSplit``).
/// - `MOVED` (the slot has moved): the command is sent again where the reply says and the slot map is read
///   again. `ASK` (the slot is being migrated): `ASKING` and the command are sent to the node named, once.
///   Neither ran the command, so re-sending is safe; at most ``maximumRedirections`` hops.
/// - A node that fails once commands were sent to it (closed, timed out) fails the call — they are never
///   re-sent, since the node may have run them — and the next call reads the slot map again, so a replica
///   promoted by a failover is found. A node that refuses the connection ran nothing: the map is read again
///   at once and its commands go, once more, where the new map says.
/// - Commands without keys (`PING`, `INFO`) go to the first master; per-node work uses ``masterClients()``
///   and ``client(for:)``.
///
/// Only database 0 exists on a cluster.
public final class RedisClusterClient: RedisCommandExecutor, AsyncClosable {
    /// The nodes asked first for the slot map.
    public let seeds: [RedisURL]
    /// Timeouts and protocol of every node's connection.
    public let configuration: RESPConnection.Configuration
    /// How many `MOVED`/`ASK` hops a command may take before its redirection is returned as its reply.
    public static let maximumRedirections = 5

    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var topology: ClusterTopology?
        var clients: [String: RedisClient] = [:]
        var refresh: Task<ClusterTopology, any Error>?
        var isStale = false
        var isClosed = false
        /// Commands sent to read the slot map, per node (`host:port`).
        var mapCommands: [String: UInt64] = [:]
        /// The node that answered the last map read: asked first next time (a hung node is not waited on
        /// at every read).
        var lastMapSource: (host: String, port: Int)?
    }

    /// The slot map last read, even when it is out of date; `nil` before the first read.
    public var knownTopology: ClusterTopology? { state.withLock { $0.topology } }

    /// How many commands reading the slot map has sent to each node (`host:port`), so a monitor can leave
    /// its own traffic out of a node's figures.
    public var mapReadCommands: [String: UInt64] { state.withLock { $0.mapCommands } }

    /// - Parameter seeds: one or more nodes of the cluster (credentials and TLS settings of the first are used
    ///   for every node).
    public init(
        seeds: ClusterSeeds, configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.seeds = seeds.urls
        self.configuration = configuration
        self.group = group
    }

    /// A client for the cluster reached through any of `seeds`.
    /// - Throws: ``RedisError`` `.invalidURL` (no seeds, a Unix socket, a database other than 0).
    public convenience init(
        seeds: [RedisURL], configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.init(seeds: try ClusterSeeds(seeds), configuration: configuration, group: group)
    }

    /// The first seed's `host:port`, for messages.
    public var peer: String { seeds[0].hostAndPort }

    // MARK: nodes

    /// The client of one node (created on first use; it connects lazily).
    public func client(for node: ClusterNode) -> RedisClient {
        client(host: node.host, port: node.port)
    }

    private func client(host: String, port: Int) -> RedisClient {
        var url = seeds[0]
        url.address = .tcp(host: host, port: port)
        url.database = 0
        let key = url.hostAndPort
        return state.withLock { state in
            if let existing = state.clients[key] { return existing }
            let created = RedisClient(url: url, configuration: configuration, group: group)
            state.clients[key] = created
            return created
        }
    }

    /// The client of the master serving `key`'s slot.
    /// - Throws: ``RedisError`` when no master serves it (after reading the map again).
    public func client(forKey key: [UInt8]) async throws -> RedisClient {
        let slot = ClusterSlot.of(key)
        if let shard = try await topology().shard(forSlot: slot) { return client(for: shard.master) }
        guard let shard = try await refreshTopology().shard(forSlot: slot) else {
            throw RedisError(.serverError, "CLUSTERDOWN Hash slot \(slot) is not served by any master")
        }
        return client(for: shard.master)
    }

    /// The masters and their clients, in slot map order.
    public func masterClients() async throws -> [(shard: ClusterShard, client: RedisClient)] {
        try await topology().shards.map { ($0, client(for: $0.master)) }
    }

    /// The slot map: the one known, or read now (also when a failure or `MOVED` made it stale).
    public func topology() async throws -> ClusterTopology {
        let known = state.withLock { $0.isStale ? nil : $0.topology }
        if let known { return known }
        return try await refreshTopology()
    }

    /// Reads the slot map again (one read at a time: concurrent callers share it).
    @discardableResult
    public func refreshTopology() async throws -> ClusterTopology {
        let task = try state.withLock { state -> Task<ClusterTopology, any Error> in
            if state.isClosed { throw RedisError(.connectionClosed, "the cluster client for \(peer) was closed") }
            if let running = state.refresh { return running }
            // The read records its own outcome, once, however many callers wait for it (it cannot run
            // before this lock is released, so `refresh` is set by then).
            let task = Task {
                do {
                    let topology = try await self.discover()
                    self.state.withLock { state in
                        state.topology = topology
                        state.isStale = false
                        state.refresh = nil
                    }
                    return topology
                } catch {
                    self.state.withLock { $0.refresh = nil }
                    throw error
                }
            }
            state.refresh = task
            return task
        }
        // A caller whose deadline passes stops waiting; the read goes on for the others.
        return try await waitCancellably(for: task)
    }

    /// Asks the known nodes (masters, then replicas, then the seeds) until one describes the cluster.
    private func discover() async throws -> ClusterTopology {
        var candidates: [(host: String, port: Int)] = []
        let (knownMap, lastSource) = state.withLock { ($0.topology, $0.lastMapSource) }
        if let lastSource { candidates.append(lastSource) }
        if let known = knownMap {
            candidates += known.shards.map { ($0.master.host, $0.master.port) }
            candidates += known.shards.flatMap(\.replicas).map { ($0.host, $0.port) }
        }
        for seed in seeds {
            if case .tcp(let host, let port) = seed.address { candidates.append((host, port)) }
        }
        var seen = Set<String>()
        var lastError: (any Error)?
        for candidate in candidates where seen.insert("\(candidate.host):\(candidate.port)").inserted {
            do {
                let node = client(host: candidate.host, port: candidate.port)
                let (topology, sent) = try await Self.readTopology(from: node, host: candidate.host)
                state.withLock { $0.mapCommands[node.peer, default: 0] += UInt64(sent) }
                guard !topology.shards.isEmpty else { continue }
                state.withLock { $0.lastMapSource = candidate }
                return topology
            } catch let error as RedisError where error.code == .serverError || error.code == .authenticationFailed {
                throw error
            } catch {
                lastError = error
            }
        }
        let reason = lastError.map { "\($0)" } ?? "no node described the cluster"
        throw RedisError((lastError as? RedisError)?.code ?? .connectionFailed, "no node of the cluster at \(peer) answered: \(reason)")
    }

    /// `CLUSTER SHARDS` (7.0+), else `CLUSTER SLOTS`, else `CLUSTER NODES`, from one node.
    /// - Returns: the map, and how many commands it took.
    static func readTopology(from node: RedisClient, host: String) async throws -> (ClusterTopology, Int) {
        let shards = try await node.send([RESPCommand("CLUSTER", ["SHARDS"])])[0]
        guard let message = shards.errorMessage else {
            return (try ClusterTopology.parse(shards: shards, seedHost: host, preferTLSPort: node.url.tls != nil), 1)
        }
        if message.contains("cluster support disabled") {
            throw RedisError(.serverError, "\(node.peer) is not in cluster mode (cluster support disabled): use it as a single server")
        }
        let slots = try await node.send([RESPCommand("CLUSTER", ["SLOTS"])])[0]
        if slots.errorMessage == nil { return (try ClusterTopology.parse(slots: slots, seedHost: host), 2) }
        return (try ClusterTopology.parse(nodes: try await node.send(RESPCommand("CLUSTER", ["NODES"])), seedHost: host), 3)
    }

    /// Marks the slot map as out of date: the next call reads it again.
    public func invalidateTopology() {
        state.withLock { $0.isStale = true }
    }

    /// Closes every node's connection; later calls fail with `.connectionClosed`.
    public func close() async {
        let clients = state.withLock { state -> [RedisClient] in
            state.isClosed = true
            state.refresh?.cancel()
            return Array(state.clients.values)
        }
        for client in clients { await client.close() }
    }

    // MARK: commands

    @discardableResult
    public func send(_ commands: [RESPCommand]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var topology = try await self.topology()
        let splits = commands.map(ClusterCommandSplit.init)
        var pending: [Routed] = []
        for (index, split) in splits.enumerated() {
            for (partIndex, part) in split.parts.enumerated() {
                pending.append(Routed(command: part.command, slot: part.slot, origin: index, part: partIndex))
            }
        }
        var replies = splits.map { [RESPValue](repeating: .null, count: $0.parts.count) }
        if pending.contains(where: { $0.node(topology) == nil }) {
            // A slot no master serves in our map: perhaps a failover we have not seen yet.
            topology = try await refreshTopology()
        }
        var hops = 0
        var asking: Set<Int> = []
        var reconnected = false
        while !pending.isEmpty {
            let (answered, unsent) = try await sendRouted(pending, topology: topology, asking: asking)
            let sentWith = topology
            var redirected: [Routed] = []
            var moved = false
            asking = []
            if let unsent {
                // A node refused the connection: read the map again (a failover may have moved its slots)
                // and send what never left once more, once.
                guard !reconnected else { throw unsent.error }
                reconnected = true
                topology = try await refreshTopology()
                for position in unsent.positions {
                    var again = pending[position]
                    again.target = nil
                    redirected.append(again)
                }
            }
            let unsentPositions = Set(unsent?.positions ?? [])
            for (position, (routed, reply)) in zip(pending, answered).enumerated() where !unsentPositions.contains(position) {
                if hops < Self.maximumRedirections, let message = reply.errorMessage,
                    let redirection = ClusterRedirection(errorMessage: message, answeringHost: routed.answeringHost(sentWith))
                {
                    var again = routed
                    again.target = (redirection.host, redirection.port)
                    if redirection.kind == .ask { asking.insert(redirected.count) } else { moved = true }
                    redirected.append(again)
                } else {
                    replies[routed.origin][routed.part] = reply
                }
            }
            if moved { invalidateTopology() }
            pending = redirected
            hops += 1
        }
        if state.withLock({ $0.isStale }) { _ = try? await refreshTopology() }
        return zip(splits, replies).map { $0.merged($1) }
    }

    /// One command on its way: where it came from (command and part) and where it goes.
    private struct Routed: Sendable {
        var command: RESPCommand
        var slot: Int?
        var origin: Int
        var part: Int
        /// Set by a redirection: the node named by `MOVED`/`ASK`.
        var target: (host: String, port: Int)?

        func node(_ topology: ClusterTopology) -> (host: String, port: Int)? {
            if let target { return target }
            let shard = slot.flatMap { topology.shard(forSlot: $0) } ?? (slot == nil ? topology.shards.first : nil)
            return shard.map { ($0.master.host, $0.master.port) }
        }

        func answeringHost(_ topology: ClusterTopology) -> String { node(topology)?.host ?? "" }
    }

    /// Sends each node its commands (in order, as one pipeline; `ASKING` first for the positions in
    /// `asking`), all nodes at once, and returns the replies in `routed` order.
    /// - Returns: the replies; the positions whose node could not be connected to (nothing was sent there),
    ///   with that error.
    /// - Throws: the failure of a node that was sent commands (it may have run them).
    private func sendRouted(
        _ routed: [Routed], topology: ClusterTopology, asking: Set<Int>
    ) async throws -> (replies: [RESPValue], unsent: (positions: [Int], error: any Error)?) {
        struct Batch {
            var client: RedisClient
            var positions: [Int] = []
            var commands: [RESPCommand] = []
            var replyIndices: [Int] = []
        }
        var work: [Batch] = []
        var batchOfNode: [String: Int] = [:]
        var replies = [RESPValue](repeating: .null, count: routed.count)
        for (position, item) in routed.enumerated() {
            guard let node = item.node(topology) else {
                replies[position] = .error("CLUSTERDOWN Hash slot \(item.slot ?? -1) is not served by any master")
                continue
            }
            let client = client(host: node.host, port: node.port)
            let index = batchOfNode[client.peer] ?? work.count
            if index == work.count {
                batchOfNode[client.peer] = index
                work.append(Batch(client: client))
            }
            if asking.contains(position) { work[index].commands.append(RESPCommand("ASKING")) }
            work[index].positions.append(position)
            work[index].replyIndices.append(work[index].commands.count)
            work[index].commands.append(item.command)
        }
        // Every node at once; a node that could not even be connected to ran nothing, so its commands are
        // handed back to be sent again after the slot map is read again (its slots may have a new master).
        let results = await Self.send(work.map { ($0.client, $0.commands) })
        var unsent: [Int] = []
        var refused: (any Error)?
        var failed: (any Error)?
        for (batch, result) in zip(work, results) {
            switch result {
            case .success(let answered):
                for (position, replyIndex) in zip(batch.positions, batch.replyIndices) { replies[position] = answered[replyIndex] }
            case .failure(let error as RedisError) where error.code == .connectionFailed:
                unsent += batch.positions
                refused = refused ?? error
            case .failure(let error):
                failed = failed ?? error
            }
        }
        if let error = failed ?? refused, (error as? RedisError)?.breaksConnection ?? true { invalidateTopology() }
        // Only commands that never left may be sent again; any other failure ends the call.
        if let failed { throw failed }
        return (replies, refused.map { (unsent, $0) })
    }

    /// One node's answer to its batch. A struct, not a tuple: task group results of `(Int, Result<…>)`
    /// came back paired with the wrong index in optimized builds (Swift 6.3.1).
    private struct Outcome: Sendable {
        var index: Int
        var result: Result<[RESPValue], any Error>
    }

    /// Sends each batch to its node, all at once; the outcomes in batch order.
    private static func send(_ batches: [(client: RedisClient, commands: [RESPCommand])]) async -> [Result<[RESPValue], any Error>] {
        if batches.count == 1, let only = batches.first {
            do { return [.success(try await only.client.send(only.commands))] } catch { return [.failure(error)] }
        }
        let byIndex = await withTaskGroup(of: Outcome.self, returning: [Int: Result<[RESPValue], any Error>].self) { group in
            for (index, batch) in batches.enumerated() {
                let client = batch.client
                let commands = batch.commands
                group.addTask {
                    do { return Outcome(index: index, result: .success(try await client.send(commands))) } catch {
                        return Outcome(index: index, result: .failure(error))
                    }
                }
            }
            var byIndex: [Int: Result<[RESPValue], any Error>] = [:]
            for await outcome in group { byIndex[outcome.index] = outcome.result }
            return byIndex
        }
        return batches.indices.map { byIndex[$0] ?? .failure(RedisError(.connectionClosed, "no answer for a batch")) }
    }
}
