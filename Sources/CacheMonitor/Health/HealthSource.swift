/// Port of server health (`h`, `cachescope health`, the attention rules): a backend made of servers whose
/// slow log, commands, clients, memory, slabs… can be read.
package protocol HealthSource: CacheSource {
    /// Which views its servers' health has.
    var healthViews: HealthViews { get }
    /// The health of each server (a cluster's every node, a pool's every server), every view or only what
    /// the attention rules need; servers that cannot be reached are missing.
    /// - Throws: when no server can be read.
    func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode])
    /// The commands the monitor sent to the server at `address` so far, by their `INFO commandstats` names
    /// (empty where the server counts no commands per name).
    func ownCommandCounts(on address: String) -> [String: UInt64]
}

/// The views a server's health is made of, by engine.
package enum HealthViews: Sendable, Hashable {
    /// Slow log, commands, latency, clients, memory, replication.
    case redis
    /// Slab classes, settings, connections.
    case memcached
}

extension HealthSource {
    /// Every view of every server.
    package func readHealth() async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        try await readHealth(.full)
    }
}

/// Port of `K` on the health screen's clients: a backend whose client connections can be closed.
package protocol ClientControlSource: HealthSource {
    /// Closes one client connection of a server (`CLIENT KILL ID`), after checking it is not one of
    /// cachescope's own.
    /// - Returns: whether it was still connected.
    func killClient(_ client: ClientToKill) async throws -> Bool
}
