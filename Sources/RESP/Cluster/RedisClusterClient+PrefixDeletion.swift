import Basics
import ConnectionSupport

extension RedisClusterClient {
    /// Every master.
    public func dataNodes() async throws -> [any RedisCommandExecutor] {
        try await masterClients().map(\.client)
    }

    public func deletePrefixed(
        _ prefix: [UInt8], count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        try await deleteKeysOnEveryMaster(withPrefix: prefix, count: count, dryRun: dryRun, progress: progress).totals
    }

    /// Deletes every key starting with `prefix` (or only counts them), all masters at once: each master is
    /// scanned on its own connection, and the keys found are unlinked through this client — one `UNLINK`
    /// per slot, pipelined, sent to the slot's master (so a key that moved meanwhile is still found).
    /// `progress` sees the sums over the cluster after every page of any master and returns `false` to
    /// stop every master.
    /// - Returns: the sums, and each master's share (`host:port`) in slot map order.
    public func deleteKeysOnEveryMaster(
        withPrefix prefix: [UInt8], count: Int = 2000, dryRun: Bool = false,
        progress: (DeletionTotals) -> Bool = { _ in true }
    ) async throws -> (totals: DeletionTotals, masters: [(address: String, totals: DeletionTotals)]) {
        let masters = try await masterClients()
        guard !masters.isEmpty else {
            var nothing = DeletionTotals()
            nothing.finished = true
            return (nothing, [])
        }
        enum Event: Sendable {
            case page(Int, DeletionTotals)
            case failed(any Error)
            case done(Int, DeletionTotals)
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        var perMaster = [DeletionTotals](repeating: DeletionTotals(), count: masters.count)
        var firstError: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            for (index, master) in masters.enumerated() {
                group.addTask {
                    do {
                        let totals = try await self.deleteKeys(withPrefix: prefix, on: master.client, count: count, dryRun: dryRun) { totals in
                            sink.yield(.page(index, totals))
                            return !Task.isCancelled
                        }
                        sink.yield(.done(index, totals))
                    } catch {
                        sink.yield(.failed(error))
                    }
                }
            }
            var remaining = masters.count
            var stopped = false
            for await event in events {
                switch event {
                case .page(let index, let totals):
                    perMaster[index] = totals
                case .done(let index, let totals):
                    perMaster[index] = totals
                    remaining -= 1
                case .failed(let error):
                    firstError = firstError ?? error
                    remaining -= 1
                    if !stopped { group.cancelAll() }
                    stopped = true
                }
                if !stopped, !progress(Self.sum(perMaster)) {
                    stopped = true
                    group.cancelAll()
                }
                if remaining == 0 { break }
            }
            sink.finish()
        }
        if let firstError { throw firstError }
        return (Self.sum(perMaster), zip(masters, perMaster).map { ($0.shard.master.address, $1) })
    }

    private static func sum(_ parts: [DeletionTotals]) -> DeletionTotals {
        DeletionTotals.sum(parts)
    }

    /// One master's share: by a script on the master (each key unlinked on its own inside it), unless it
    /// is a dry run or a slot of that master is migrating or importing — then, and wherever the script is
    /// refused, `SCAN` on the master and `UNLINK` through this client (which follows a key that moved).
    private func deleteKeys(
        withPrefix prefix: [UInt8], on master: RedisClient, count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        let migrating = dryRun ? nil : try await Self.slotMigration(on: master)
        if dryRun || migrating != nil {
            let carried = DeletionTotals(fallbackReason: migrating)
            return try await deleteKeys(withPrefix: prefix, scanning: master, count: count, dryRun: dryRun, carrying: carried, progress: progress)
        }
        switch try await master.deleteKeysByScript(withPrefix: prefix, count: count, unlinkEachKey: true, progress: progress) {
        case .ended(let totals):
            return totals
        case .fallBack(let left, let carried):
            return try await deleteKeys(
                withPrefix: prefix, scanning: master, count: count, dryRun: false, walking: left, carrying: carried, progress: progress)
        }
    }

    /// Why a script must not run on `master`: a slot of it is migrating or importing (its own line of
    /// `CLUSTER NODES` lists `[slot->-node]` or `[slot-<-node]`), so a key it scans may be answered by
    /// another node. Nil when no slot moves, or when the node does not say.
    private static func slotMigration(on master: RedisClient) async throws -> String? {
        let reply = try await master.send([RESPCommand("CLUSTER", ["NODES"])])[0]
        guard let text = reply.string else { return nil }
        let own = text.split(separator: "\n").first { $0.split(separator: " ").dropFirst(2).first?.contains("myself") == true }
        guard let own, let moving = own.split(separator: " ").first(where: { $0.hasPrefix("[") }) else { return nil }
        return "slot migration in progress on \(master.peer): \(moving)"
    }
}
