import ConnectionSupport
import NIOCore
import NIOPosix
import Synchronization

/// Finds a Sentinel-managed master and follows it: the master's address is asked of the sentinels
/// (`SENTINEL GET-MASTER-ADDR-BY-NAME`, the first that answers) at most once a ``refresh`` and again after a
/// command fails, so a failover moves every later command to the new master with no action. The client of the
/// old master is closed; ``failovers`` says what moved.
public final class SentinelResolver: Sendable {
    public let target: RedisSentinelTarget
    /// How long a known master is used before the sentinels are asked again.
    public let refresh: Duration
    private let configuration: RESPConnection.Configuration
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var master: RedisClient?
        var askedAt: ContinuousClock.Instant?
        var resolving: Task<RedisClient, any Error>?
        var failover: String?
        var sentinels: [String: RedisClient] = [:]
        var closed = false
    }

    public init(
        target: RedisSentinelTarget, refresh: Duration = .seconds(1), configuration: RESPConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.target = target
        self.refresh = refresh
        self.configuration = configuration
        self.group = group
    }

    /// The last failover seen (`failover 10.0.0.5:6379 → 10.0.0.6:6379`), if any.
    public var lastFailover: String? { state.withLock { $0.failover } }

    /// The current master's client, asking the sentinels when the known one is older than ``refresh``.
    /// - Throws: ``RedisError`` when no sentinel answers (and no master is known), or they know no such service.
    public func master() async throws -> RedisClient {
        let (known, task) = try state.withLock { state -> (RedisClient?, Task<RedisClient, any Error>?) in
            if state.closed { throw RedisError(.connectionClosed, "the Sentinel client for \(target.service) was closed") }
            if let master = state.master, let askedAt = state.askedAt, ContinuousClock.now - askedAt < refresh { return (master, nil) }
            if let running = state.resolving { return (nil, running) }
            let task = Task { try await self.resolve() }
            state.resolving = task
            return (nil, task)
        }
        if let known { return known }
        guard let task else { throw RedisError(.connectionClosed, "the Sentinel client for \(target.service) was closed") }
        do {
            let master = try await waitCancellably(for: task)
            state.withLock { $0.resolving = nil }
            return master
        } catch is CancellationError where Task.isCancelled {
            // This caller stopped waiting; the sentinels are still being asked for the others.
            throw CancellationError()
        } catch let unknown as UnknownService {
            state.withLock { $0.resolving = nil }
            throw RedisError(.serverError, unknown.message)
        } catch {
            // The sentinels did not answer: a master known before is used until they do.
            let master = state.withLock { state -> RedisClient? in
                state.resolving = nil
                return state.master
            }
            if let master { return master }
            throw error
        }
    }

    /// Asks the sentinels again at the next command (after a command on the master failed).
    public func forget() {
        state.withLock { $0.askedAt = nil }
    }

    /// Closes the master's and the sentinels' connections.
    public func close() async {
        let clients = state.withLock { state -> [RedisClient] in
            state.closed = true
            return [state.master].compactMap { $0 } + Array(state.sentinels.values)
        }
        for client in clients { await client.close() }
    }

    /// What the sentinels know of the service, asked of the first that answers: its replicas and the other
    /// sentinels (address and flags: `slave`, `s_down`, `o_down`, `disconnected`…), the sentinel that answered,
    /// and whether a quorum can be reached (`SENTINEL CKQUORUM`'s answer). `nil` when no sentinel answers.
    public func topology() async -> SentinelTopology? {
        for sentinel in target.sentinels {
            guard
                let replies = try? await sentinelClient(sentinel).send([
                    RESPCommand("SENTINEL", ["REPLICAS", target.service]), RESPCommand("SENTINEL", ["SENTINELS", target.service]),
                    RESPCommand("SENTINEL", ["CKQUORUM", target.service]),
                ]),
                replies.count == 3, replies[0].errorMessage == nil
            else { continue }
            func members(_ reply: RESPValue) -> [SentinelTopology.Member] {
                (reply.array ?? []).compactMap { entry in
                    let fields = Self.pairs(entry)
                    guard let ip = fields["ip"], let port = fields["port"] else { return nil }
                    return SentinelTopology.Member(address: "\(ip):\(port)", flags: fields["flags"] ?? "")
                }
            }
            return SentinelTopology(
                replicas: members(replies[0]), sentinels: members(replies[1]), answeredBy: sentinel.hostAndPort,
                quorum: replies[2].string ?? replies[2].errorMessage)
        }
        return nil
    }

    /// The names of every master the sentinels watch (`SENTINEL MASTERS`), asked of the first sentinel that
    /// answers, sorted.
    /// - Throws: ``RedisError`` when no sentinel answers, naming each one's reason.
    public func masterNames() async throws -> [String] {
        var reasons: [String] = []
        for sentinel in target.sentinels {
            do {
                let reply = try await sentinelClient(sentinel).send([RESPCommand("SENTINEL", ["MASTERS"])])[0]
                if let message = reply.errorMessage {
                    reasons.append("\(sentinel.hostAndPort): \(message)")
                    continue
                }
                guard let masters = reply.array else {
                    reasons.append("\(sentinel.hostAndPort): SENTINEL MASTERS did not answer a list")
                    continue
                }
                return masters.compactMap { Self.pairs($0)["name"] }.sorted()
            } catch let error as RedisError {
                reasons.append("\(sentinel.hostAndPort): \(error.message)")
            }
        }
        throw RedisError(.connectionFailed, "no sentinel answered SENTINEL MASTERS: " + reasons.joined(separator: "; "))
    }

    private func resolve() async throws -> RedisClient {
        var reasons: [String] = []
        for sentinel in target.sentinels {
            let reply: RESPValue
            do {
                reply = try await sentinelClient(sentinel).send([RESPCommand("SENTINEL", ["GET-MASTER-ADDR-BY-NAME", target.service])])[0]
            } catch let error as RedisError {
                reasons.append("\(sentinel.hostAndPort): \(error.message)")
                continue
            }
            if let message = reply.errorMessage {
                reasons.append("\(sentinel.hostAndPort): \(message)")
                continue
            }
            guard let pair = reply.array, pair.count == 2, let host = pair[0].string, let port = pair[1].string.flatMap({ Int($0) }) else {
                throw UnknownService(
                    message: "the sentinels know no master named '\(target.service)' (\(sentinel.hostAndPort) answered nothing for it)")
            }
            return await adopt(host: host, port: port)
        }
        throw RedisError(.connectionFailed, "no sentinel of '\(target.service)' answered: " + reasons.joined(separator: "; "))
    }

    /// Uses the master at `host:port`: the known client when it is the same, else a new one (the old one closed).
    private func adopt(host: String, port: Int) async -> RedisClient {
        var url = target.dataNode
        url.address = .tcp(host: host, port: port)
        let (client, old) = state.withLock { state -> (RedisClient, RedisClient?) in
            state.askedAt = .now
            if let master = state.master, master.url.hostAndPort == url.hostAndPort { return (master, nil) }
            let client = RedisClient(url: url, configuration: configuration, group: group)
            let old = state.master
            if let old { state.failover = "failover \(old.url.hostAndPort) → \(url.hostAndPort)" }
            state.master = client
            return (client, old)
        }
        if let old { await old.close() }
        return client
    }

    private func sentinelClient(_ sentinel: RedisURL) -> RedisClient {
        state.withLock { state in
            if let client = state.sentinels[sentinel.hostAndPort] { return client }
            var sentinelConfiguration = configuration
            // A sentinel is not a data node: no CLIENT NO-TOUCH, and a short patience so a dead one is passed quickly.
            sentinelConfiguration.noTouch = false
            sentinelConfiguration.connectTimeout = min(configuration.connectTimeout, .milliseconds(500))
            sentinelConfiguration.commandTimeout = min(configuration.commandTimeout, .milliseconds(500))
            let client = RedisClient(url: sentinel, configuration: sentinelConfiguration, group: group)
            state.sentinels[sentinel.hostAndPort] = client
            return client
        }
    }

    /// `[name, value, name, value…]` (RESP2) or a map (RESP3) as a dictionary.
    static func pairs(_ value: RESPValue) -> [String: String] {
        var out: [String: String] = [:]
        let items = value.array ?? []
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let name = items[index].string, let text = items[index + 1].string { out[name] = text }
        }
        return out
    }

    /// The sentinels answered, and know no such service: not something a retry fixes.
    struct UnknownService: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
