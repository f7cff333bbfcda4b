import CacheMonitor
import Foundation
import TestSupport

@testable import Recording

/// Temporary recording files and snapshots made by hand.
enum RecordingFixtures {
    /// A fresh directory for one test's files.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-recording-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func backend(_ position: Int, name: String, kind: BackendKind = .redis, tags: [String] = []) -> MonitoredBackend {
        let address = "10.0.0.\(position + 1):\(kind == .memcached ? 11211 : 6379)"
        return MonitoredBackend(
            id: BackendID(position), name: name, kind: kind, address: address, tags: tags.compactMap(BackendTag.init),
            source: FakeSource(name: name, address: address, kind: kind))
    }

    /// A backend up with counters that grow by `reads` per second (`ratio` of them hits) after `second`
    /// seconds, sampled at `second` (the poller's seconds).
    static func up(_ backend: MonitoredBackend, second: Int, reads: UInt64 = 100, ratio: Double = 0.9, memory: UInt64 = 1_000_000) -> BackendSnapshot
    {
        let hits = UInt64(Double(reads) * ratio) * UInt64(second)
        let misses = (reads - UInt64(Double(reads) * ratio)) * UInt64(second)
        var sample = SourceSample(totalHits: 1_000 + hits, totalMisses: 100 + misses)
        sample.operations = 5_000 + UInt64(second) * reads * 2
        sample.keys = 500 + second
        sample.memoryBytes = memory
        sample.maxMemoryBytes = 64 * 1_048_576
        sample.uptimeSeconds = 3_600 + UInt64(second)
        sample.latency = .microseconds(250)
        sample.version = "7.0.15"
        sample.flavor = .redis
        sample.clients = 3
        var snapshot = BackendSnapshot(backend: backend, status: .up, sample: sample, sampledAt: Double(second))
        snapshot.health = BackendHealth()
        return snapshot
    }

    static func down(_ backend: MonitoredBackend, second: Int, error: String = "connection refused") -> BackendSnapshot {
        BackendSnapshot(backend: backend, status: .down, error: error, sampledAt: Double(second))
    }
}
