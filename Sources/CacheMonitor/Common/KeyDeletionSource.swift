import Basics
import ConnectionSupport

/// What deleting keys on one backend did: the totals and, for a memcached pool, each server's share.
package struct DeletionOutcome: Sendable, Hashable {
    /// One server's share of a deletion.
    package struct Server: Sendable, Hashable {
        /// `host:port`.
        package var address: String
        package var totals: DeletionTotals

        package init(address: String, totals: DeletionTotals) {
            self.address = address
            self.totals = totals
        }
    }

    /// The sums over every server (`finished` only when every server finished).
    package var totals: DeletionTotals
    /// Per server, for backends made of several servers; empty for a single Redis server.
    package var servers: [Server]

    package init(totals: DeletionTotals, servers: [Server] = []) {
        self.totals = totals
        self.servers = servers
    }
}

/// The destructive operations `cachescope invalidate` (and the dashboard's jobs) run on a backend.
package protocol KeyDeletionSource: Sendable {
    /// The name shown and used on the command line.
    var name: String { get }
    /// Where it is (`host:port`, or a pool's `host:port,host:port`), never with a password.
    var address: String { get }
    /// Connects now (and checks the server), so a dead backend fails before anything else happens.
    func connect() async throws
    /// How many of `keys` exist (a dry run).
    func countExisting(_ keys: [[UInt8]]) async throws -> Int
    /// Deletes exactly `keys`; `matched` = how many existed, `deleted` = how many were removed.
    func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome
    /// Deletes every key starting with `prefix` (or only counts them with `dryRun`); `progress` sees the
    /// totals as they grow and returns `false` to cancel.
    func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool) async throws -> DeletionOutcome
    /// Closes its connections.
    func close() async
}
