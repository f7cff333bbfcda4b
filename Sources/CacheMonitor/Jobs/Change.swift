import Basics

/// A change to a cache's data that an operator asks for — from the dashboard's dialogs or from
/// `cachescope invalidate`. The ``ChangeRunner`` runs it as a job.
package enum Change: Sendable, Hashable {
    /// Delete exactly these keys.
    case deleteKeys([[UInt8]])
    /// Delete every key starting with the prefix.
    case invalidatePrefix([UInt8])
    /// Delete a Flask-Caching cached route: `<keyPrefix>view/<path>` and its query-string variants, never
    /// the keys of longer paths.
    case invalidateRoute(path: String, keyPrefix: [UInt8])
    /// Flask-Caching's `delete_memoized(f)`: delete the function's version key, which makes every stored
    /// result unreachable; with `sweep`, delete the results stored under that version too.
    case invalidateMemoized(function: String, keyPrefix: [UInt8], sweep: Bool)
    /// Make the key expire in `milliseconds` (whole seconds where the backend counts seconds), or with
    /// `nil` never.
    case setExpiry(key: [UInt8], milliseconds: Int64?)
    /// Clear the embedded demo's cache (its own keys only), through the hook the runner was given.
    case clearDemoCache
    /// Close one client connection of a Redis server (`CLIENT KILL ID`) — never one of cachescope's own.
    case killClient(ClientToKill)

    /// Whether it works on a watched backend (every change but the demo's clear, which has its own hook).
    package var needsBackend: Bool { self != .clearDemoCache }

    /// The features a backend must offer for it (none for the demo's clear, which has its own hook).
    package var requiredFeatures: [BackendFeature] {
        switch self {
        case .deleteKeys, .invalidatePrefix: [.keyDeletion]
        case .invalidateRoute, .invalidateMemoized: [.keyBrowsing, .keyDeletion]
        case .setExpiry: [.keyExpiry]
        case .killClient: [.clientControl]
        case .clearDemoCache: []
        }
    }
}

extension MonitoredBackend {
    /// Why `change` cannot run here, in one line (`nil` when it can): a feature the backend lacks or its
    /// servers refused.
    package func reasonCannotRun(_ change: Change) -> String? {
        change.requiredFeatures.lazy.compactMap(unavailableReason).first
    }
}

/// The client connection a kill is about: its id on one server, and how the operator saw it.
package struct ClientToKill: Sendable, Hashable {
    package var id: Int64
    /// The server (`host:port`) it is connected to.
    package var node: String
    package var name: String?
    package var address: String

    package init(id: Int64, node: String, name: String?, address: String) {
        self.id = id
        self.node = node
        self.name = name
        self.address = address
    }
}

/// What a change is about and what it did: what it matched and deleted, where, whether it only counted —
/// data, which the dashboard and the commands each turn into their own sentences.
package struct ChangeDetails: Sendable, Hashable {
    /// What only some changes tell.
    package enum Detail: Sendable, Hashable {
        case none
        /// A memoized function: whether its version key existed (and, unless a dry run, was deleted), the
        /// version its results carried when it could be read, and how many results the sweep deleted.
        case memoized(versionKeyExisted: Bool, version: String?, swept: Int)
        /// A TTL change: whether the key existed.
        case expiry(keyExisted: Bool)
        /// A client kill: whether the connection was still there (and was closed).
        case killed(existed: Bool)
    }

    package var change: Change
    /// Where it ran; `nil` for the demo's clear.
    package var backend: MonitoredBackend?
    /// Whether it only counted.
    package var dryRun: Bool
    /// Keys listed, matched and deleted (sums over every server).
    package var totals = DeletionTotals()
    /// Each server's share, for a memcached pool or a cluster's masters; empty for a single server.
    package var servers: [DeletionOutcome.Server] = []
    /// The keys the change was resolved to (given keys, a route's keys, a memoized function's version key
    /// and swept results); empty for a prefix, which is never held in memory.
    package var keys: [[UInt8]] = []
    package var detail: Detail = .none
}

/// How a change ended: its ``ChangeDetails``, whether it ran to the end, how long it took.
package typealias ChangeOutcome = JobOutcome<ChangeDetails>

extension JobOutcome where Details == ChangeDetails {
    package typealias Detail = ChangeDetails.Detail

    package init(
        change: Change, backend: MonitoredBackend?, dryRun: Bool, totals: DeletionTotals = DeletionTotals(), servers: [DeletionOutcome.Server] = [],
        keys: [[UInt8]] = [], detail: Detail = .none, elapsed: Duration = .zero, ending: JobEnding = .completed
    ) {
        self.init(
            ChangeDetails(change: change, backend: backend, dryRun: dryRun, totals: totals, servers: servers, keys: keys, detail: detail),
            ending: ending, elapsed: elapsed)
    }

    /// Keys known to be gone afterwards (deleted, or found missing), which a key list can forget at once.
    package var goneKeys: [[UInt8]] {
        guard !details.dryRun, ending != .refused else { return [] }
        switch (details.change, details.detail) {
        case (.setExpiry(let key, _), .expiry(keyExisted: false)): return [key]
        case (.setExpiry, _), (.invalidatePrefix, _), (.clearDemoCache, _), (.killClient, _): return []
        default: return ending == .completed ? details.keys : []
        }
    }
}

/// A running change: progress as deletion totals, then its outcome.
package typealias ChangeJob = Job<DeletionTotals, ChangeOutcome>
