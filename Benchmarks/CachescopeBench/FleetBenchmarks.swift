import ArgumentParser
import Basics
import CacheMonitor
import Caching
import Dashboard
import Foundation
import Memcache
import RESP

extension BenchCommand {
    /// A light, steady load on some of a fleet's servers for `scripts/bench-fleet.sh`: on each server, GETs
    /// (about 80 % of them hits) and SETs at `rate` operations per second, until SIGTERM.
    struct FleetLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fleet-load")
        @Option var redis: [String] = []
        @Option var memcached: [String] = []
        @Option var rate = 200

        func run() async throws {
            let redisClients = try redis.map { RedisClient(url: try RedisURL(parsing: $0)) }
            let memcachedClients = try memcached.map { MemcachedClient(address: try MemcachedAddress(parsing: $0)) }
            // Keys 0–799 are written first; reads go to 0–999, so about 80 % hit.
            for client in redisClients { _ = try await client.send((0..<800).map { RESPCommand("SET", key: Array("load:\($0)".utf8), ["v"]) }) }
            for client in memcachedClients {
                _ = try await client.send(
                    (0..<800).map { try .store(.set, key: Array("load:\($0)".utf8), value: Array("v".utf8), flags: 0, exptime: 0) })
            }
            let tick = Duration.milliseconds(100)
            let perTick = max(1, rate / 10)
            var counter = 0
            let clock = ContinuousClock()
            var next = clock.now
            while true {
                next = next.advanced(by: tick)
                for client in redisClients {
                    let commands = (0..<perTick).map { index -> RESPCommand in
                        let key = Array("load:\(Self.spread(counter + index))".utf8)
                        return index % 5 == 4 ? RESPCommand("SET", key: key, ["v"]) : RESPCommand("GET", key: key)
                    }
                    _ = try? await client.send(commands)
                }
                for client in memcachedClients {
                    let commands = try (0..<perTick).map { index -> MemcachedCommand in
                        let key = Array("load:\(Self.spread(counter + index))".utf8)
                        return index % 5 == 4 ? try .store(.set, key: key, value: Array("v".utf8), flags: 0, exptime: 0) : try .get([key])
                    }
                    _ = try? await client.send(commands)
                }
                counter += perTick
                try await clock.sleep(until: next)
            }
        }

        /// A key from 0 to 999 for the `n`th operation, spread evenly (a multiplicative hash), so reads hit
        /// the 800 keys written first about 80 % of the time all along, not in waves.
        static func spread(_ n: Int) -> Int {
            Int((UInt64(truncatingIfNeeded: n) &* 2_654_435_761) % 1000)
        }
    }

    /// Frames of the overview with a fleet: `backends` backends (tagged, with 300-sample histories, a few
    /// down), each frame a new snapshot through the reducer and the whole screen drawn — the time per frame,
    /// in the list, sorted by ops/s, and grouped by tag.
    struct FleetRender: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fleet-render")
        @Option var backends = 200
        @Option var width = 120
        @Option var height = 40
        @Option var frames = 500

        @MainActor
        func run() async throws {
            let snapshots = [Self.snapshot(backends, seed: 0), Self.snapshot(backends, seed: 1)]
            var state = AppState(snapshot: snapshots[0], width: width, height: height, now: MonotonicSeconds.now, clockText: "12:00:00")
            func frameMs(_ options: OverviewOptions) -> Double {
                state.overview.options = options
                var index = 0
                return DashboardRender.time(frames) {
                    _ = Reducer.reduce(&state, .snapshot(snapshots[index % 2]))
                    _ = DashboardView.render(state)
                    index += 1
                }
            }
            let list = frameMs(OverviewOptions())
            let sorted = frameMs(OverviewOptions(sort: .ops))
            let grouped = frameMs(OverviewOptions(sort: .status, grouping: .tag))
            print(
                "{\"backends\":\(backends),\"width\":\(width),\"height\":\(height),\"listMs\":\(list),\"sortedMs\":\(sorted),"
                    + "\"groupedMs\":\(grouped)}")
        }

        static func snapshot(_ count: Int, seed: Int) -> Snapshot {
            let regions = ["eu", "us", "ap"]
            let services = ["sessions", "pages", "carts", "search"]
            let backends = (0..<count).map { index -> BackendSnapshot in
                let kind: BackendKind = index % 2 == 0 ? .redis : .memcached
                let name = "\(services[index % 4])-\(regions[index % 3])-\(index)"
                let described = MonitoredBackend(
                    id: BackendID(index), name: name, kind: kind, address: "10.0.\(index / 250).\(index % 250):\(kind == .redis ? 6379 : 11211)",
                    tags: [index % 5 == 0 ? "staging" : "prod", regions[index % 3], services[index % 4]].compactMap(BackendTag.init),
                    source: InProcessSource(name: name, backend: NullCache()))
                if index % 50 == 49 { return BackendSnapshot(backend: described, status: .down, error: "connection refused", retryIn: 3) }
                let reads = UInt64(100 + (index * 7_919 + seed * 31) % 5_000)
                var before = SourceSample(totalHits: 1_000_000, totalMisses: 100_000)
                before.operations = 3_000_000
                var after = before
                after.totalHits += reads * 4 / 5
                after.totalMisses += reads / 5
                after.operations = 3_000_000 + reads * 2
                after.keys = 10_000 + index * 37
                after.memoryBytes = UInt64(50_000_000 + index * 10_000)
                after.maxMemoryBytes = 100_000_000
                after.latency = .microseconds(300)
                var snapshot = BackendSnapshot(
                    backend: described, status: .up, sample: after, rates: BackendRates(from: before, to: after, seconds: 1))
                for step in 0..<300 {
                    snapshot.hitRatioHistory.append(0.8 + 0.2 * sin(Double(step + seed) / 10 + Double(index)))
                    snapshot.operationsHistory.append(Double(reads * 2))
                    snapshot.memoryHistory.append(Double(after.memoryBytes ?? 0))
                }
                return snapshot
            }
            return Snapshot(backends: backends, takenAt: 300 + Double(seed))
        }
    }
}
