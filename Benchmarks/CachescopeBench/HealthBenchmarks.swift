import ArgumentParser
import CacheMonitor
import Foundation
import RESP

extension BenchCommand {
    /// Reads a server's health (every view, as `cachescope health` and the Health screen do) `rounds` times
    /// on one source and prints the median and the slowest read, in milliseconds.
    struct HealthRead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "health-read")
        @Option var url: String
        @Option var rounds: Int = 20

        func run() async throws {
            let source = RedisSource(name: "redis", url: try RedisURL(parsing: url))
            _ = try await source.readHealth()  // connected, first read out of the figures
            var times: [Double] = []
            var clients = 0
            var slow = 0
            let clock = ContinuousClock()
            for _ in 0..<max(1, rounds) {
                let started = clock.now
                let read = try await source.readHealth()
                times.append((clock.now - started).inSeconds * 1000)
                clients = read.servers.first?.clients.value?.count ?? 0
                slow = read.servers.first?.slowLog.value?.count ?? 0
            }
            await source.close()
            times.sort()
            print("{\"medianMs\":\(times[times.count / 2]),\"maxMs\":\(times.last ?? 0),\"clients\":\(clients),\"slowLogEntries\":\(slow)}")
        }
    }
}
