import Foundation
import Memcache
import TestSupport
import Testing

@testable import CacheMonitor

/// memcached auto discovery against a fake configuration endpoint (ElastiCache's is out of reach) in front
/// of real memcached nodes: nodes that join and leave become rows that appear and go, a node that fails
/// makes the list be read again at once, and an endpoint that is not one is one clear line.
@Suite(.serialized) struct MemcachedDiscoveryTests {
    func addresses(_ sample: SourceSample) -> [String] { sample.servers.map(\.address) }

    @Test func nodesJoiningAndLeavingAreRowsAppearingAndGoing() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess(), let third = try MemcachedServerProcess() else {
            return
        }
        let endpoint = try FakeConfigurationEndpoint(nodes: [first.address, second.address])
        let discovery = MemcachedDiscovery(endpoint: try MemcachedAddress(parsing: "127.0.0.1:\(endpoint.port)"), every: .milliseconds(200))
        let source = MemcachedSource(name: "discovered", discovery: discovery)
        defer { Task { await source.close() } }
        #expect(source.address == "127.0.0.1:\(endpoint.port)")
        #expect(addresses(try await source.sample()) == [first.address, second.address])

        endpoint.setNodes([first.address, second.address, third.address])
        try await Task.sleep(for: .milliseconds(300))
        #expect(addresses(try await source.sample()) == [first.address, second.address, third.address])

        endpoint.setNodes([second.address, third.address])
        try await Task.sleep(for: .milliseconds(300))
        let after = try await source.sample()
        #expect(addresses(after) == [second.address, third.address])
        #expect(after.servers.allSatisfy { $0.up })
    }

    @Test func aFailedNodeMakesTheListBeReadAgainAtOnce() async throws {
        guard let first = try MemcachedServerProcess(), let second = try MemcachedServerProcess() else { return }
        let endpoint = try FakeConfigurationEndpoint(nodes: [first.address, second.address])
        let discovery = MemcachedDiscovery(endpoint: try MemcachedAddress(parsing: "127.0.0.1:\(endpoint.port)"), every: .seconds(3600))
        let source = MemcachedSource(name: "discovered", discovery: discovery)
        defer { Task { await source.close() } }
        _ = try await source.sample()
        #expect(endpoint.timesAsked == 1)
        first.kill()
        let failing = try await source.sample()
        #expect(failing.servers.first { $0.address == first.address }?.up == false, "\(failing.servers)")
        endpoint.setNodes([second.address])
        let healed = try await source.sample()
        #expect(endpoint.timesAsked == 2, "read again after the failure, not after an hour")
        #expect(addresses(healed) == [second.address] || healed.servers.isEmpty, "one node left: \(healed.servers)")
    }

    @Test func aServerThatIsNoConfigurationEndpointIsOneLine() async throws {
        guard let plain = try MemcachedServerProcess() else { return }
        let source = MemcachedSource(name: "discovered", discovery: MemcachedDiscovery(endpoint: try MemcachedAddress(parsing: plain.address)))
        defer { Task { await source.close() } }
        let error = await #expect(throws: MemcachedError.self) { try await source.sample() }
        #expect(error?.message.contains("is not a configuration endpoint") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }
}
