import Basics
import Memcache

extension MemcachedSource {
    /// The health of every server of the pool, at once: slab classes (`stats slabs` with `stats items`),
    /// settings (`stats settings`) and connections (`stats conns`, where the server has it). A server that
    /// cannot be reached is missing; the others are read.
    package func readHealth() async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        var servers: [ServerHealth] = []
        var missing: [KeyspaceCensus.MissingNode] = []
        for client in clients {
            let address = client.address.description
            do {
                var health = ServerHealth(address: address)
                let slabs = try await client.stats("slabs").map { (name: $0.name, value: $0.value) }
                let items = try await client.stats("items").map { (name: $0.name, value: $0.value) }
                health.slabs = .value(SlabClass.parse(slabs: slabs, items: items))
                health.rejectedConnections = try await client.stats().first { $0.name == "rejected_connections" || $0.name == "rejected_conns" }
                    .flatMap { Int64($0.value) }
                do {
                    health.settings = .value(try await client.stats("settings").map { ServerHealth.Setting(name: $0.name, value: $0.value) })
                } catch let error as MemcachedError where !error.breaksConnection {
                    health.settings = .refused("stats settings refused: \(error.message)")
                }
                servers.append(health)
            } catch {
                missing.append(KeyspaceCensus.MissingNode(address: address, reason: (error as? MemcachedError)?.message ?? ErrorText.oneLine(error)))
            }
        }
        if servers.isEmpty, let first = missing.first { throw MemcachedError(.connectionFailed, "\(first.address): \(first.reason)") }
        return (servers, missing)
    }
}
