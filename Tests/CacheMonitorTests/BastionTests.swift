import ConnectionSupport
import Foundation
import Memcache
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// Redis, a Redis Cluster and memcached reached only through the throwaway sshd of `scripts/test.sh` (the
/// system's OpenSSH client, an ssh configuration file with a Host alias): the connections the servers see come
/// from sshd, a cluster's nodes are forwarded as they are found and keep their real addresses, and a tunnel
/// that dies shows as the backend's reason and comes back with the bastion.
@Suite(.enabled(if: TestServers.sshConfig != nil, Comment(rawValue: TestServers.sshSkipMessage)))
struct BastionTests {
    let bastion = "cachescope-bastion"

    func route(_ alias: String = "cachescope-bastion", config: String? = TestServers.sshConfig) throws -> ConnectionRoute {
        try SSHTunnels.route(parsing: alias, configFile: config)
    }

    func routed(_ text: String, through route: ConnectionRoute) throws -> RedisURL {
        var url = try RedisURL(parsing: text)
        url.route = route
        return url
    }

    /// The program holding the far end of each connection named `name` on the Redis server at `port`.
    func owners(ofClientsNamed name: String, port: Int) async throws -> [String] {
        let direct = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(port)"), configuration: .init(clientName: "bastion-test-observer"))
        defer { Task { await direct.close() } }
        let list = try await direct.send([RESPCommand("CLIENT", ["LIST"])])[0].string ?? ""
        return list.split(separator: "\n").filter { $0.contains(" name=\(name) ") }.compactMap { line in
            let address = line.split(separator: " ").first { $0.hasPrefix("addr=") }?.split(separator: ":").last
            return address.flatMap { Int($0) }.flatMap { SocketOwner.command(holdingLocalPort: $0, remotePort: port) }
        }
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aRedisServerIsReachedThroughSSHD() async throws {
        let port = try #require(TestServers.redis?.port)
        let name = "bastion-\(UUID().uuidString.prefix(8))"
        let client = RedisClient(
            url: try routed("redis://127.0.0.1:\(port)", through: try route()), configuration: .init(clientName: name))
        defer { Task { await client.close() } }
        #expect(try await client.send([RESPCommand("PING")])[0].string == "PONG")
        #expect(client.peer == "127.0.0.1:\(port)", "named by its own address, not the tunnel's socket")
        let owners = try await owners(ofClientsNamed: name, port: port)
        #expect(owners == ["sshd"], "\(owners)")

        let source = RedisSource(name: "redis", url: try routed("redis://127.0.0.1:\(port)", through: try route()))
        defer { Task { await source.close() } }
        let sample = try await source.sample()
        #expect(sample.version != nil)
    }

    @Test(.enabled(if: TestServers.cluster != nil, Comment(rawValue: TestServers.clusterSkipMessage)))
    func aClusterBehindTheBastionHasEveryNodeForwardedAndNamedByItsOwnAddress() async throws {
        let seeds = try #require(TestServers.cluster)
        let name = "bastion-cluster-\(UUID().uuidString.prefix(8))"
        let cluster = try RedisClusterClient(
            seeds: [try routed("redis://\(seeds[0].host):\(seeds[0].port)", through: try route())], configuration: .init(clientName: name))
        defer { Task { await cluster.close() } }
        let masters = try await cluster.masterClients()
        #expect(masters.count == seeds.count)
        for master in masters {
            _ = try await master.client.send([RESPCommand("PING")])
            let port = master.shard.master.port
            let owners = try await owners(ofClientsNamed: name, port: port)
            #expect(owners == ["sshd"], "node \(port): \(owners)")
        }

        let source = RedisSource(name: "cluster", url: try routed("redis://\(seeds[0].host):\(seeds[0].port)", through: try route()))
        defer { Task { await source.close() } }
        let health = try await source.readHealth(.attention)
        #expect(Set(health.servers.map(\.address)) == Set(seeds.map { "\($0.host):\($0.port)" }), "\(health.servers.map(\.address))")
        #expect(health.missing.isEmpty)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-sentinel"), Comment(rawValue: "no redis-sentinel")))
    func aSentinelsMasterBehindTheBastionIsReachedThroughSSHD() async throws {
        guard let master = try RedisServerProcess(), let sentinel = try SentinelProcess(masterPort: master.port) else { return }
        var target = try RedisSentinelTarget(parsing: "redis+sentinel://\(sentinel.address)/mymaster")
        let route = try route()
        target.sentinels = target.sentinels.map { url in
            var url = url
            url.route = route
            return url
        }
        target.dataNode.route = route
        let source = RedisSource(name: "ha", sentinel: target)
        defer { Task { await source.close() } }
        let sample = try await source.sample()
        #expect(sample.version != nil)
        let owners = try await owners(ofClientsNamed: "cachescope", port: master.port)
        #expect(!owners.isEmpty && owners.allSatisfy { $0 == "sshd" }, "the master sees only sshd: \(owners)")
    }

    @Test(.enabled(if: TestServers.memcached != nil, Comment(rawValue: TestServers.skipMessage)))
    func memcachedIsReachedThroughSSHD() async throws {
        let server = try #require(TestServers.memcached)
        var address = try MemcachedAddress(parsing: "\(server.host):\(server.port)")
        address.access.route = try route()
        let source = MemcachedSource(name: "memcached", addresses: [address])
        defer { Task { await source.close() } }
        let sample = try await source.sample()
        #expect(sample.version != nil)
        // Every connection memcached lists whose far end is in sshd: at least ours.
        let connections = try #require(try await source.readHealth().servers.first?.connections.value)
        let fromSSHD = connections.filter { connection in
            guard let port = connection.address.split(separator: ":").last.flatMap({ Int($0) }) else { return false }
            return SocketOwner.command(holdingLocalPort: port, remotePort: server.port) == "sshd"
        }
        #expect(!fromSSHD.isEmpty, "\(connections.map(\.address))")
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aTunnelThatDiesIsTheBackendsReasonAndComesBackWithTheBastion() async throws {
        let port = try #require(TestServers.redis?.port)
        let bastion = try #require(try BastionProcess())
        let tunnel = SSHTunnel(destination: try SSHDestination(parsing: BastionProcess.alias), configFile: bastion.sshConfig)
        defer { Task { await tunnel.close() } }
        var url = try RedisURL(parsing: "redis://127.0.0.1:\(port)")
        url.route = ConnectionRoute(tunnel)
        let source = RedisSource(name: "redis", url: url)
        defer { Task { await source.close() } }
        _ = try await source.sample()

        bastion.cut()
        var reason = ""
        for _ in 0..<40 where !reason.contains("cannot open the ssh tunnel") {
            do {
                _ = try await source.sample()
            } catch {
                reason = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(reason.contains("cannot reach 127.0.0.1:\(port)") && reason.contains(BastionProcess.alias), "\(reason)")
        #expect(reason.contains("Connection refused"), "\(reason)")
        #expect(!reason.contains("\n"))

        try bastion.start()
        var back = false
        for _ in 0..<40 where !back {
            back = (try? await source.sample()) != nil
            if !back { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(back, "the backend comes back with the bastion")
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func anUnknownHostKeyIsOneLineThatSaysWhatToDo() async throws {
        let port = try #require(TestServers.redis?.port)
        let client = RedisClient(url: try routed("redis://127.0.0.1:\(port)", through: try route("cachescope-bastion-unknown")))
        defer { Task { await client.close() } }
        let error = await #expect(throws: RedisError.self) { try await client.send([RESPCommand("PING")]) }
        let message = error?.message ?? ""
        #expect(message.contains("host key of cachescope-bastion-unknown is not in known_hosts"), "\(message)")
        #expect(message.contains("ssh cachescope-bastion-unknown") && !message.contains("\n"), "\(message)")
    }

    @Test func aServerTheBastionCannotReachIsNamedWithTheBastionsReason() async throws {
        let client = RedisClient(url: try routed("redis://127.0.0.1:\(TestServers.freePort())", through: try route()))
        defer { Task { await client.close() } }
        let error = await #expect(throws: RedisError.self) { try await client.send([RESPCommand("PING")]) }
        let message = error?.message ?? ""
        #expect(message.contains("through ssh cachescope-bastion"), "\(message)")
        #expect(message.contains("Connection refused") || message.contains("can the bastion reach it"), "\(message)")
    }
}
