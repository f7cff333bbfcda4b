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
        let nodes: [RedisClient]
        let isCluster: Bool
        do {
            switch try await client.shape() {
            case .single(let server):
                (nodes, isCluster) = ([server], false)
            case .cluster(let cluster):
                let topology = try await cluster.topology()
                (nodes, isCluster) = (topology.shards.flatMap { [$0.master] + $0.replicas }.map { cluster.client(for: $0) }, true)
            }
        } catch {
            set.add("redis_up", .gauge, help: "Information about the Redis instance", labels: [.init("backend", backend)], 0)
            return set
        }
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
                        let sent = UInt64(RedisMetrics.commands.count)
                        if isCluster {
                            self.nodeSampleCommands.withLock { $0[address, default: 0] += sent }
                        } else {
                            self.ownReads.recordCommands(Int(sent))
                        }
                        return NodeMetrics(index: index, set: RedisMetrics.metrics(try RedisMetrics.reading(replies), labels: labels))
                    } catch {
                        var down = MetricSet()
                        down.add("redis_up", .gauge, help: "Information about the Redis instance", labels: labels, 0)
                        return NodeMetrics(index: index, set: down)
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
                set.add("memcached_up", .gauge, help: "Could the memcached server be reached.", labels: labels, 0)
            }
        }
        return set
    }
}
