import Basics
import Memcache

extension MemcachedSource: HealthSource {
    package var healthViews: HealthViews { .memcached }

    /// memcached counts no commands per name.
    package func ownCommandCounts(on address: String) -> [String: UInt64] { [:] }

    /// The health of every server of the pool, at once: slab classes (`stats slabs` with `stats items`),
    /// settings (`stats settings`) and connections (`stats conns`, where the server has it). A server that
    /// cannot be reached is missing; the others are read.
    package func readHealth(_ scope: HealthScope) async throws -> (servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode]) {
        var servers: [ServerHealth] = []
        var missing: [KeyspaceCensus.MissingNode] = []
        for client in clients {
            let address = client.address.description
            do {
                // One round trip for what the attention rules read (a fleet reads hundreds every few seconds).
                let groups = try await client.stats(["slabs", "items", nil])
                guard groups.count == 3 else { throw MemcachedError(.protocolViolation, "protocol violation: stats replies missing") }
                var health = Self.attentionHealth(address: address, slabs: groups[0], items: groups[1], stats: groups[2])
                if scope == .full {
                    health.settings = try await optionalStats(client, "settings") {
                        .value($0.map { ServerHealth.Setting(name: $0.name, value: $0.value) })
                    }
                    health.connections = try await optionalStats(client, "conns") { .value(MemcachedConnectionInfo.parse($0)) }
                }
                servers.append(health)
            } catch {
                missing.append(KeyspaceCensus.MissingNode(address: address, reason: (error as? MemcachedError)?.message ?? ErrorText.oneLine(error)))
            }
        }
        if servers.isEmpty, let first = missing.first { throw MemcachedError(.connectionFailed, "\(first.address): \(first.reason)") }
        return (servers, missing)
    }

    /// What the attention rules read of one server: its slab classes and rejected connections, from its
    /// `stats slabs`, `stats items` and `stats` replies.
    static func attentionHealth(address: String, slabs: [MemcachedStat], items: [MemcachedStat], stats: [MemcachedStat]) -> ServerHealth {
        var health = ServerHealth(address: address)
        health.slabs = .value(
            SlabClass.parse(slabs: slabs.map { (name: $0.name, value: $0.value) }, items: items.map { (name: $0.name, value: $0.value) }))
        health.rejectedConnections = stats.first { $0.name == "rejected_connections" || $0.name == "rejected_conns" }.flatMap { Int64($0.value) }
        return health
    }

    /// A `stats` group an older server may not have: its view, or one line saying the server refused it.
    private func optionalStats<Value>(
        _ client: MemcachedClient, _ group: String, _ read: ([(name: String, value: String)]) -> HealthView<Value>
    ) async throws -> HealthView<Value> {
        do {
            return read(try await client.stats(group).map { (name: $0.name, value: $0.value) })
        } catch let error as MemcachedError where !error.breaksConnection {
            return .refused("stats \(group) refused: \(error.message)")
        }
    }
}

extension MemcachedSource: AttentionSamplingSource {
    /// The sample and every server's attention reading, each server in one round trip.
    package func sampleWithAttention() async throws -> (sample: SourceSample, attention: Result<AttentionReading, any Error>) {
        let (stats, reading) = await stats(withAttention: true)
        let sample = try sample(from: stats)
        guard let reading, !reading.servers.isEmpty else {
            let reason = reading?.missing.first.map { "\($0.address): \($0.reason)" } ?? "no server answered"
            return (sample, .failure(MemcachedError(.connectionFailed, reason)))
        }
        return (sample, .success(reading))
    }
}
