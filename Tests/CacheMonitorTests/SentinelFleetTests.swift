import Foundation
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// A Sentinel URL naming `*` against a real redis-sentinel: every master it watches is a backend, a master it
/// starts watching joins, one it stops watching leaves, and sentinels that do not answer change nothing.
@Suite(.serialized) struct SentinelFleetTests {
    /// Tells the sentinel to watch (or stop watching) a master.
    static func sentinel(_ port: Int, _ arguments: [String]) async throws {
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(port)"))
        let reply = try await client.send(RESPCommand("SENTINEL", arguments))
        await client.close()
        #expect(reply.errorMessage == nil, "SENTINEL \(arguments): \(reply)")
    }

    /// A sample of every backend in which all are up, of at most three: a loaded test machine may let the first
    /// ask of a sentinel (half a second's patience) pass unanswered, which is not what these tests are about.
    static func sampleUntilUp<C>(_ poller: Poller<C>) async -> Snapshot {
        var snapshot = await poller.sampleAll()
        for _ in 0..<2 where !snapshot.backends.allSatisfy({ $0.status == .up }) { snapshot = await poller.sampleAll() }
        return snapshot
    }

    @Test func everyMasterIsABackendAndTheListFollowsTheSentinels() async throws {
        guard let alpha = try RedisServerProcess(), let beta = try RedisServerProcess(), let gamma = try RedisServerProcess(),
            let sentinel = try SentinelProcess(masterPort: alpha.port, service: "alpha", quorum: 1)
        else { return }
        try await Self.sentinel(sentinel.port, ["MONITOR", "beta", "127.0.0.1", "\(beta.port)", "1"])
        let catalog = try BackendCatalog(redisURLs: ["redis+sentinel://127.0.0.1:\(sentinel.port)/*"])
        #expect(catalog.backends.isEmpty && catalog.discoveries.count == 1, "a URL naming * is a discovery, not a backend")
        let poller = Poller(backends: [], configuration: .init(interval: .milliseconds(200), timeout: .seconds(10)))
        let fleet = SentinelFleet(templates: catalog.discoveries, poller: poller, firstPosition: 0, reservedNames: [])
        // A loaded test machine answers slowly: more than the live 2 s before a refresh is given up.
        #expect(await fleet.refresh(timeout: .seconds(10)).isEmpty)
        #expect(await poller.backends.map(\.name) == ["alpha", "beta"])
        var snapshot = await Self.sampleUntilUp(poller)
        #expect(snapshot.backends.map(\.status) == [.up, .up])
        #expect(snapshot.backends.map(\.address) == ["127.0.0.1:\(alpha.port)", "127.0.0.1:\(beta.port)"], "each its own master")

        // A third service while running joins; one the sentinels forget leaves.
        try await Self.sentinel(sentinel.port, ["MONITOR", "gamma", "127.0.0.1", "\(gamma.port)", "1"])
        await fleet.refresh(timeout: .seconds(10))
        snapshot = await Self.sampleUntilUp(poller)
        #expect(snapshot.backends.map(\.name) == ["alpha", "beta", "gamma"])
        #expect(snapshot.backends.last?.address == "127.0.0.1:\(gamma.port)" && snapshot.backends.last?.status == .up)
        #expect(Set(snapshot.backends.map(\.id)).count == 3, "each has an id of its own")
        try await Self.sentinel(sentinel.port, ["REMOVE", "beta"])
        await fleet.refresh(timeout: .seconds(10))
        #expect(await poller.backends.map(\.name) == ["alpha", "gamma"])

        // Sentinels that stop answering leave the backends as they are, and say so.
        sentinel.kill()
        let problems = await fleet.refresh(timeout: .seconds(2))
        #expect(problems.count == 1 && problems[0].contains("the masters found before are kept"), "\(problems)")
        #expect(await poller.backends.map(\.name) == ["alpha", "gamma"])
        await fleet.close()
        for backend in await poller.backends { await backend.source.close() }
    }

    @Test func aRunningPollerSamplesTheMastersFoundAndNamesNeverClash() async throws {
        guard let first = try RedisServerProcess(), let sentinel = try SentinelProcess(masterPort: first.port, service: "cache", quorum: 1)
        else { return }
        var template = BackendDescriptor(
            name: "fleet", endpoint: .sentinel(try RedisSentinelTarget(parsing: "redis+sentinel://127.0.0.1:\(sentinel.port)/*")))
        template.tags = [BackendTag("prod")].compactMap { $0 }
        let configured = try BackendCatalog(configured: [], redisURLs: ["redis://127.0.0.1:\(first.port)"]).backends[0]
        let poller = Poller(
            backends: [configured.monitored(id: BackendID(0))], configuration: .init(interval: .milliseconds(100), timeout: .seconds(10)))
        let fleet = SentinelFleet(templates: [template], poller: poller, firstPosition: 1, reservedNames: ["cache"])
        let stream = await poller.snapshots()
        await fleet.refresh(timeout: .seconds(10))
        var seen: Snapshot?
        for await snapshot in stream where snapshot.backends.count == 2 && snapshot.backends.allSatisfy({ $0.status == .up }) {
            seen = snapshot
            break
        }
        let found = try #require(seen?.backends.last)
        #expect(found.name == "fleet-cache", "a name in use is not taken: \(found.name)")
        #expect(found.id == BackendID(1) && found.backend.tags.map(\.name) == ["prod"], "the template's tags")
        #expect(found.sample?.address == "127.0.0.1:\(first.port)")
        var taken: Set<String> = ["cache"]
        let once = await SentinelFleet.masters(of: [template], taken: &taken)
        #expect(once.map(\.name) == ["fleet-cache"])
        await poller.stop()
        await fleet.close()
        for backend in await poller.backends { await backend.source.close() }
    }
}
