import ConnectionSupport
import NIOCore
import NIOPosix

/// Several memcached servers used as one cache: each key lives on the server a ``KetamaRing`` picks, and
/// every server has its own ``MemcachedClient``. Operations on many keys are split per server and sent
/// to all of them at once.
public final class MemcachedPool: AsyncClosable {
    /// One client per server, in the order given.
    public let clients: [MemcachedClient]
    private let ring: KetamaRing

    /// A pool over `addresses` (at least one).
    public init(
        addresses: [MemcachedAddress], configuration: MemcachedConnection.Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        precondition(!addresses.isEmpty, "a pool needs at least one server")
        clients = addresses.map { MemcachedClient(address: $0, configuration: configuration, group: group) }
        ring = KetamaRing(serverNames: addresses.map(\.description))
    }

    /// The servers, in the order given.
    public var addresses: [MemcachedAddress] { clients.map(\.address) }

    /// The client of the server that holds `key`.
    public func client(for key: [UInt8]) -> MemcachedClient {
        clients[ring.server(for: key)]
    }

    /// Groups `keys` by server: for each server that holds any, its client and the positions of its keys.
    public func partition(_ keys: [[UInt8]]) -> [(client: MemcachedClient, positions: [Int])] {
        if clients.count == 1 { return keys.isEmpty ? [] : [(clients[0], Array(keys.indices))] }
        var positions = Array(repeating: [Int](), count: clients.count)
        for (position, key) in keys.enumerated() { positions[ring.server(for: key)].append(position) }
        return zip(clients, positions).filter { !$0.1.isEmpty }.map { ($0.0, $0.1) }
    }

    /// Runs one batch per server concurrently: `commands(positions)` builds a server's batch from the positions
    /// of its keys; the replies come back per position.
    public func sendPartitioned(
        _ keys: [[UInt8]], commands: @escaping @Sendable ([Int]) throws -> [MemcachedCommand]
    ) async throws -> [(positions: [Int], replies: [MemcachedReply])] {
        let groups = partition(keys)
        if groups.count == 1, let only = groups.first {
            return [(only.positions, try await only.client.send(try commands(only.positions)))]
        }
        // Task results are a struct, not a tuple: tuples in task groups came back mixed up in optimized
        // builds (Swift 6.3.1; see DESIGN.md).
        return try await withThrowingTaskGroup(of: ServerReplies.self) { group in
            for (client, positions) in groups {
                group.addTask { ServerReplies(positions: positions, replies: try await client.send(try commands(positions))) }
            }
            var results: [(positions: [Int], replies: [MemcachedReply])] = []
            for try await result in group { results.append((result.positions, result.replies)) }
            return results
        }
    }

    /// One server's replies and the positions of the keys they answer.
    private struct ServerReplies: Sendable {
        var positions: [Int]
        var replies: [MemcachedReply]
    }

    /// Closes every connection.
    public func close() async {
        for client in clients { await client.close() }
    }
}
