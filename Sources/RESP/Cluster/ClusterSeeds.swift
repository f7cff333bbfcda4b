/// The seeds of a Redis Cluster, checked once: one or more nodes, reached over TCP, database 0 — so what is
/// made from them (a ``RedisClusterClient``, a ``RedisDeployment``) cannot fail for their sake.
public struct ClusterSeeds: Sendable, Hashable {
    /// The nodes asked first for the slot map; credentials and TLS settings of the first are used for every node.
    public let urls: [RedisURL]

    /// - Throws: ``RedisError`` `.invalidURL` for no seeds, a Unix socket, or a database other than 0.
    public init(_ urls: [RedisURL]) throws {
        guard !urls.isEmpty else { throw RedisError(.invalidURL, "a Redis Cluster needs at least one seed URL") }
        for seed in urls {
            if case .unix = seed.address { throw RedisError(.invalidURL, "\(seed): a cluster is reached over TCP, not a Unix socket") }
            guard seed.database == 0 else {
                throw RedisError(.invalidURL, "\(seed): a Redis Cluster has only database 0 (drop /\(seed.database) from the URL)")
            }
        }
        self.urls = urls
    }

    /// The first seed (whose credentials and TLS settings every node's connection uses).
    public var first: RedisURL { urls[0] }
}
