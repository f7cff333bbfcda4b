import Basics
import ConnectionSupport
import NIOCore
import NIOPosix
import Synchronization

/// Whatever a `redis://` URL points at — one server, or one node of a Redis Cluster — used as what it is.
///
/// On first use the server is asked `INFO cluster`: with `cluster_enabled:1` every later command goes
/// through a ``RedisClusterClient`` seeded with the URL, else through a plain ``RedisClient``. So the same
/// URL works for both, and code written against ``RedisCommandExecutor`` needs no change for a cluster.
/// Built with ``init(clusterSeeds:configuration:group:)`` it is a cluster from the start (config
/// `type = "redis-cluster"`): no question is asked, and several seeds may be given.
public final class RedisDeployment: RedisCommandExecutor, AsyncClosable {
    /// What the URL turned out to be.
    public enum Shape: Sendable {
        case single(RedisClient)
        case cluster(RedisClusterClient)

        /// The client that runs commands.
        public var executor: any RedisCommandExecutor {
            switch self {
            case .single(let client): client
            case .cluster(let cluster): cluster
            }
        }
    }

    /// The URL (the first seed of a cluster).
    public let url: RedisURL
    private let seeds: [RedisURL]
    private let configuration: RESPConnection.Configuration
    private let group: any EventLoopGroup
    private let state: Mutex<State>
    /// The sentinels that name the master, for a Sentinel-managed backend (`redis+sentinel://`).
    public let sentinel: SentinelResolver?

    private struct State {
        var shape: Shape?
        var probe: RedisClient?
        var resolving: Task<Shape, any Error>?
    }

    /// A URL that may be a single server or a cluster node; which one is learned on first use.
    public init(
        url: RedisURL, configuration: RESPConnection.Configuration = .init(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.url = url
        seeds = [url]
        self.configuration = configuration
        self.group = group
        sentinel = nil
        state = Mutex(State(probe: RedisClient(url: url, configuration: configuration, group: group)))
    }

    /// A master found through Sentinel and followed across failovers: every call goes to the master the
    /// sentinels name now (asked at most once a second, and again after a failed command).
    public init(
        sentinel target: RedisSentinelTarget, configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        url = target.dataNode
        seeds = [target.dataNode]
        self.configuration = configuration
        self.group = group
        sentinel = SentinelResolver(target: target, configuration: configuration, group: group)
        state = Mutex(State())
    }

    /// A cluster known to be one, reached through any of `seeds`.
    public init(
        clusterSeeds seeds: ClusterSeeds, configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        let cluster = RedisClusterClient(seeds: seeds, configuration: configuration, group: group)
        url = seeds.first
        self.seeds = seeds.urls
        self.configuration = configuration
        self.group = group
        sentinel = nil
        state = Mutex(State(shape: .cluster(cluster)))
    }

    /// A cluster known to be one, reached through any of `seeds`.
    /// - Throws: ``RedisError`` `.invalidURL` (no seeds, a Unix socket, a database other than 0).
    public convenience init(
        clusterSeeds seeds: [RedisURL], configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.init(clusterSeeds: try ClusterSeeds(seeds), configuration: configuration, group: group)
    }

    /// `host:port` of the URL (the first seed).
    public var peer: String { url.hostAndPort }

    /// One server or a cluster, asking the server the first time.
    /// - Throws: ``RedisError`` when the server cannot be reached, or a cluster node's URL names a database
    ///   other than 0.
    public func shape() async throws -> Shape {
        if let sentinel { return .single(try await sentinel.master()) }
        let (known, task) = state.withLock { state -> (Shape?, Task<Shape, any Error>?) in
            if let shape = state.shape { return (shape, nil) }
            if let running = state.resolving { return (nil, running) }
            let probe = state.probe ?? RedisClient(url: url, configuration: configuration, group: group)
            state.probe = probe
            let task = Task { try await self.resolve(probe) }
            state.resolving = task
            return (nil, task)
        }
        if let known { return known }
        guard let task else { throw RedisError(.connectionClosed, "the client for \(peer) was closed") }
        do {
            let shape = try await waitCancellably(for: task)
            state.withLock { state in
                state.shape = shape
                state.resolving = nil
            }
            return shape
        } catch is CancellationError where Task.isCancelled {
            // This caller stopped waiting; the question goes on for the others (and the next call).
            throw CancellationError()
        } catch {
            state.withLock { $0.resolving = nil }
            throw error
        }
    }

    /// What the URL turned out to be, when that is known already (no question asked).
    public var knownShape: Shape? { sentinel != nil ? nil : state.withLock { $0.shape } }

    /// The executor for work on `key` alone that must reach the server holding it (not routed per command):
    /// the server itself, or the master of the key's slot.
    public func executor(forKey key: [UInt8]) async throws -> any RedisCommandExecutor {
        switch try await shape() {
        case .single(let client): client
        case .cluster(let cluster): try await cluster.client(forKey: key)
        }
    }

    /// Whether the URL points at a cluster (asks the server the first time).
    public func isCluster() async throws -> Bool {
        if case .cluster = try await shape() { return true }
        return false
    }

    private func resolve(_ probe: RedisClient) async throws -> Shape {
        let onlyDatabaseZero = RedisError(
            .invalidURL, "\(url) is a Redis Cluster node and a cluster has only database 0: drop /\(url.database) from the URL")
        let reply: RESPValue
        do {
            reply = try await probe.send([RESPCommand("INFO", ["cluster"])])[0]
        } catch let error as RedisError where error.message.contains("SELECT is not allowed in cluster mode") {
            throw onlyDatabaseZero
        }
        // A server with INFO renamed or refused is treated as a single server.
        guard reply.errorMessage == nil, let text = reply.string, RedisInfo(parsing: text).clusterEnabled else { return .single(probe) }
        guard url.database == 0 else { throw onlyDatabaseZero }
        await probe.close()
        return .cluster(try RedisClusterClient(seeds: seeds, configuration: configuration, group: group))
    }

    @discardableResult
    public func send(_ commands: [RESPCommand]) async throws -> [RESPValue] {
        do {
            return try await shape().executor.send(commands)
        } catch let error as RedisError where error.breaksConnection {
            // The master may have moved: the sentinels are asked again before the next command.
            sentinel?.forget()
            throw error
        }
    }

    public func dataNodes() async throws -> [any RedisCommandExecutor] {
        try await shape().executor.dataNodes()
    }

    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        try await shape().executor.deleteKeys(withPrefix: prefix, count: count, dryRun: dryRun, progress: progress)
    }

    /// Closes every connection.
    public func close() async {
        await sentinel?.close()
        let (shape, probe, resolving) = state.withLock { ($0.shape, $0.probe, $0.resolving) }
        resolving?.cancel()
        switch shape {
        case .single(let client): await client.close()
        case .cluster(let cluster): await cluster.close()
        case nil: await probe?.close()
        }
    }
}

extension RedisInfo {
    /// `cluster_enabled:1` (section `cluster`) or `redis_mode:cluster` (section `server`).
    public var clusterEnabled: Bool { fields["cluster_enabled"] == "1" || mode == "cluster" }
}
