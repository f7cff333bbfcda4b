import Caching

extension InProcessSource: CapabilitySource {
    /// An in-process cache does everything itself but health (it has no server); traffic needs a key-traffic log (``Caching/SimpleCache``
    /// keeps one) and metrics are exported for servers only.
    package func checkCapabilities(_ options: CapabilityCheckOptions) async throws -> CapabilityReport {
        let hasLog = backend is any KeyTrafficSource
        let features = CheckedFeature.allCases.map { feature -> FeatureCheck in
            switch feature {
            case .overview, .keys, .ttl, .values, .analyze: FeatureCheck(feature, .ok, method: "in-process")
            case .health:
                FeatureCheck(
                    feature, .unavailable, method: nil,
                    refused: [Refusal(.notSupported, command: "health", message: "an in-process cache has no server to read health from")])
            case .traffic:
                hasLog
                    ? FeatureCheck(feature, .ok, method: TrafficMethod.inProcess.rawValue)
                    : FeatureCheck(
                        feature, .unavailable, method: nil,
                        refused: [Refusal(.notSupported, command: "traffic sample", message: "a \(backend.kind) cache keeps no per-key traffic log")],
                        remedy: "use a cache that keeps a key-traffic log (SimpleCache)")
            case .invalidate:
                options.readOnly
                    ? FeatureCheck(feature, .unavailable, method: nil, remedy: "run without --read-only", note: "--read-only refuses every change")
                    : FeatureCheck(feature, .ok, method: "in-process")
            case .metrics:
                FeatureCheck(feature, .unavailable, method: nil, remedy: "exporter metrics are for Redis and memcached servers")
            }
        }
        return CapabilityReport(servers: [
            ServerCapabilities(address: "", version: nil, flavor: .inProcess, role: nil, tls: false, user: nil, features: features)
        ])
    }
}
