import Basics
import Memcache
import RESP

extension CacheSource {
    /// The backend's metrics under the exporters' names (redis_exporter, memcached_exporter), read now from
    /// every server: a server that does not answer is `redis_up 0` / `memcached_up 0` with its `node`, the
    /// others are read. Samples carry `backend` and, where the backend has several servers, `node`.
    /// - Throws: nothing for unreachable servers (they are `*_up 0`); an in-process cache has none (empty).
    package func exporterMetrics(backend: String) async -> MetricSet {
        switch self {
        case let redis as RedisSource: await redis.exporterMetrics(backend: backend)
        case let memcached as MemcachedSource: await memcached.exporterMetrics(backend: backend)
        default: MetricSet()
        }
    }
}

extension RedisSource {
    func exporterMetrics(backend: String) async -> MetricSet {
        var set = MetricSet()
        guard let (nodes, isCluster) = try? await everyServer() else { return RedisMetrics.down(labels: [.init("backend", backend)]) }
        struct NodeMetrics: Sendable {
            var index: Int
            var set: MetricSet
        }
        let results = await withTaskGroup(of: NodeMetrics.self) { group in
            for (index, node) in nodes.enumerated() {
                let address = node.url.hostAndPort
                let labels: [MetricFamily.Label] = [.init("backend", backend)] + (isCluster ? [.init("node", address)] : [])
                group.addTask {
                    do {
                        let replies = try await node.send(RedisMetrics.commands)
                        self.recordOwnCommands(RedisMetrics.commands.count, on: address, isCluster: isCluster)
                        return NodeMetrics(index: index, set: RedisMetrics.metrics(try RedisMetrics.reading(replies), labels: labels))
                    } catch {
                        return NodeMetrics(index: index, set: RedisMetrics.down(labels: labels))
                    }
                }
            }
            var results: [NodeMetrics] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.index < $1.index }
        }
        for result in results { set.add(result.set) }
        return set
    }
}

extension MemcachedSource {
    func exporterMetrics(backend: String) async -> MetricSet {
        var set = MetricSet()
        let pooled = clients.count > 1
        for client in clients {
            let labels: [MetricFamily.Label] = [.init("backend", backend)] + (pooled ? [.init("node", client.address.description)] : [])
            do {
                let stats = Dictionary(try await client.stats().map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                let settings = (try? await client.stats("settings")).map {
                    Dictionary($0.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                }
                set.add(MemcachedMetrics.metrics(stats: stats, settings: settings ?? [:], labels: labels))
            } catch {
                set.add(MemcachedMetrics.down(labels: labels))
            }
        }
        return set
    }
}
