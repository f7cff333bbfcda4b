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

/// Port of the deleting changes (`d`, `D`, `cachescope invalidate`, a route's or a memoized function's
/// keys): a backend whose keys can be counted and deleted, given or under a prefix.
package protocol KeyDeletionSource: KeyLookupSource {
    /// Checks that `key` is one the backend can hold (memcached's key rules), so a bad key is a usage error
    /// before anything runs.
    /// - Throws: one line saying what is wrong with it.
    func validate(key: [UInt8]) throws
    /// Deletes exactly `keys`; `matched` = how many existed, `deleted` = how many were removed.
    func deleteKeys(_ keys: [[UInt8]]) async throws -> DeletionOutcome
    /// Deletes every key starting with `prefix` (or only counts them with `dryRun`); `progress` sees the
    /// totals as they grow and returns `false` to cancel.
    func deleteKeys(withPrefix prefix: [UInt8], dryRun: Bool, progress: (DeletionTotals) -> Bool) async throws -> DeletionOutcome
}
