import Basics
import ConnectionSupport
import Memcache

extension MemcachedSource: KeyDeletionSource {
    /// memcached's key rules (at most 250 bytes, no spaces or control characters).
    package func validate(key: [UInt8]) throws {
        try MemcachedKey.validate(key)
    }

    /// How many of `keys` exist on any server (one pipelined `get` per server; counted as own reads).
    package func countExisting(_ keys: [[UInt8]]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        var found = Set<[UInt8]>()
        for client in clients {
            ownLookups.note(server: client.address.description, keys: keys)
            let replies = try await client.send(try keys.map { try MemcachedCommand.get([$0]) })
            for reply in replies {
                if let error = reply.error { throw error }
                for item in reply.items { found.insert(item.key) }
            }
        }
        let lookups = keys.count * clients.count
        ownReads.record(hits: found.count, misses: lookups - found.count)
        return found.count
    }

    /// Deletes exactly `keys` on every server (pipelined `delete`s).
    package func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome {
        guard !keys.isEmpty else { return DeletionOutcome(totals: DeletionTotals()) }
        let commands = try keys.map(MemcachedCommand.delete)
        var total = DeletionTotals(methods: .keys)
        var servers: [DeletionOutcome.Server] = []
        for client in clients {
            var totals = DeletionTotals(methods: .keys)
            for reply in try await client.send(commands) {
                if reply == .deleted { totals.deleted += 1 } else if let error = reply.error { throw error }
            }
            totals.matched = totals.deleted
            totals.finished = true
            total.matched += totals.matched
            total.deleted += totals.deleted
            servers.append(DeletionOutcome.Server(address: client.address.description, totals: totals))
        }
        total.finished = true
        return DeletionOutcome(totals: total, servers: servers)
    }

    /// Deletes every key starting with `prefix` on every server — metadump, filter, pipelined `delete` —
    /// or with `dryRun` only counts them. `progress` sees the running totals over all servers.
    package func deleteKeys(
        withPrefix prefix: [UInt8], dryRun: Bool = false, progress: (DeletionTotals) -> Bool = { _ in true }
    ) async throws -> DeletionOutcome {
        var done = DeletionTotals()
        var servers: [DeletionOutcome.Server] = []
        var cancelled = false
        for client in clients where !cancelled {
            let scope = Self.scope(forVersion: try await client.stats())
            let totals = try await client.deleteKeys(withPrefix: prefix, dryRun: dryRun, scope: scope) { current in
                guard progress(done.adding(current)) else {
                    cancelled = true
                    return false
                }
                return true
            }
            servers.append(DeletionOutcome.Server(address: client.address.description, totals: totals))
            done = done.adding(totals)
        }
        done.finished = !cancelled && servers.allSatisfy(\.totals.finished)
        if done.finished { _ = progress(done) }
        return DeletionOutcome(totals: done, servers: servers)
    }
}

extension MemcachedSource: KeyExpirySource {
    /// `touch key exptime` on every server of the pool (which server holds a key depends on the client's
    /// hashing, unknown here); `nil` sends 0, which memcached reads as "never expires". memcached counts in
    /// whole seconds: the time is rounded up.
    package func setExpiry(of key: [UInt8], milliseconds: Int64?) async throws -> Bool {
        let seconds = milliseconds.map { max(1, ($0 + 999) / 1000) } ?? 0
        var found = false
        for client in clients {
            if try await client.touch(key, exptime: seconds) { found = true }
        }
        return found
    }
}
