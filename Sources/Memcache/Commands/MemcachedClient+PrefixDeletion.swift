import Basics
import ConnectionSupport

/// Prefix deletion on one server — metadump, filter, pipelined `delete` — shared by `MemcachedCache.clear()`
/// and the monitor's invalidation. memcached has no command for it (memcached/memcached#331, #1241).
extension MemcachedClient {
    /// Deletes every key on this server that starts with `prefix` (each listed key is checked; nothing
    /// else is touched), or with `dryRun` only counts them. Keys come from `lru_crawler metadump` on a
    /// connection of its own; each read's matches go out as one pipelined batch of `delete`s on this
    /// client's connection while the walk goes on.
    ///
    /// - Parameters:
    ///   - prefix: the literal key prefix (bytes); an empty prefix matches every key.
    ///   - progress: called after every read with the totals so far; return `false` to stop (cancel).
    /// - Returns: the final totals (`finished` is false when cancelled).
    /// - Throws: ``MemcachedError`` — `.metadumpUnavailable` when the server cannot list its keys.
    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], dryRun: Bool = false, scope: MetadumpScope = .all,
        progress: (DeletionTotals) -> Bool = { _ in true }
    ) async throws -> DeletionTotals {
        var totals = DeletionTotals(methods: .metadump)
        var pending: Task<Int, any Error>?
        defer { pending?.cancel() }
        var stopped = false
        let summary = try await MetadumpReader.dump(from: address, scope: scope, connectTimeout: configuration.connectTimeout) { entries in
            totals.scanned += entries.count
            let matches = entries.lazy.map(\.key).filter { $0.hasBytePrefix(prefix) }
            var commands: [MemcachedCommand] = []
            for key in matches {
                totals.matched += 1
                if !dryRun, let command = try? MemcachedCommand.delete(key) { commands.append(command) }
            }
            if !commands.isEmpty {
                if let previous = pending { totals.deleted += try await previous.value }
                pending = Task { [self] in try Self.countDeleted(try await send(commands)) }
            }
            guard progress(totals) else {
                stopped = true
                return false
            }
            return true
        }
        if let last = pending {
            pending = nil
            totals.deleted += try await last.value
        }
        totals.finished = summary.completed && !stopped
        if totals.finished { _ = progress(totals) }
        return totals
    }

    /// How many replies say `DELETED`; error replies are thrown.
    static func countDeleted(_ replies: [MemcachedReply]) throws -> Int {
        var deleted = 0
        for reply in replies {
            if reply == .deleted { deleted += 1 } else if let error = reply.error { throw error }
        }
        return deleted
    }
}
