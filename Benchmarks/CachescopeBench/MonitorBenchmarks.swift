import ArgumentParser
import CacheMonitor
import Foundation
import Memcache
import RESP

#if canImport(Glibc)
import Glibc
#endif

extension BenchCommand {
    /// Loads a key-browser window from a Redis server and reports when the first page arrived, when the
    /// window was full, and the peak memory.
    struct BrowseFirstPage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "browse-first-page")
        @Option var url: String
        @Option var window: Int = KeyWindow.defaultCapacity

        func run() async throws {
            let source = RedisSource(name: "redis", url: try RedisURL(parsing: url))
            let clock = ContinuousClock()
            let started = clock.now
            var firstPage: Duration?
            let loaded = try await KeyWindow.load(from: source, matching: .all, capacity: window) { window in
                if firstPage == nil, !window.keys.isEmpty { firstPage = clock.now - started }
                return true
            }
            let full = clock.now - started
            print(
                "{\"firstPageSeconds\":\(Pipeline.seconds(firstPage ?? full)),\"windowSeconds\":\(Pipeline.seconds(full)),"
                    + "\"keys\":\(loaded.keys.count),\"more\":\(loaded.more),\"peakMB\":\(ResourceUse.peakMegabytes)}"
            )
            await source.close()
        }
    }

    /// Runs the poller on the given backends at a 1 s interval for `seconds` and reports the CPU it used.
    struct PollerCost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "poller-cost")
        @Option(name: .customLong("redis")) var redis: [String] = []
        @Option(name: .customLong("memcached")) var memcached: [String] = []
        @Option var seconds: Int = 60

        func run() async throws {
            let catalog = try BackendCatalog(redisURLs: redis, memcachedServers: memcached)
            let backends = catalog.monitoredBackends()
            let poller = Poller(backends: backends)
            let cpuBefore = ResourceUse.cpuSeconds
            var snapshots = 0
            let stream = await poller.snapshots()
            let deadline = ContinuousClock.now + .seconds(seconds)
            for await snapshot in stream {
                snapshots += 1
                if ContinuousClock.now >= deadline {
                    guard snapshot.upCount == backends.count else {
                        throw ValidationError("only \(snapshot.upCount) of \(backends.count) backends were up")
                    }
                    break
                }
            }
            await poller.stop()
            let cpu = ResourceUse.cpuSeconds - cpuBefore
            print(
                "{\"backends\":\(backends.count),\"seconds\":\(seconds),\"snapshots\":\(snapshots),\"cpuSeconds\":\(cpu),"
                    + "\"cpuPercent\":\(cpu / Double(seconds) * 100),\"peakMB\":\(ResourceUse.peakMegabytes)}"
            )
        }
    }
}

/// This process's CPU time and peak memory (getrusage).
enum ResourceUse {
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec)
            / 1e6
    }

    static var peakMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
