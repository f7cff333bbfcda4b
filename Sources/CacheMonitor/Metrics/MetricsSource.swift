/// Port of `cachescope serve`: a backend whose servers' metrics can be read under the exporters' names
/// (redis_exporter, memcached_exporter).
package protocol MetricsSource: CacheSource {
    /// The backend's metrics, read now from every server: a server that does not answer is `redis_up 0` /
    /// `memcached_up 0` with its `node`, the others are read. Samples carry `backend` and, where the backend
    /// has several servers, `node`.
    func exporterMetrics(backend: String) async -> MetricSet
    /// What the backend says when it did not answer in time: `redis_up 0` or `memcached_up 0`.
    func unansweredMetrics(backend: String) -> MetricSet
}
