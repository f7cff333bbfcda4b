/// Anything that runs Redis commands: one server's ``RedisClient`` today, a cluster client that routes
/// each command by its keys' slot (and follows `MOVED`/`ASK`) tomorrow. Typed commands are written once,
/// as extensions of this protocol.
public protocol RedisCommandExecutor: Sendable {
    /// Runs commands as one pipeline and returns the replies in order; error replies are values.
    @discardableResult
    func send(_ commands: [RESPCommand]) async throws -> [RESPValue]
}

extension RedisCommandExecutor {
    /// Runs one command and returns its reply.
    /// - Throws: ``RedisError`` `.serverError` for an error reply, or a connection failure.
    @discardableResult
    public func send(_ command: RESPCommand) async throws -> RESPValue {
        let reply = try await send([command]).first ?? .null
        if let message = reply.errorMessage { throw RedisError.reply(message) }
        return reply
    }

    /// Runs one command built from a name and arguments; see ``send(_:)-(RESPCommand)``.
    @discardableResult
    public func send(_ name: String, _ arguments: any RESPArgument...) async throws -> RESPValue {
        try await send(RESPCommand(name, arguments))
    }
}
