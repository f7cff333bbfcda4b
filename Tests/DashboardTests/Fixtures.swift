import CacheMonitor
import Foundation
import TestSupport
import Testing

@testable import Dashboard

/// Fixed data for renderer and reducer tests: three backends (a busy Redis, a memcached pool, a Redis
/// that is down), keys with TTLs read at a known moment, and a state at a known time.
enum Fixtures {
    static let now = 1000.0

    static func sample(
        hits: UInt64, misses: UInt64, keys: Int, memory: UInt64?, maxMemory: UInt64?, operations: UInt64, evictions: UInt64 = 0
    ) -> SourceSample {
        var sample = SourceSample(totalHits: hits, totalMisses: misses)
        sample.keys = keys
        sample.memoryBytes = memory
        sample.maxMemoryBytes = maxMemory
        sample.operations = operations
        sample.evictions = evictions
        sample.latency = .microseconds(420)
        sample.version = "7.0.15"
        sample.uptimeSeconds = 11_520
        sample.clients = 4
        return sample
    }

    /// A backend as the run would make it; its source is a fake that the renderer and reducer never ask.
    static func backend(_ position: Int, _ name: String, _ kind: BackendKind, _ address: String, keyPrefix: [UInt8]? = nil) -> MonitoredBackend {
        MonitoredBackend(
            id: BackendID(position), name: name, kind: kind, address: address, keyPrefix: keyPrefix,
            source: FakeSource(name: name, address: address, kind: kind)
        )
    }

    static let sessions = backend(0, "sessions", .redis, "cache-primary.eu-west-1.internal.example.com:6379")
    static let pages = backend(1, "pages", .memcached, "10.0.0.11:11211,10.0.0.12:11211,10.0.0.13:11211")
    static let reports = backend(2, "reports", .redis, "127.0.0.1:6390")

    static func upBackend(
        _ described: MonitoredBackend, before: SourceSample, after: SourceSample, history: [Double?], servers: [ServerReading] = []
    ) -> BackendSnapshot {
        var current = after
        current.servers = servers
        var backend = BackendSnapshot(
            backend: described, status: .up, sample: current, rates: BackendRates(from: before, to: current, seconds: 1), sampledAt: now)
        for value in history { backend.hitRatioHistory.append(value) }
        for value in history { backend.operationsHistory.append(value.map { $0 * 1000 }) }
        for _ in history { backend.memoryHistory.append(Double(current.memoryBytes ?? 0)) }
        return backend
    }

    static var snapshot: Snapshot {
        let redis = upBackend(
            sessions,
            before: sample(hits: 9_000, misses: 1_000, keys: 1_204, memory: 3_000_000, maxMemory: 4_000_000, operations: 20_000),
            after: sample(hits: 9_975, misses: 1_025, keys: 1_204, memory: 3_100_000, maxMemory: 4_000_000, operations: 21_200),
            history: [0.91, 0.95, nil, 0.97, 0.975, 0.6, 0.4, 0.975]
        )
        let pool = upBackend(
            pages,
            before: sample(hits: 100, misses: 100, keys: 52_000, memory: 62_000_000, maxMemory: 64_000_000, operations: 300, evictions: 10),
            after: sample(hits: 130, misses: 170, keys: 52_000, memory: 63_500_000, maxMemory: 64_000_000, operations: 400, evictions: 13),
            history: [0.5, 0.45, 0.3],
            servers: [
                ServerReading(address: "10.0.0.11:11211", up: true), ServerReading(address: "10.0.0.12:11211", up: true),
                ServerReading(address: "10.0.0.13:11211", up: false, error: "connection refused"),
            ]
        )
        let down = BackendSnapshot(
            backend: reports, status: .down, error: "cannot connect to 127.0.0.1:6390: connection refused",
            retryIn: 3.2
        )
        return Snapshot(backends: [redis, pool, down], takenAt: now)
    }

    static func key(_ text: String, ttl: Int64?, size: Int? = 64, type: String = "string") -> BrowsedKey {
        BrowsedKey(key: Array(text.utf8), type: type, ttlMilliseconds: ttl, size: size, readAt: now)
    }

