import Testing

@testable import CacheMonitor

@Suite struct ForecastTests {
    private let limit = 4.0 * 1_073_741_824

    /// Memory filling from `start` to the limit in `fillSeconds`, read every `every` seconds for
    /// `seconds`, with noise of ±`noise` bytes (a deterministic sequence).
    private func filling(seconds: Double, fillSeconds: Double, start: Double = 0, every: Double = 1, noise: Double = 0) -> TrendWindow {
        var window = TrendWindow()
        var state: UInt64 = 12_345
        var time = 0.0
        while time <= seconds {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let jitter = (Double(state >> 33) / Double(UInt32.max) - 0.5) * 2 * noise
            let memory = start + (limit - start) * time / fillSeconds + jitter
            window.add(
                TrendWindow.Point(
                    time: time, memoryBytes: min(memory, limit), maxMemoryBytes: limit, hits: UInt64(time) * 90, misses: UInt64(time) * 10,
                    evictions: 0))
            time += every
        }
        return window
    }

    @Test func aLinearFillIsForecastWithinFifteenPercentOnceATenthIsSeen() throws {
        // Five hours from empty to full, half a megabyte of noise; half an hour seen.
        let window = filling(seconds: 1_800, fillSeconds: 18_000, noise: 512 * 1024)
        let eta = try #require(Forecasts.memoryFull(window))
        let truth = 18_000.0 - 1_800
        #expect(abs(eta.seconds - truth) / truth < 0.15, "forecast \(eta.seconds) s, truth \(truth) s")
        #expect(eta.lowSeconds <= eta.seconds)
        #expect((eta.highSeconds ?? .infinity) >= eta.seconds)
        #expect(abs(eta.perHour - limit / 5) / (limit / 5) < 0.15)
    }

    @Test func aReadingIsKeptAsAPointOnlyAStepAfterTheLastOne() {
        var window = TrendWindow()
        func point(_ time: Double, hits: UInt64) -> TrendWindow.Point {
            TrendWindow.Point(time: time, memoryBytes: 1, maxMemoryBytes: 2, hits: hits, misses: 0, evictions: 0)
        }
        let first = window.add(point(0, hits: 1))
        #expect(first, "the first reading is a point")
        let soon = window.add(point(4, hits: 2))
        #expect(!soon && window.latest?.time == 4, "within a step: the latest reading only")
        let stepLater = window.add(point(10, hits: 3))
        #expect(stepLater, "a step after: a point (the fit may change)")
        let restarted = window.add(point(11, hits: 0))
        #expect(restarted && window.points.count == 1, "a counter that went back starts the window again")
    }

    @Test func theWindowKeepsAnHourAtTenSecondSteps() {
        let window = filling(seconds: 7_200, fillSeconds: 100_000)
        #expect(window.points.count <= 362)
        #expect((window.all.last?.time ?? 0) - (window.all.first?.time ?? 0) <= 3_600)
    }

    @Test func noLimitFlatOrShrinkingMemoryHasNoForecast() {
        var flat = TrendWindow()
        var shrinking = TrendWindow()
        var unlimited = TrendWindow()
        for second in stride(from: 0.0, through: 600, by: 10) {
            flat.add(.init(time: second, memoryBytes: 1e9, maxMemoryBytes: limit, hits: 0, misses: 0, evictions: 0))
            shrinking.add(.init(time: second, memoryBytes: 2e9 - second * 1e5, maxMemoryBytes: limit, hits: 0, misses: 0, evictions: 0))
            unlimited.add(.init(time: second, memoryBytes: 1e9 + second * 1e5, maxMemoryBytes: nil, hits: 0, misses: 0, evictions: 0))
        }
        #expect(Forecasts.memoryFull(flat) == nil)
        #expect(Forecasts.memoryFull(shrinking) == nil)
        #expect(Forecasts.memoryFull(unlimited) == nil)
        // Too little to go on: a minute.
        #expect(Forecasts.memoryFull(filling(seconds: 60, fillSeconds: 600)) == nil)
    }

    @Test func theRulesFireWithinTheirHorizonsAndSayWhen() throws {
        // Full in about 40 minutes: both memory-forecast and evictions-soon.
        let soon = filling(seconds: 1_200, fillSeconds: 3_600)
        let rules = Forecasts.evaluate(soon, thresholds: AttentionThresholds(), policy: "allkeys-lru")
        #expect(rules.map(\.rule) == [.memoryForecast, .evictionsSoon])
        let memory = try #require(rules.first)
        #expect(memory.message.hasPrefix("memory full in ~40 m ("), "\(memory.message)")
        #expect(memory.message.contains("/h"))
        #expect(memory.eta != nil)
        // noeviction never evicts: the forecast only.
        #expect(Forecasts.evaluate(soon, thresholds: AttentionThresholds(), policy: "noeviction").map(\.rule) == [.memoryForecast])
        // Full in 20 hours: beyond the 6-hour horizon.
        #expect(Forecasts.evaluate(filling(seconds: 1_200, fillSeconds: 72_000), thresholds: AttentionThresholds(), policy: nil).isEmpty)
    }

    @Test func aHitRatioDropAgainstItsOwnBaselineFires() throws {
        var window = TrendWindow()
        var hits: UInt64 = 0
        var misses: UInt64 = 0
        for second in 0...1_500 {
            // 95 % for 24 minutes, then 60 %, 100 reads a second.
            let ratio = second < 1_440 ? 0.95 : 0.60
            hits += UInt64(100 * ratio)
            misses += 100 - UInt64(100 * ratio)
            window.add(.init(time: Double(second), memoryBytes: nil, maxMemoryBytes: nil, hits: hits, misses: misses, evictions: 0))
        }
        let change = try #require(Forecasts.hitRatioChange(window))
        #expect(abs(change.baseline - 0.95) < 0.01)
        #expect(change.recent < 0.65)
        let rules = Forecasts.evaluate(window, thresholds: AttentionThresholds(), policy: nil)
        #expect(rules.map(\.rule) == [.hitRatioDrop])
        #expect(rules.first?.message.contains("before (-") == true, "\(rules.first?.message ?? "")")
    }

    @Test func aSteadyRatioAndACounterResetDoNotFire() {
        var window = TrendWindow()
        var hits: UInt64 = 0
        for second in 0...1_500 {
            hits += 90
            window.add(.init(time: Double(second), memoryBytes: nil, maxMemoryBytes: nil, hits: hits, misses: UInt64(second) * 10, evictions: 0))
        }
        #expect(Forecasts.evaluate(window, thresholds: AttentionThresholds(), policy: nil).isEmpty)
        // A restart: counters from zero; the window starts again.
        window.add(.init(time: 1_501, memoryBytes: nil, maxMemoryBytes: nil, hits: 5, misses: 50, evictions: 0))
        #expect(window.all.count == 1)
        #expect(Forecasts.hitRatioChange(window) == nil)
    }
}
