import ArgumentParser
import RESP

extension BenchCommand {
    /// Fills a Redis with the keyspace benchmark's known mixture: `sess:` 50% (strings of 20–400 bytes, TTL
    /// under an hour), `user:` 30% (strings, no TTL), `cart:` 15% (small hashes, TTL under a day), `feed:` 5%
    /// (small lists), and three big keys (a 20,000-field hash, a 20,000-item list, a 500 KB string).
    struct PopulateMixture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "populate-mixture")
        @Option var url: String
        @Option var total: Int = 1_000_000

        func run() async throws {
            let client = RedisDeployment(url: try RedisURL(parsing: url))
            let shares: [(prefix: String, share: Int)] = [("sess:", 50), ("user:", 30), ("cart:", 15), ("feed:", 5)]
            var commands: [RESPCommand] = []
            for (prefix, share) in shares {
                let count = total * share / 100
                for id in 0..<count {
                    let key = Array("\(prefix)\(id)".utf8)
                    switch prefix {
                    case "sess:":
                        commands.append(RESPCommand("SET", key: key, [String(repeating: "s", count: 20 + id % 380), "EX", 600 + id % 3000]))
                    case "user:":
                        commands.append(RESPCommand("SET", key: key, [String(repeating: "u", count: 100 + id % 200)]))
                    case "cart:":
                        commands.append(RESPCommand("HSET", key: key, ["a", "1", "b", "2", "c", "3"]))
                        commands.append(RESPCommand("EXPIRE", key: key, [3600 * 5]))
                    default:
                        commands.append(RESPCommand("RPUSH", key: key, ["x", "y", "z"]))
                    }
                    if commands.count >= 2000 {
                        try await client.send(commands)
                        commands.removeAll()
                    }
                }
            }
            commands.append(
                RESPCommand("HSET", key: Array("big:hash".utf8), (0..<20_000).flatMap { ["field\($0)", "value\($0)"] as [any RESPArgument] }))
            commands.append(RESPCommand("RPUSH", key: Array("big:list".utf8), (0..<20_000).map { "item\($0)" as any RESPArgument }))
            commands.append(RESPCommand("SET", key: Array("big:string".utf8), [String(repeating: "B", count: 500_000)]))
            try await client.send(commands)
            await client.close()
        }
    }
}
