import Basics
import Memcache

extension MemcachedSource: MetricsSource {
    /// `stats` and `stats settings` on every server, under memcached_exporter's names.
    package func exporterMetrics(backend: String) async -> MetricSet {
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

    package func unansweredMetrics(backend: String) -> MetricSet {
        MemcachedMetrics.down(labels: [.init("backend", backend)])
    }
}
