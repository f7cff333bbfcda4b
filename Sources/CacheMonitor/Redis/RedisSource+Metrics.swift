import Basics
import RESP

extension RedisSource: MetricsSource {
    /// `INFO ALL`, `SLOWLOG LEN`, `SLOWLOG GET 1` and `CONFIG GET` on every server at once (a cluster's every node),
    /// under redis_exporter's names.
    package func exporterMetrics(backend: String) async -> MetricSet {
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

    package func unansweredMetrics(backend: String) -> MetricSet {
        RedisMetrics.down(labels: [.init("backend", backend)])
    }
}
