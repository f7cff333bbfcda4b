import ArgumentParser
import Memcache

extension BenchCommand {
    /// Fills a memcached server with `total` items `<prefix><n>` (values of `value-size` bytes, no expiry),
    /// 1,000 pipelined `set`s per round trip.
    struct MemcachedPopulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "memcached-populate")
        @Option var server: String
        @Option var total: Int = 1_000_000
        @Option var prefix: String = "item:"
        @Option(name: .customLong("value-size")) var valueSize: Int = 10

        func run() async throws {
            let client = MemcachedClient(address: try MemcachedAddress(parsing: server))
            let value = Array(repeating: UInt8(ascii: "v"), count: valueSize)
            for start in stride(from: 0, to: total, by: 1000) {
                let commands = try (start..<min(start + 1000, total)).map { index in
                    try MemcachedCommand.store(.set, key: Array("\(prefix)\(index)".utf8), value: value)
                }
                let replies = try await client.send(commands)
                guard replies.allSatisfy({ $0 == .stored }) else { throw ValidationError("the server did not store every item (memory full?)") }
            }
            await client.close()
        }
    }

    /// Multi-gets of `keys` keys (`get k1 … kN`) through one connection, `depth` of them per round trip, for
    /// `rounds` round trips. The keys must exist (`memcached-populate --prefix mg: --total <keys>`): every
    /// reply is checked to hold all of them. Prints keys fetched per second.
    struct MemcachedMultiGet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "memcached-multiget")
        @Option var server: String
        @Option var keys: Int = 100
        @Option var prefix: String = "mg:"
        @Option var rounds: Int = 20_000
        @Option var depth: Int = 1

        func run() async throws {
            let client = MemcachedClient(address: try MemcachedAddress(parsing: server))
            let connection = try await client.connect()
            let command = try MemcachedCommand.get((0..<keys).map { Array("\(prefix)\($0)".utf8) })
            let batch = Array(repeating: command, count: depth)
            let clock = ContinuousClock()
            let started = clock.now
            let fetched = try await withTaskExecutorPreference(connection.taskExecutor) {
                try await Self.drive(connection, batch: batch, rounds: rounds, expected: keys)
            }
            let seconds = Pipeline.seconds(clock.now - started)
            print("{\"keys\":\(fetched),\"seconds\":\(seconds),\"keysPerSecond\":\(Double(fetched) / seconds)}")
            await client.close()
        }

        static func drive(_ connection: MemcachedConnection, batch: [MemcachedCommand], rounds: Int, expected: Int) async throws -> Int {
            var fetched = 0
            for _ in 0..<rounds {
                for reply in try await connection.send(batch) {
                    let count = reply.items.count
                    guard count == expected else { throw ValidationError("a multi-get returned \(count) of \(expected) keys") }
                    fetched += count
                }
            }
            return fetched
        }
    }
}
