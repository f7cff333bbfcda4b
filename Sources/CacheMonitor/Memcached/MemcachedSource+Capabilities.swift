import Basics
import Memcache

extension MemcachedSource: CapabilitySource {
    /// Asks every server of the pool: `version`, `stats`, `stats settings` (is the LRU crawler there to list
    /// keys), the health groups, and a `watch` opened and closed at once.
    package func checkCapabilities(_ options: CapabilityCheckOptions) async throws -> CapabilityReport {
        var report = CapabilityReport(servers: [])
        for client in clients {
            let address = client.address.description
            do {
                report.servers.append(try await probe(client, options: options))
            } catch let error as MemcachedError where error.breaksConnection {
                report.missing.append(KeyspaceCensus.MissingNode(address: address, reason: error.message))
            }
        }
        if report.servers.isEmpty, let first = report.missing.first {
            throw MemcachedError(.connectionFailed, "\(first.address): \(first.reason)")
        }
        return report
    }

    private func probe(_ client: MemcachedClient, options: CapabilityCheckOptions) async throws -> ServerCapabilities {
        let version = try await client.version()
        var rules = MemcachedCapabilityRules(readOnly: options.readOnly)
        rules.stats = try await answer("stats") { _ = try await client.stats() }
        var crawler: String?
        rules.settings = try await answer("stats settings") {
            crawler = try await client.stats("settings").first { $0.name == "lru_crawler" }?.value
        }
        rules.crawlerOn = crawler == "yes"
        rules.metadumpVersion = ServerVersion(version).map { $0 >= ServerVersion(1, 4, 31) } ?? false
        rules.slabs = try await answer("stats slabs") { _ = try await client.stats("slabs") }
        rules.conns = try await answer("stats conns") { _ = try await client.stats("conns") }
        rules.watch = try await answer("watch") {
            let stream = try await MemcachedWatch.open(
                client.address, kinds: ["fetchers", "mutations"], timeout: client.configuration.connectTimeout, onLine: { _ in })
            await stream.close()
        }
        return ServerCapabilities(
            address: client.address.description, version: version, flavor: .memcached, role: nil, tls: client.address.access.tls != nil,
            user: client.address.access.credentials?.username, features: rules.features)
    }

    /// Whether `request` ran: a refusal in the server's words, or a connection failure thrown.
    private func answer(_ request: String, _ body: () async throws -> Void) async throws -> Refusal? {
        do {
            try await body()
            return nil
        } catch let error as MemcachedError where !error.breaksConnection {
            return Refusal(
                error.code == .unknownCommand ? .unknownCommand : error.message.lowercased().contains("not supported") ? .blockedByService : .other,
                command: request, message: error.message)
        }
    }
}

/// What one memcached server answered to the check, turned into what each feature can do there.
struct MemcachedCapabilityRules: Sendable {
    var readOnly: Bool
    var stats: Refusal?
    var settings: Refusal?
    var crawlerOn = false
    var metadumpVersion = false
    var slabs: Refusal?
    var conns: Refusal?
    var watch: Refusal?

    init(readOnly: Bool) {
        self.readOnly = readOnly
    }

    private var listing: (available: Bool, refused: [Refusal], remedy: String?) {
        if let settings { return (false, [settings], "key listing needs the LRU crawler (lru_crawler metadump): the service hides it") }
        if !metadumpVersion { return (false, [], "key listing needs memcached 1.4.31 or later (lru_crawler metadump)") }
        if !crawlerOn { return (false, [], "start memcached with -o lru_crawler (the LRU crawler is off)") }
        return (true, [], nil)
    }

    var features: [FeatureCheck] {
        let listing = listing
        return CheckedFeature.allCases.map { feature in
            switch feature {
            case .overview, .metrics:
                if let stats { return FeatureCheck(feature, .unavailable, method: nil, refused: [stats], remedy: "the server must answer stats") }
                return FeatureCheck(feature, .ok, method: "stats")
            case .keys, .ttl, .analyze:
                guard listing.available else {
                    return FeatureCheck(feature, .unavailable, method: nil, refused: listing.refused, remedy: listing.remedy)
                }
                return FeatureCheck(feature, .ok, method: "lru_crawler metadump")
            case .values:
                return FeatureCheck(feature, .ok, method: "get")
            case .traffic:
                if let watch {
                    return FeatureCheck(
                        feature, .unavailable, method: nil, refused: [watch],
                        remedy: "traffic needs watch (memcached 1.5 or later, not behind a proxy)")
                }
                return FeatureCheck(feature, .ok, method: TrafficMethod.watch.rawValue)
            case .health:
                if let slabs { return FeatureCheck(feature, .unavailable, method: nil, refused: [slabs], remedy: "the slab tab needs stats slabs") }
                let refused = [settings, conns].compactMap { $0 }
                if !refused.isEmpty {
                    return FeatureCheck(
                        feature, .degraded, method: "stats slabs+items", refused: refused,
                        remedy: "the settings and connections tabs need those stats groups",
                        note: "the other tabs are shown")
                }
                return FeatureCheck(feature, .ok, method: "stats slabs+items+settings+conns")
            case .invalidate:
                if readOnly {
                    return FeatureCheck(
                        feature, .unavailable, method: nil, remedy: "run without --read-only", note: "--read-only refuses every change")
                }
                guard listing.available else {
                    return FeatureCheck(
                        feature, .degraded, method: "keys", refused: listing.refused, remedy: listing.remedy,
                        note: "given keys only: prefixes cannot be searched")
                }
                return FeatureCheck(feature, .ok, method: "metadump")
            }
        }
    }
}
