import Foundation
import RESP

/// A Redis Cluster of a test's own — three masters, each a `redis-server --cluster-enabled yes` on a free
/// port, joined with `CLUSTER ADDSLOTSRANGE`/`MEET` — for tests that kill a node (the shared cluster of
/// `scripts/test.sh` must stay whole). `nil` when `redis-server` is not installed.
public final class TestCluster: @unchecked Sendable {
    public let nodes: [RedisServerProcess]

    /// `redis://127.0.0.1:<port>` of each master.
    public var urls: [String] { nodes.map { "redis://127.0.0.1:\($0.port)" } }

    public init?() async throws {
        var nodes: [RedisServerProcess] = []
        for _ in 0..<3 {
            guard let node = try RedisServerProcess(arguments: [
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
            ]) else { return nil }
            nodes.append(node)
        }
        self.nodes = nodes
        let ranges = [0...5460, 5461...10922, 10923...16383]
        let clients = try nodes.map { RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\($0.port)")) }
        defer { Task { for client in clients { await client.close() } } }
        for (index, client) in clients.enumerated() {
            try await client.send("CLUSTER", "SET-CONFIG-EPOCH", index + 1)
            try await client.send("CLUSTER", "ADDSLOTSRANGE", ranges[index].lowerBound, ranges[index].upperBound)
        }
        for node in nodes.dropFirst() { try await clients[0].send("CLUSTER", "MEET", "127.0.0.1", node.port) }
        for _ in 0..<200 {
            var ready = true
            for client in clients {
                let info = try await client.send("CLUSTER", "INFO").string ?? ""
                ready = ready && info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
            }
            if ready { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError(.timeout, "the test cluster did not reach cluster_state:ok within 10 s")
    }
}
