/// Key commands (<https://redis.io/docs/latest/commands/?group=keyspace>) and `SCAN`.
extension RedisCommandExecutor {
    /// One `SCAN` step: the next cursor (`0` = done) and the keys of this page (possibly repeated across pages).
    public func scan(
        cursor: UInt64, match pattern: [UInt8]? = nil, count: Int = 1000, type: String? = nil
    ) async throws -> (cursor: UInt64, keys: [[UInt8]]) {
        try Self.parseScan(try await send(Self.scanCommand(cursor: cursor, match: pattern, count: count, type: type)))
    }

    /// The `SCAN` command for one step.
    public static func scanCommand(cursor: UInt64, match pattern: [UInt8]?, count: Int, type: String? = nil) -> RESPCommand {
        var arguments: [any RESPArgument] = [cursor]
        if let pattern { arguments += ["MATCH", pattern] }
        arguments += ["COUNT", count]
        if let type { arguments += ["TYPE", type] }
        return RESPCommand("SCAN", arguments)
    }

    /// Reads a `SCAN` reply.
    /// - Throws: ``RedisError`` for an error reply or an unexpected shape.
    public static func parseScan(_ reply: RESPValue) throws -> (cursor: UInt64, keys: [[UInt8]]) {
        if let message = reply.errorMessage { throw RedisError.reply(message) }
        guard let parts = reply.array, parts.count == 2, let cursorText = parts[0].string, let cursor = UInt64(cursorText),
            let elements = parts[1].array
        else { throw RedisError(.protocolViolation, "protocol violation: unexpected SCAN reply shape") }
        return (cursor, elements.compactMap(\.bytes))
    }

    /// `UNLINK` (non-blocking delete); servers older than 4.0, and ACL users refused `UNLINK` alone, get
    /// `DEL`. - Returns: how many keys were removed.
    @discardableResult
    public func unlink(_ keys: [[UInt8]]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let reply = try await send([RESPCommand("UNLINK", keys: keys)])[0]
        if let message = reply.errorMessage {
            let refusedUnlink = message.hasPrefix("NOPERM") && message.lowercased().contains("'unlink'")
            guard message.hasPrefix("ERR unknown command") || refusedUnlink else { throw RedisError.reply(message) }
            return Int(try await send(RESPCommand("DEL", keys: keys)).integer ?? 0)
        }
        return Int(reply.integer ?? 0)
    }
}
