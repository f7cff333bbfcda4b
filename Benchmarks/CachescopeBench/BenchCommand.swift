import ArgumentParser
import Basics
import CacheMonitor
import Foundation
import RESP

/// Measurements for `scripts/bench-redis.sh` and `scripts/bench-memcached.sh`: each subcommand does one job against a running server and
/// prints one JSON line, so the script can alternate it with the peer tools and take medians.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachescope-bench",
        abstract: "Benchmarks of cachescope's Redis and memcached clients (run by scripts/bench-*.sh).",
        subcommands: [
            Pipeline.self, Populate.self, MemcachedPopulate.self, MemcachedMultiGet.self, BrowseFirstPage.self, PollerCost.self,
            DashboardFirstPage.self, DashboardRender.self, SimpleCacheOperations.self, MemoizeHit.self, PopulateMixture.self, ReplayStream.self,
            HealthRead.self, FleetLoad.self, FleetRender.self, RecordingGenerate.self, ReplayJumps.self, ForecastAccuracy.self,
        ]
    )
}

extension BenchCommand {
    /// Pipelined GET or SET through one connection, `depth` commands per round trip — what
    /// `redis-benchmark -c 1 -P <depth>` does (same key and 3-byte value as its defaults).
    struct Pipeline: AsyncParsableCommand {
        @Option var url: String
        @Option var command: String = "SET"
        @Option var requests: Int = 1_000_000
        @Option var depth: Int = 16

        func run() async throws {
            let client = RedisClient(url: try RedisURL(parsing: url))
            let connection = try await client.connect()
            let name = command.uppercased()
            let batch = (0..<depth).map { _ in
                name == "GET"
                    ? RESPCommand("GET", key: Array("key:__rand_int__".utf8)) : RESPCommand("SET", key: Array("key:__rand_int__".utf8), ["xxx"])
            }
            let clock = ContinuousClock()
            let started = clock.now
            let done = try await withTaskExecutorPreference(connection.taskExecutor) {
                try await BenchCommand.drive(connection, batch: batch, requests: requests)
            }
            let seconds = Self.seconds(clock.now - started)
            print("{\"command\":\"\(name)\",\"requests\":\(done),\"seconds\":\(seconds),\"opsPerSecond\":\(Double(done) / seconds)}")
            await client.close()
        }

        static func seconds(_ duration: Duration) -> Double {
            duration.inSeconds
        }
    }

    /// Sends `batch` until `requests` commands went out; run it on the connection's loop.
    static func drive(_ connection: RESPConnection, batch: [RESPCommand], requests: Int) async throws -> Int {
        var done = 0
        while done < requests {
            _ = try await connection.send(batch)
            done += batch.count
        }
        return done
    }

    /// Fills the server — or the cluster, when the URL is a cluster node's (each MSET split per slot) —:
    /// `total` keys, of which `prefixed` start with `prefix` (pipelined MSETs).
    struct Populate: AsyncParsableCommand {
        @Option var url: String
        @Option var total: Int = 1_000_000
        @Option var prefixed: Int = 200_000
        @Option var prefix: String = "p:"

        func run() async throws {
            let client = RedisDeployment(url: try RedisURL(parsing: url))
            var commands: [RESPCommand] = []
            for start in stride(from: 0, to: total, by: 500) {
                var arguments: [any RESPArgument] = []
                for index in start..<min(start + 500, total) {
                    // Spread the prefixed keys through the keyspace: every 5th key of 1M for 200k.
                    let isPrefixed = prefixed > 0 && index % max(1, total / prefixed) == 0 && index / max(1, total / prefixed) < prefixed
                    arguments += [(isPrefixed ? prefix : "other:") + "\(index)", "v"]
                }
                commands.append(RESPCommand("MSET", arguments, keyPositions: Array(stride(from: 1, to: arguments.count + 1, by: 2))))
                if commands.count == 20 {
                    try await client.send(commands)
                    commands.removeAll()
                }
            }
            if !commands.isEmpty { try await client.send(commands) }
            await client.close()
        }
    }
}
