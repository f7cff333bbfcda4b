import Memcache

/// A memcached pool found by auto discovery: its configuration endpoint (ElastiCache's; `config get
/// cluster`) lists the nodes, and is asked again every `every` and after a node failed.
package struct MemcachedDiscovery: Sendable, Hashable {
    /// The configuration endpoint; its access (TLS, login, route) is every node's.
    package var endpoint: MemcachedAddress
    /// How often the node list is read again.
    package var every: Duration

    package init(endpoint: MemcachedAddress, every: Duration = .seconds(60)) {
        self.endpoint = endpoint
        self.every = every
    }
}

extension MemcachedSource {
    /// Reads the node list when it is due (first use, `every` passed, a node failed) and makes the pool
    /// match it: clients for the nodes that joined, the clients of those that left closed.
    /// - Throws: ``Memcache/MemcachedError`` when the configuration endpoint cannot be read; the known nodes
    ///   stay.
    func discoverIfDue() async throws {
        guard let discovery else { return }
        let due = nodes.withLock { nodes in
            guard let readAt = nodes.readAt else { return true }
            return nodes.nodeFailed || ContinuousClock.now - readAt >= discovery.every
        }
        guard due else { return }
        let listed: [MemcachedAddress]
        do {
            // The configuration endpoint's connection is closed before the pool changes, on every way out.
            listed = try await MemcachedClient(address: discovery.endpoint, configuration: configuration).executeThenClose { endpoint in
                try await endpoint.clusterNodes()
            }
        } catch {
            // Asked again at the next reading, not at once.
            nodes.withLock {
                $0.readAt = ContinuousClock.now
                $0.nodeFailed = false
            }
            throw error
        }
        let gone: [MemcachedClient] = nodes.withLock { nodes in
            let known = Dictionary(zip(nodes.addresses, nodes.clients), uniquingKeysWith: { first, _ in first })
            let clients = listed.map { known[$0] ?? MemcachedClient(address: $0, configuration: configuration) }
            let kept = Set(listed)
            let gone = zip(nodes.addresses, nodes.clients).filter { !kept.contains($0.0) }.map(\.1)
            nodes = Nodes(addresses: listed, clients: clients, readAt: ContinuousClock.now, nodeFailed: false)
            return gone
        }
        for client in gone { await client.close() }
    }
}
