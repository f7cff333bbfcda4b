import Testing

@testable import CacheMonitor

/// Rates between two samples: per second, interval hit ratio, own reads left out, resets never negative.
@Suite struct BackendRatesTests {
    func sample(
        hits: UInt64, misses: UInt64, own: (UInt64, UInt64) = (0, 0), operations: UInt64? = 100, evictions: UInt64 = 0, uptime: UInt64? = 100
    ) -> SourceSample {
        var sample = SourceSample(totalHits: hits, totalMisses: misses)
        sample.ownReadHits = own.0
        sample.ownReadMisses = own.1
        sample.operations = operations
        sample.evictions = evictions
        sample.uptimeSeconds = uptime
        return sample
    }

    @Test func ratesAndTheIntervalHitRatio() {
        let rates = BackendRates(
            from: sample(hits: 100, misses: 100, operations: 1000, evictions: 1),
            to: sample(hits: 190, misses: 130, operations: 1600, evictions: 5, uptime: 102), seconds: 2)
        #expect(rates.hits == 90 && rates.misses == 30)
        #expect(rates.hitsPerSecond == 45 && rates.missesPerSecond == 15)
        #expect(rates.hitRatio == 0.75)
        #expect(rates.operationsPerSecond == 300)
        #expect(rates.evictionsPerSecond == 2)
        #expect(!rates.countersReset)
    }

    @Test func noTrafficIsNoDataNotZeroPercent() {
        let rates = BackendRates(from: sample(hits: 5, misses: 5), to: sample(hits: 5, misses: 5), seconds: 1)
        #expect(rates.hitRatio == nil)
        #expect(BackendRates.ratio(0, 0) == nil)
        #expect(BackendRates.ratio(0, 3) == 0)
    }

    @Test func theMonitorsOwnReadsAreLeftOut() {
        let rates = BackendRates(from: sample(hits: 100, misses: 10, own: (20, 5)), to: sample(hits: 150, misses: 20, own: (60, 10)), seconds: 1)
        #expect(rates.hits == 10 && rates.misses == 5)
        var lifetime = sample(hits: 150, misses: 20, own: (60, 10))
        #expect(lifetime.applicationHits == 90 && lifetime.applicationMisses == 10)
        lifetime.ownReadHits = 500
        #expect(lifetime.applicationHits == 0, "never negative")
    }

    @Test func aRestartCountsFromZeroInsteadOfGoingNegative() {
        let rates = BackendRates(
            from: sample(hits: 1_000_000, misses: 500, operations: 9_999_999, uptime: 86_400),
            to: sample(hits: 40, misses: 10, operations: 70, uptime: 3), seconds: 1)
        #expect(rates.countersReset)
        #expect(rates.hits == 40 && rates.misses == 10 && rates.operations == 70)
        #expect(rates.hitRatio == 0.8)
    }

    @Test func aStatsResetWithoutRestartIsCaughtToo() {
        // CONFIG RESETSTAT: uptime keeps growing, counters drop.
        let rates = BackendRates(
            from: sample(hits: 5000, misses: 5000, operations: 20_000, uptime: 100), to: sample(hits: 3, misses: 1, operations: 9, uptime: 101),
            seconds: 1)
        #expect(rates.countersReset)
        #expect(rates.hits == 3 && rates.misses == 1 && rates.operations == 9)
    }

    @Test func historiesKeepTheNewestValues() {
        var history = History(capacity: 3)
        for value in [1.0, nil, 3.0, 4.0] { history.append(value) }
        #expect(Array(history.values) == [nil, 3.0, 4.0])
        #expect(history.last == .some(4.0))
    }

    func node(_ address: String, hits: UInt64, misses: UInt64, operations: UInt64, master: Bool = true, up: Bool = true) -> ServerReading {
        var reading = ServerReading(address: address, up: up)
        reading.hits = hits
        reading.misses = misses
        reading.operations = operations
        reading.uptimeSeconds = 500
        reading.role = master ? .master : .replica
        reading.countsInTotals = master
        return reading
    }

    func cluster(_ nodes: [ServerReading], own: (UInt64, UInt64) = (0, 0), ownCommands: UInt64 = 0) -> SourceSample {
        let masters = nodes.filter { $0.up && $0.countsInTotals }
        var sample = self.sample(hits: masters.reduce(0) { $0 + $1.hits }, misses: masters.reduce(0) { $0 + $1.misses }, own: own)
        sample.operations = masters.reduce(0) { $0 + ($1.operations ?? 0) } - ownCommands
        sample.servers = nodes
        return sample
    }

    @Test func aClusterIsMeasuredNodeByNodeWithReplicasLeftOut() {
        let before = cluster([
            node("a:1", hits: 100, misses: 10, operations: 1000), node("b:1", hits: 50, misses: 5, operations: 500),
            node("r:1", hits: 7, misses: 0, operations: 900, master: false),
        ])
        let after = cluster(
            [
                node("a:1", hits: 130, misses: 20, operations: 1100), node("b:1", hits: 60, misses: 5, operations: 530),
                node("r:1", hits: 9, misses: 0, operations: 1000, master: false),
            ],
            own: (2, 1), ownCommands: 6
        )
        let rates = BackendRates(from: before, to: after, seconds: 2)
        #expect(rates.hits == 40 - 2 && rates.misses == 10 - 1, "the masters' intervals, the monitor's own reads taken off")
        #expect(rates.operations == 130 - 6)
        #expect(rates.servers["a:1"]?.hits == 30 && rates.servers["a:1"]?.hitsPerSecond == 15)
        #expect(rates.servers["r:1"]?.operations == 100, "a replica has its own rates, but they are not added in")
        #expect(!rates.countersReset)
    }

    @Test func aNodeLeavingOrComingBackMovesNoRate() {
        let whole = cluster([node("a:1", hits: 1000, misses: 100, operations: 5000), node("b:1", hits: 9000, misses: 900, operations: 50_000)])
        let oneDown = cluster([node("a:1", hits: 1010, misses: 100, operations: 5010), node("b:1", hits: 0, misses: 0, operations: 0, up: false)])
        let leaving = BackendRates(from: whole, to: oneDown, seconds: 1)
        #expect(leaving.hits == 10 && leaving.misses == 0 && leaving.operations == 10 && !leaving.countersReset)
        let back = cluster([node("a:1", hits: 1020, misses: 100, operations: 5020), node("b:1", hits: 9005, misses: 900, operations: 50_010)])
        let returning = BackendRates(from: oneDown, to: back, seconds: 1)
        #expect(returning.hits == 10 && returning.operations == 10, "the node that came back counts from its next interval")
        #expect(returning.servers["b:1"] == nil)
    }

    @Test func theMonitorsOwnCommandsLeaveEachNodeAndTheTotalOnce() {
        func node(_ address: String, operations: UInt64, own: UInt64) -> ServerReading {
            var reading = self.node(address, hits: 0, misses: 0, operations: operations)
            reading.ownCommands = own
            return reading
        }
        // Sampling sent each node 2 commands per sample; browsing sent 3 more that no node accounts for.
        var before = cluster([node("a:1", operations: 1000, own: 10), node("b:1", operations: 500, own: 10)])
        before.operations = 1500 - 25
        var after = cluster([node("a:1", operations: 1100, own: 12), node("b:1", operations: 530, own: 12)])
        after.operations = 1630 - 32
        let rates = BackendRates(from: before, to: after, seconds: 1)
        #expect(rates.servers["a:1"]?.operations == 98 && rates.servers["b:1"]?.operations == 28)
        #expect(rates.operations == 130 - 4 - 3, "the application's commands: neither sampling nor browsing")
    }
}
