import CacheMonitor
import Foundation
import TestSupport

@testable import Dashboard

/// A fleet of 200 backends for the overview's many-rows tests: 120 Redis and 80 memcached, tagged by
/// environment, region and service, each with its own deterministic figures; every 25th is down, every 40th
/// evicts, a few miss more than they hit.
enum FleetFixtures {
    static let regions = ["eu", "us", "ap"]
    static let services = ["sessions", "pages", "carts", "search"]

    static func name(_ index: Int) -> String {
        "\(services[index % services.count])-\(regions[index % regions.count])-\(String(format: "%03d", index))"
    }

    static func tags(_ index: Int) -> [BackendTag] {
        [index % 5 == 0 ? "staging" : "prod", regions[index % regions.count], services[index % services.count]].compactMap(BackendTag.init)
    }

    static func backend(_ index: Int) -> MonitoredBackend {
        let kind: BackendKind = index % 5 < 3 ? .redis : .memcached
        let address = "10.\(index / 100).\(index % 100).\(index % 7 + 1):\(kind == .redis ? 6379 : 11211)"
        return MonitoredBackend(
            id: BackendID(index), name: name(index), kind: kind, address: address, tags: tags(index),
            source: FakeSource(name: name(index), address: address, kind: kind))
    }

    static func snapshot(count: Int = 200) -> Snapshot {
        let backends = (0..<count).map { index -> BackendSnapshot in
            let described = backend(index)
            if index % 25 == 24 {
                return BackendSnapshot(
                    backend: described, status: .down, error: "cannot connect to \(described.address): connection refused", retryIn: 2)
            }
            // Reads per second from 10 to about 5,000; the hit ratio from 30% to 99%.
            let reads = UInt64(10 + (index * 7_919) % 5_000)
            let ratio = index % 17 == 3 ? 0.3 : 0.80 + Double((index * 31) % 20) / 100
            let hits = UInt64(Double(reads) * ratio)
            var before = SourceSample(totalHits: 1_000_000, totalMisses: 100_000)
            before.operations = 5_000_000
            before.evictions = 10
            var after = before
            after.totalHits += hits
            after.totalMisses += reads - hits
            after.operations = 5_000_000 + reads * 2
            after.evictions = index % 40 == 7 ? 15 : 10
            after.keys = 1_000 + (index * 613) % 90_000
            after.memoryBytes = UInt64(10_000_000 + (index * 104_729) % 50_000_000)
            after.maxMemoryBytes = 64_000_000
            after.latency = .microseconds(200 + (index * 37) % 900)
            var snapshot = BackendSnapshot(
                backend: described, status: .up, sample: after, rates: BackendRates(from: before, to: after, seconds: 1), sampledAt: Fixtures.now)
            for step in 0..<12 { snapshot.hitRatioHistory.append(ratio - Double(step % 3) / 100) }
            return snapshot
        }
        return Snapshot(backends: backends, takenAt: Fixtures.now)
    }

    static func state(width: Int = 120, height: Int = 40, count: Int = 200) -> AppState {
        AppState(refreshSeconds: 1, snapshot: snapshot(count: count), width: width, height: height, now: Fixtures.now, clockText: "12:34:56")
    }
}
