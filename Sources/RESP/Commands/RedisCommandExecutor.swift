import Basics
import ConnectionSupport

/// Anything that runs Redis commands: one server's ``RedisClient`` today, a cluster client that routes
/// each command by its keys' slot (and follows `MOVED`/`ASK`) tomorrow. Typed commands are written once,
/// as extensions of this protocol.
public protocol RedisCommandExecutor: Sendable {
    /// Runs commands as one pipeline and returns the replies in order; error replies are values.
    @discardableResult
    func send(_ commands: [RESPCommand]) async throws -> [RESPValue]

    /// The servers that hold the data, each as an executor of its own: every master of a cluster, or this
    /// one server. Work that is per server by nature (`SCAN`, `DBSIZE`, `FLUSHDB`, `INFO`) runs on each.
    func dataNodes() async throws -> [any RedisCommandExecutor]

    /// Deletes every key that starts with `prefix` (never any other: each key is re-checked), or with
    /// `dryRun` only counts them — on every data node (every master of a cluster, each on its own and all at
    /// once). The one name of prefix deletion at every layer: the monitor's sources and ports, memcached's
    /// client and this protocol; the shorter forms below (``deleteKeys(withPrefix:dryRun:)``,
    /// ``deleteKeys(withPrefix:count:progress:)``) call it.
    ///
    /// - Parameters:
    ///   - prefix: the literal key prefix (bytes); glob characters in it are escaped.
    ///   - count: the `SCAN COUNT` hint.
    ///   - dryRun: count matches without deleting.
    ///   - progress: called after every page with the totals so far; return `false` to stop (cancel).
    /// - Returns: the final totals (`finished` is false when cancelled).
    @discardableResult
    func deleteKeys(
        withPrefix prefix: [UInt8], count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals
}

extension RedisCommandExecutor {
    /// One server: itself.
    public func dataNodes() async throws -> [any RedisCommandExecutor] { [self] }

    /// One server: a server-side script where the server runs it, else `SCAN` and `UNLINK` from here; a
    /// dry run always scans from here (it de-duplicates what it counts).
    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        if dryRun {
            return try await deleteKeys(withPrefix: prefix, scanning: self, count: count, dryRun: true, progress: progress)
        }
        return try await deleteKeysOnServer(withPrefix: prefix, count: count, unlinkingThrough: self, progress: progress)
    }
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

    /// Runs one command and returns its reply, an error reply included (`-ERR unknown command …`,
    /// `-NOPERM …`): for asking whether a server allows a command. Only a connection failure throws.
    public func attempt(_ command: RESPCommand) async throws -> RESPValue {
        try await send([command]).first ?? .null
    }

    /// Runs one command built from a name and arguments; see ``send(_:)-(RESPCommand)``.
    @discardableResult
    public func send(_ name: String, _ arguments: any RESPArgument...) async throws -> RESPValue {
        try await send(RESPCommand(name, arguments))
    }
}
