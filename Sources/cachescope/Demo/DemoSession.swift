import Basics
import CacheMonitor
import Caching
import ConnectionSupport
import Dashboard
import DemoApp
import Foundation
import Synchronization

/// The embedded demo while it runs: the app on loopback, its traffic generator, and the in-process cache
/// the dashboard watches. Answers the dashboard's demo keys (``DemoControls``).
final class DemoSession: DemoControls {
    let app: DemoApp
    let server: DemoServer
    let generator: TrafficGenerator
    /// The demo's SimpleCache, as a monitored backend.
    let source: InProcessSource
    private let window = TrafficWindow()

    private init(app: DemoApp, server: DemoServer, generator: TrafficGenerator, source: InProcessSource) {
        self.app = app
        self.server = server
        self.generator = generator
        self.source = source
    }

    /// Starts the app (its `/redis` and `/memcached` routes on the first such backend given, if any) and
    /// the traffic generator.
    static func start(options: DemoOptions, backends: [BackendDescriptor], limit: Int? = nil) async throws -> DemoSession {
        let simple = SimpleCache(threshold: 1_000)  // the tutorial's CACHE_THRESHOLD
        let redis = backends.first { !$0.endpoint.redisURLs.isEmpty }?.makeCacheBackend()
        let memcached = backends.first { $0.memcachedServers != nil }?.makeCacheBackend()
        let app = DemoApp(
            cache: DemoApp.cache(on: simple), redisCache: redis.map(DemoApp.cache(on:)), memcachedCache: memcached.map(DemoApp.cache(on:))
        )
        let server: DemoServer
        do {
            server = try await DemoServer.start(app, port: options.port)
        } catch {
            throw CommandFailure(.backendFailed, "the demo app could not listen on 127.0.0.1: \(error)")
        }
        let mix = TrafficMix(available: app.availableRoutes, users: app.database.count)
        let generator = TrafficGenerator(port: server.port, mix: mix, rate: options.rate, limit: limit)
        generator.start()
        return DemoSession(app: app, server: server, generator: generator, source: InProcessSource(name: "simplecache", backend: simple))
    }

    func stop() async {
        await generator.stop()
        await server.stop()
    }

    // MARK: DemoControls

    func perform(_ command: TrafficCommand) async -> DemoActionResult {
        switch command {
        case .pauseOrResume:
            let report = await generator.report()
            await generator.setPaused(!report.paused)
            return report.paused ? .resumed(rate: report.rate) : .paused
        case .faster, .slower:
            return .rateChanged(await generator.stepRate(up: command == .faster))
        case .updateRandomUser:
            let id = Int.random(in: 1...app.database.count)
            do {
                let answer = try await generator.send("/api/users/\(id)/update")
                guard answer.status == 200, let result = try? JSONDecoder().decode(DemoUpdateResult.self, from: Data(answer.body)) else {
                    return .updateFailed(id: id, reason: "HTTP \(answer.status)")
                }
                return .userUpdated(id: id, version: result.version, keyExisted: result.keyExisted)
            } catch {
                return .updateFailed(id: id, reason: ErrorText.oneLine(error))
            }
        }
    }

    func clearCache() async throws -> Int {
        try await app.clearAll()
    }

    func traffic() async -> DemoTraffic {
        let report = await generator.report()
        let recent = window.add(report)
        let routes = app.availableRoutes.map { route in
            let now = report.routes.first { $0.route == route } ?? RouteTraffic(route: route)
            return DemoTraffic.Route(
                path: route.template, section: route.section, requestsPerSecond: recent.rate(of: route),
                hitRatio: route.isCached ? recent.hitRatio(of: route) : nil, hitP50: now.hitLatency.p50, missP50: now.missLatency.p50,
                errors: now.errors, isCached: route.isCached
            )
        }
        return DemoTraffic(url: server.url, rate: report.rate, paused: report.paused, routes: routes)
    }
}
