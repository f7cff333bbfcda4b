import Basics
import Memcache

extension MemcachedSource: MetricsSource {
    /// `stats`, `stats settings`, `stats items` and `stats slabs` on every server, under memcached_exporter's names.
    package func exporterMetrics(backend: String) async -> MetricSet {
        var set = MetricSet()
        let pooled = clients.count > 1
        for client in clients {
            let labels: [MetricFamily.Label] = [.init("backend", backend)] + (pooled ? [.init("node", client.address.description)] : [])
            func section(_ name: String) async -> [String: String] {
                ((try? await client.stats(name)) ?? []).reduce(into: [:]) { $0[$1.name] = $0[$1.name] ?? $1.value }
            }
            do {
                let stats = try await client.stats().reduce(into: [String: String]()) { $0[$1.name] = $0[$1.name] ?? $1.value }
                let reading = MemcachedMetrics.Reading(
                    stats: stats, settings: await section("settings"), items: await section("items"), slabs: await section("slabs"))
                set.add(MemcachedMetrics.metrics(reading, labels: labels))
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
