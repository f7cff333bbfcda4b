import Foundation
import RESP

/// A Redis Cluster of a test's own — three masters, each a `redis-server --cluster-enabled yes` on a free
/// port, joined with `CLUSTER ADDSLOTSRANGE`/`MEET`, and optionally a replica of the first master — for
/// tests that kill a node (the shared cluster of `scripts/test.sh` must stay whole). `nil` when
/// `redis-server` is not installed.
public final class TestCluster: @unchecked Sendable {
    /// The three masters.
    public let nodes: [RedisServerProcess]
    /// The replica of `nodes[0]`, when asked for.
    public let replica: RedisServerProcess?

    /// `redis://127.0.0.1:<port>` of each master.
    public var urls: [String] { nodes.map { "redis://127.0.0.1:\($0.port)" } }

    public init?(withReplica: Bool = false) async throws {
        func node() throws -> RedisServerProcess? {
            try RedisServerProcess(arguments: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"])
        }
        var nodes: [RedisServerProcess] = []
        for _ in 0..<3 {
            guard let node = try node() else { return nil }
            nodes.append(node)
        }
        self.nodes = nodes
        replica = withReplica ? try node() : nil
        let ranges = [0...5460, 5461...10922, 10923...16383]
        let clients = try nodes.map { RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\($0.port)")) }
        defer { Task { for client in clients { await client.close() } } }
        for (index, client) in clients.enumerated() {
            try await client.send("CLUSTER", "SET-CONFIG-EPOCH", index + 1)
            try await client.send("CLUSTER", "ADDSLOTSRANGE", ranges[index].lowerBound, ranges[index].upperBound)
        }
        for node in nodes.dropFirst() + (replica.map { [$0] } ?? []) { try await clients[0].send("CLUSTER", "MEET", "127.0.0.1", node.port) }
        let known = replica == nil ? 3 : 4
        var replicating = replica == nil
        for _ in 0..<300 {
            var ready = true
            for client in clients {
                let info = try await client.send("CLUSTER", "INFO").string ?? ""
                ready = ready && info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:\(known)")
            }
            if ready, let replica, !replicating {
                let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(replica.port)"))
                defer { Task { await client.close() } }
                let masterID = try await clients[0].send("CLUSTER", "MYID").string ?? ""
                if try await client.send([RESPCommand("CLUSTER", ["REPLICATE", masterID])])[0].errorMessage == nil {
                    replicating = true
                }
            }
            if ready, replicating, try await replicaIsInSync() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError(.timeout, "the test cluster did not reach cluster_state:ok within 15 s")
    }

    private func replicaIsInSync() async throws -> Bool {
        guard let replica else { return true }
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(replica.port)"))
        defer { Task { await client.close() } }
        let info = try await client.info(["replication"])
        return info.fields["master_link_status"] == "up"
    }
}
