import Basics
import ConnectionSupport
import Foundation

extension RedisClusterClient {
    /// Every master.
    public func dataNodes() async throws -> [any RedisCommandExecutor] {
        try await masterClients().map(\.client)
    }

    @discardableResult
    public func deleteKeys(
        withPrefix prefix: [UInt8], count: Int, dryRun: Bool, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        try await deleteKeysOnEveryMaster(withPrefix: prefix, count: count, dryRun: dryRun, progress: progress).totals
    }

    /// Deletes every key starting with `prefix` (or only counts them), every host's masters at once (the
    /// masters of one host one after another, so the deletion never takes all of a host's cores): each master is
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
        // Masters on one host share its processor cores: no more of them work at once than it has cores
        // to spare (all three at once on a 2-core machine kept every core busy, and another client's PING
        // waited up to 16 ms); hosts work at once.
        let lanes = Self.deletionLanes(hosts: masters.map(\.shard.master.host))
        // A stop (asked for, or another master failed) is a request each master sees between its calls: what
        // a call in flight deletes is counted.
        let stop = StopSignal()
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes {
                group.addTask {
                    for index in lane.masters {
                        if stop.isSet {
                            // Stopped (or another master failed) before this one began: nothing done here.
                            sink.yield(.done(index, DeletionTotals()))
                            continue
                        }
                        do {
                            let totals = try await self.deleteKeys(
                                withPrefix: prefix, on: masters[index].client, count: count, dryRun: dryRun, pace: lane.pace
                            ) {
                                totals in
                                sink.yield(.page(index, totals))
                                return !stop.isSet
                            }
                            sink.yield(.done(index, totals))
                        } catch {
                            sink.yield(.failed(error))
                        }
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
                    if !stopped { stop.set() }
                    stopped = true
                }
                if !stopped, !progress(DeletionTotals.sum(perMaster)) {
                    stopped = true
                    stop.set()
                }
                if remaining == 0 { break }
            }
            sink.finish()
        }
        if let firstError { throw firstError }
        return (DeletionTotals.sum(perMaster), zip(masters, perMaster).map { ($0.shard.master.address, $1) })
    }

    /// A sequence of masters (by index) deleted one after another, and the pace of their script calls.
    struct DeletionLane: Sendable {
        var masters: [Int]
        var pace: ScriptPace
    }

    /// The masters of each host split into as many lanes as may work at once on it (see
    /// ``mastersAtOnce(onHost:)``); calls are kept shorter where lanes share a host's cores.
    static func deletionLanes(hosts: [String]) -> [DeletionLane] {
        Dictionary(grouping: hosts.indices) { hosts[$0] }.flatMap { host, onHost in
            let atOnce = min(mastersAtOnce(onHost: host), onHost.count)
            let pace: ScriptPace = atOnce > 1 ? .sharingCores : .alone
            return (0..<atOnce).map { lane in
                DeletionLane(masters: stride(from: lane, to: onHost.count, by: atOnce).map { onHost[$0] }, pace: pace)
            }
        }
    }

    /// How many masters of one host delete at once: as many as the cores of this machine for a master on
    /// it (loopback), one for another host (its cores are unknown; masters of a remote host that share an
    /// address are rare, and one at a time is the gentle choice).
    static func mastersAtOnce(onHost host: String) -> Int {
        let local = host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
        return local ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
    }

    /// One master's share: by a script on the master (each key unlinked on its own inside it), unless it
    /// is a dry run or a slot of that master is migrating or importing — then, and wherever the script is
    /// refused, `SCAN` on the master and `UNLINK` through this client (which follows a key that moved).
    private func deleteKeys(
        withPrefix prefix: [UInt8], on master: RedisClient, count: Int, dryRun: Bool, pace: ScriptPace,
        progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        let migrating = dryRun ? nil : try await Self.slotMigration(on: master)
        if dryRun || migrating != nil {
            let carried = DeletionTotals(fallbackReason: migrating)
            return try await deleteKeys(withPrefix: prefix, scanning: master, count: count, dryRun: dryRun, carrying: carried, progress: progress)
        }
        return try await master.deleteKeysOnServer(
            withPrefix: prefix, count: count, unlinkingThrough: self, unlinkEachKey: true, pace: pace, progress: progress)
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
