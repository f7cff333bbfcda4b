import RESP

extension RedisSource: KeySizeSource {
    /// `INFO keysizes` of the server, or of every master summed; `nil` where no server answers with one
    /// (before Redis 8.0, Valkey) — an unknown section is an empty reply, never an error.
    package func keySizes() async throws -> KeySizeDistribution? {
        try await withOwnConnections { own in
            var parts: [KeySizeDistribution] = []
            for (_, client) in own.servers {
                let reply = try await client.attempt(RESPCommand("INFO", ["keysizes"]))
                ownReads.recordCommands(1)
                if let text = reply.string, let distribution = KeySizeDistribution(info: RedisInfo(parsing: text).fields) {
                    parts.append(distribution)
                }
            }
            return KeySizeDistribution.sum(parts)
        }
    }
}