    static var keys: [BrowsedKey] {
        [
            key("user:1:name", ttl: 299_000),
            key("user:1:email", ttl: 7_400, size: 120),
            key("user:2:name", ttl: nil),
            key("flask_cache_view//api/users", ttl: 250_000, size: 2_048),
            key("flask_cache_app.expensive_memver", ttl: nil, size: 56),
            key("session:日本語", ttl: 86_400_000 * 2 + 3_600_000),
            BrowsedKey(key: Array("bin".utf8) + [1] + Array("ary".utf8) + [0xFF], type: "string", ttlMilliseconds: 42_000, size: 64, readAt: now),
        ]
    }

    /// A state at `width`×`height` on the overview, with the fixture snapshot.
    static func state(width: Int = 120, height: Int = 40, readOnly: Bool = false) -> AppState {
        AppState(
            readOnly: readOnly, refreshSeconds: 1, themeNames: ["default", "light"], snapshot: snapshot, width: width, height: height, now: now,
            clockText: "12:34:56")
    }

    /// The demo's routes panel figures: a cached route (hits 0.2 ms, misses 120 ms), an idle one, an
    /// uncached one and one with failures.
    static let demoTraffic = DemoTraffic(
        url: "http://127.0.0.1:5000", rate: 50, paused: false,
        routes: [
            .init(
                path: "/", section: "Adding Caching · Setting cache control headers", requestsPerSecond: 5.2, hitRatio: 0.99, hitP50: 0.0002,
                missP50: 0.003, errors: 0, isCached: true),
            .init(
                path: "/api/users", section: "Caching Database Queries", requestsPerSecond: 4.5, hitRatio: 0.97, hitP50: 0.0002, missP50: 0.121,
                errors: 0, isCached: true),
            .init(
                path: "/api/users/{id}/update", section: "Manual and conditional invalidation", requestsPerSecond: 1, hitRatio: nil, hitP50: nil,
                missP50: nil, errors: 0, isCached: false),
            .init(
                path: "/api/invalidate_cache", section: "Cache Invalidation", requestsPerSecond: 0, hitRatio: nil, hitP50: nil, missP50: nil,
                errors: 0, isCached: false),
            .init(
                path: "/api/weather", section: "Caching API Responses", requestsPerSecond: 8, hitRatio: 0.42, hitP50: 0.0003, missP50: 0.102,
                errors: 3, isCached: true),
        ])

    /// The overview with the embedded demo running.
    static func demoState(width: Int = 120, height: Int = 40) -> AppState {
        var state = state(width: width, height: height)
        state.hasDemo = true
        _ = Reducer.reduce(&state, .demoTraffic(demoTraffic))
        return state
    }

    /// A state with the key browser open on the first backend and its keys loaded.
    static func browsing(width: Int = 120, height: Int = 40, readOnly: Bool = false) -> AppState {
        var state = state(width: width, height: height, readOnly: readOnly)
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .keysLoaded(backend: sessions.id, filter: .all, window: KeyWindow.complete(keys)))
        return state
    }

    /// Feeds keys to the reducer, returning every effect.
    @discardableResult
    static func press(_ keys: [KeyPress], _ state: inout AppState) -> [DashboardEffect] {
        keys.flatMap { Reducer.reduce(&state, .key($0)) }
    }

    static func type(_ text: String, _ state: inout AppState) {
        press(text.map { KeyPress.character($0) }, &state)
    }
}

/// Compares a rendered canvas with `Snapshots/<name>.txt` (`RECORD_SNAPSHOTS=1` writes it instead).
func assertSnapshot(_ canvas: Canvas, named name: String, roles: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent("\(name).txt")
    var text = canvas.text() + "\n"
    if roles { text += "--- roles ---\n" + canvas.roles() + "\n" }
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? text.write(to: file, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("no snapshot \(name).txt; run with RECORD_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
        return
    }
    if expected != text {
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(got, want)).firstIndex { $0 != $1 } ?? min(got.count, want.count)
        let gotLine = line < got.count ? String(got[line]) : "<none>"
        let wantLine = line < want.count ? String(want[line]) : "<none>"
        Issue.record("snapshot \(name) differs at line \(line + 1):\n  got:  \(gotLine)\n  want: \(wantLine)", sourceLocation: sourceLocation)
    }
}
