/// Anything that can run a pipelined batch of memcached commands: a ``MemcachedConnection`` or a
/// ``MemcachedClient``. The typed commands (`get`, `set`, `stats`, …) are built on this.
public protocol MemcachedCommandExecutor: Sendable {
    /// Sends `commands` as one batch; replies come back in order, error replies as values.
    @discardableResult
    func send(_ commands: [MemcachedCommand]) async throws -> [MemcachedReply]
}

extension MemcachedConnection: MemcachedCommandExecutor {
    @discardableResult
    public func send(_ commands: [MemcachedCommand]) async throws -> [MemcachedReply] {
        try await send(commands, isolation: #isolation)
    }
}

/// The result of a storage command.
public enum MemcachedStoreResult: Sendable, Hashable {
    case stored
    /// `add` found the key, `replace`/`append`/`prepend` did not.
    case notStored
    /// `cas`: the item changed since it was read.
    case exists
    /// `cas`: the item is gone.
    case notFound
}

extension MemcachedCommandExecutor {
    /// Sends one command and returns its reply, throwing an error reply.
    public func send(_ command: MemcachedCommand) async throws -> MemcachedReply {
        let reply = try await send([command]).first ?? .error(MemcachedError(.protocolViolation, "protocol violation: no reply"))
        if let error = reply.error { throw error }
        return reply
    }

    /// The values of the keys that exist (`get`, or `gets` with CAS uniques).
    public func get(_ keys: [[UInt8]], withCAS: Bool = false) async throws -> [MemcachedItem] {
        guard !keys.isEmpty else { return [] }
        return try await send(.get(keys, withCAS: withCAS)).items
    }

    /// `set`/`add`/`replace`/`append`/`prepend`/`cas`.
    public func store(
        _ mode: MemcachedCommand.StorageMode, key: [UInt8], value: [UInt8], flags: UInt32 = 0, exptime: Int64 = 0,
        casUnique: UInt64? = nil
    ) async throws -> MemcachedStoreResult {
        let reply = try await send(.store(mode, key: key, value: value, flags: flags, exptime: exptime, casUnique: casUnique))
        return try Self.storeResult(reply)
    }

    /// Reads a storage command's reply.
    public static func storeResult(_ reply: MemcachedReply) throws -> MemcachedStoreResult {
        switch reply {
        case .stored: return .stored
        case .notStored: return .notStored
        case .exists: return .exists
        case .notFound: return .notFound
        case .error(let error): throw error
        default: throw MemcachedError(.protocolViolation, "protocol violation: unexpected reply \(reply) to a storage command")
        }
    }

    /// `delete`; whether the key existed.
    public func delete(_ key: [UInt8]) async throws -> Bool {
        try await send(.delete(key)) == .deleted
    }

    /// `incr`/`decr` by a signed delta; the new value, or `nil` when the key is missing.
    /// memcached keeps counters unsigned: `incr` wraps at 2⁶⁴, `decr` stops at 0.
    public func increment(_ key: [UInt8], by delta: Int64) async throws -> UInt64? {
        let command: MemcachedCommand = delta >= 0 ? try .increment(key, by: UInt64(delta)) : try .decrement(key, by: delta.magnitude)
        if case .number(let value) = try await send(command) { return value }
        return nil
    }

    /// `touch`; whether the key existed.
    public func touch(_ key: [UInt8], exptime: Int64) async throws -> Bool {
        try await send(.touch(key, exptime: exptime)) == .touched
    }

    /// `flush_all` — invalidates every item on the server.
    public func flushAll() async throws {
        _ = try await send(.flushAll())
    }

    /// The server's version string (`1.6.18`).
    public func version() async throws -> String {
        if case .version(let version) = try await send(.version) { return version }
        throw MemcachedError(.protocolViolation, "protocol violation: no version in the reply to 'version'")
    }

    /// `stats` or `stats <section>` as name/value pairs in the server's order.
    public func stats(_ section: String? = nil) async throws -> [MemcachedStat] {
        if case .stats(let stats) = try await send(.stats(section)) { return stats }
        return []
    }

    /// Several `stats` groups in one round trip (`nil` is plain `stats`), each as name/value pairs in the
    /// server's order; the first error reply is thrown.
    public func stats(_ sections: [String?]) async throws -> [[MemcachedStat]] {
        try await send(sections.map { .stats($0) }).map { reply in
            if let error = reply.error { throw error }
            guard case .stats(let stats) = reply else { return [] }
            return stats
        }
    }
}
