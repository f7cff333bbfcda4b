import Caching
import DemoApp
import Testing

/// The traffic generator against the demo app served on a real loopback port.
@Suite struct TrafficGeneratorTests {
    func demo() -> DemoApp {
        DemoApp(cache: Cache(backend: SimpleCache(), configuration: .init(keyPrefix: DemoApp.keyPrefix)), delays: .none, users: 200)
    }

    @Test func zipfFavoursLowRanksAndStaysInRange() {
        let sampler = ZipfSampler(count: 100, exponent: 1.0)
        var random = SystemRandomNumberGenerator()
        var counts = [Int](repeating: 0, count: 101)
        for _ in 0..<20_000 {
            let rank = sampler.next(using: &random)
            #expect((1...100).contains(rank))
            counts[rank] += 1
        }
        #expect(
            counts[1] > counts[10] && counts[10] > counts[100],
            "hot keys are drawn more often than cold ones: \(counts[1]) \(counts[10]) \(counts[100])")
        #expect(counts[1] > 20_000 / 10, "rank 1 takes about a fifth of the draws under s = 1")
    }

    @Test func theMixSendsOnlyServedRoutesAndClearsOnSchedule() {
        let mix = TrafficMix(available: DemoRoute.allCases.filter { $0 != .redis && $0 != .memcached }, users: 50, clearEvery: 100)
        var random = SystemRandomNumberGenerator()
        var seen: Set<DemoRoute> = []
        for number in 1...2_000 {
            let request = mix.request(number: number, using: &random)
            #expect((request.route == .invalidate) == (number % 100 == 0))
            #expect(request.target.hasPrefix("/"))
            seen.insert(request.route)
        }
        #expect(!seen.contains(.redis) && !seen.contains(.memcached), "routes without a backend are not sent")
        #expect(seen.isSuperset(of: [.hello, .users, .user, .update, .weather, .expensive, .simplecache, .uncached, .invalidate]))
    }

    @Test func aBoundedRunSendsTheCountAndAgreesWithTheApp() async throws {
        let demo = demo()
        let server = try await DemoServer.start(demo, port: 0)
        let mix = TrafficMix(available: demo.availableRoutes, users: 200, clearEvery: 100)
        // Paced, so the run does not starve the tests running beside it.
        let report = await TrafficGenerator.run(requests: 300, port: server.port, mix: mix, rate: 500, clients: 4)
        let app = demo.counters.snapshot()
        await server.stop()

        #expect(report.requests == 300)
        #expect(report.errors == 0)
        #expect(report.hits > 0 && report.misses > 0)
        for route in report.routes {
            let counted = app[route.route] ?? DemoRouteCount()
            #expect(route.requests == counted.requests, "\(route.route.template): sent \(route.requests), app answered \(counted.requests)")
            #expect(route.hits == counted.hits && route.misses == counted.misses, "\(route.route.template): hit/miss as the app counted them")
            if route.route.isCached, route.misses > 0 { #expect(route.missLatency.p50 != nil) }
        }
        #expect(app.values.reduce(0) { $0 + $1.requests } == 300, "no request the generator did not count")
    }

    @Test func aTakenPortFallsBackToAFreeOneAndSaysSo() async throws {
        let first = try await DemoServer.start(demo(), port: 0)
        let second = try await DemoServer.start(demo(), port: first.port)
        #expect(second.port != first.port)
        #expect(second.note?.contains("port \(first.port) is taken") == true)
        #expect(first.note == nil)
        await second.stop()
        await first.stop()
    }

    @Test func stoppingWhilePausedOrAtRateZeroReturns() async throws {
        let demo = demo()
        let server = try await DemoServer.start(demo, port: 0)
        for paused in [true, false] {
            let generator = TrafficGenerator(
                port: server.port, mix: TrafficMix(available: demo.availableRoutes, users: 200), rate: paused ? 50 : 0, clients: 8)
            if paused { await generator.setPaused(true) }
            generator.start()
            try await Task.sleep(for: .milliseconds(100))
            await generator.stop()  // would hang if a client kept waiting for a slot
            #expect(await generator.report().requests == 0)
        }
        await server.stop()
    }

    @Test func pausingStopsTrafficAndRateStepsMove() async throws {
        let demo = demo()
        let server = try await DemoServer.start(demo, port: 0)
        let generator = TrafficGenerator(port: server.port, mix: TrafficMix(available: demo.availableRoutes, users: 200), rate: 200, clients: 2)
        generator.start()
        // Wait for traffic to flow (a loaded machine may take a while to connect).
        let deadline = ContinuousClock.now + .seconds(20)
        while await generator.report().requests < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await generator.report().requests >= 5)
        await generator.setPaused(true)
        let atPause = await generator.report().requests
        try await Task.sleep(for: .milliseconds(600))
        let later = await generator.report().requests
        // At 200 req/s, 600 ms would be ~120 requests; paused, only the two clients' requests in flight finish.
        #expect(later - atPause <= 2, "nothing new is sent while paused: \(atPause) → \(later)")
        #expect(await generator.stepRate(up: true) == 500)
        #expect(await generator.stepRate(up: false) == 200)
        await generator.stop()
        await server.stop()
    }
}
