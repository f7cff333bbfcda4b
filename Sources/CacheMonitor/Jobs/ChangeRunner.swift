import Basics

/// The one place changes run: the dashboard's confirmed dialogs and `cachescope invalidate` both start
/// their ``Change``s here. It refuses every change in `--read-only` (a dry run is allowed), finds the keys
/// of a Flask-Caching route or memoized function, deletes in bounded batches with progress, stops between
/// batches when asked, and ends every job with a typed ``ChangeOutcome``.
package struct ChangeRunner: Sendable {
    /// Given keys are deleted this many at a time, with progress and a chance to stop between batches.
    package static let batchSize = 1000

    /// Whether every change is refused (dry runs still count).
    package let readOnly: Bool
    private let clearDemoCache: (@Sendable () async throws -> Int)?
    private let audit: (@Sendable (ChangeOutcome) async -> Void)?

    /// - Parameters:
    ///   - clearDemoCache: clears the embedded demo's own keys and returns how many were removed, when the
    ///     demo runs.
    ///   - audit: told of every change that ran (not a dry run), however it ended — the recording's audit trail.
    package init(
        readOnly: Bool, clearDemoCache: (@Sendable () async throws -> Int)? = nil, audit: (@Sendable (ChangeOutcome) async -> Void)? = nil
    ) {
        self.readOnly = readOnly
        self.clearDemoCache = clearDemoCache
        self.audit = audit
    }

    /// Throws ``MonitorError/readOnly`` when a change (not a dry run) may not run — for callers that refuse
    /// before connecting; ``start(_:on:dryRun:)`` refuses the same way.
    package func checkPermitted(dryRun: Bool) throws {
        if readOnly && !dryRun { throw MonitorError.readOnly }
    }

    /// Starts `change` on `backend` (`nil` only for the demo's clear); with `dryRun`, only counts what it
    /// would delete.
    package func start(_ change: Change, on backend: MonitoredBackend?, dryRun: Bool = false) -> ChangeJob {
        let blank = ChangeOutcome(change: change, backend: backend, dryRun: dryRun)
        if (try? checkPermitted(dryRun: dryRun)) == nil {
            var refused = blank
            refused.ending = .refused
            return ChangeJob(finished: refused)
        }
        let clearDemoCache = clearDemoCache
        let audit = dryRun ? nil : audit
        return ChangeJob(details: blank.details, finished: audit) { context, outcome in
            var work = ChangeWork(outcome: outcome, context: context)
            // What was done before a failure is counted too.
            defer { outcome = work.outcome }
            if change.needsBackend {
                guard let backend else { throw MonitorError.cannotRun("no backend to run it on") }
                if let reason = backend.reasonCannotRun(change) { throw MonitorError.unavailable(reason) }
                try await backend.using(change.requiredFeatures) { try await work.run(on: backend) }
            } else {
                guard let clearDemoCache else { throw MonitorError.cannotRun("no demo cache to clear (the demo is not running)") }
                guard !dryRun else { throw MonitorError.cannotRun("the demo's clear is not counted beforehand") }
                let removed = try await clearDemoCache()
                work.outcome.totals = DeletionTotals(matched: removed, deleted: removed, finished: true)
            }
        }
    }
}

/// One change being run: the outcome so far, built up as the work goes.
private struct ChangeWork {
    var outcome: ChangeOutcome
    let context: JobContext<DeletionTotals>

    var dryRun: Bool { outcome.dryRun }

    /// Runs the change on `backend`, whose ports it needs were checked.
    mutating func run(on backend: MonitoredBackend) async throws {
        switch outcome.change {
        case .deleteKeys(let keys):
            outcome.keys = keys
            try await deleteOrCount(keys, on: try backend.port(\.deletion, for: .keyDeletion))
        case .invalidatePrefix(let prefix):
            let context = context
            let result = try await backend.port(\.deletion, for: .keyDeletion).deleteKeys(withPrefix: prefix, dryRun: dryRun) { totals in
                context.report(totals)
                return !context.isStopRequested
            }
            outcome.totals = result.totals
            outcome.servers = result.servers
            if !result.totals.finished { outcome.ending = context.isStopRequested ? .stopped : .failed("the scan ended early") }
        case .invalidateRoute(let path, let keyPrefix):
            let keys = try await FlaskCachingActions.routeKeys(path: path, prefix: keyPrefix, on: try backend.port(\.browsing, for: .keyBrowsing))
            outcome.keys = keys
            if dryRun {
                // Just listed: they exist.
                outcome.totals = DeletionTotals(scanned: keys.count, matched: keys.count, finished: true)
                context.report(outcome.totals)
            } else {
                try await deleteOrCount(keys, on: try backend.port(\.deletion, for: .keyDeletion))
            }
        case .invalidateMemoized(let function, let keyPrefix, let sweep):
            let found = try await FlaskCachingActions.memoizedKeys(
                function: function, prefix: keyPrefix, sweep: sweep, on: try backend.port(\.browsing, for: .keyBrowsing))
            let source = try backend.port(\.deletion, for: .keyDeletion)
            outcome.keys = [found.versionKey] + found.results
            if dryRun {
                let versionKeyExisted = try await source.countExisting([found.versionKey]) > 0
                try await deleteOrCount(found.results, on: source)
                outcome.totals.matched += versionKeyExisted ? 1 : 0
                outcome.detail = .memoized(versionKeyExisted: versionKeyExisted, version: found.version, swept: 0)
            } else {
                // The version key first: that alone is delete_memoized; the sweep only frees memory sooner.
                let version = try await source.deleteKeys([found.versionKey])
                add(version)
                try await deleteOrCount(found.results, on: source)
                let swept = outcome.totals.deleted - version.totals.deleted
                outcome.detail = .memoized(versionKeyExisted: version.totals.deleted > 0, version: found.version, swept: swept)
            }
        case .setExpiry(let key, let milliseconds):
            outcome.keys = [key]
            let source = try backend.port(\.expiry, for: .keyExpiry)
            let existed = dryRun ? try await source.countExisting([key]) > 0 : try await source.setExpiry(of: key, milliseconds: milliseconds)
            outcome.totals = DeletionTotals(matched: existed ? 1 : 0, finished: true)
            outcome.detail = .expiry(keyExisted: existed)
        case .killClient(let client):
            let existed = dryRun ? false : try await backend.port(\.clients, for: .clientControl).killClient(client)
            outcome.totals = DeletionTotals(matched: existed ? 1 : 0, finished: true)
            outcome.detail = .killed(existed: existed)
        case .clearDemoCache:
            break
        }
    }

    /// Deletes `keys` (or counts those that exist) in batches, reporting after each and stopping between
    /// batches when asked.
    private mutating func deleteOrCount(_ keys: [[UInt8]], on source: any KeyDeletionSource) async throws {
        outcome.totals.methods.insert(.keys)
        for start in stride(from: 0, to: keys.count, by: ChangeRunner.batchSize) {
            if context.isStopRequested {
                outcome.ending = .stopped
                return
            }
            let batch = Array(keys[start..<min(start + ChangeRunner.batchSize, keys.count)])
            if dryRun {
                let existing = try await source.countExisting(batch)
                outcome.totals.scanned += batch.count
                outcome.totals.matched += existing
            } else {
                add(try await source.deleteKeys(batch))
                outcome.totals.scanned += batch.count
            }
            context.report(outcome.totals)
        }
        outcome.totals.finished = true
    }

    /// Adds one deletion's counts to the totals and to each server's share.
    private mutating func add(_ deletion: DeletionOutcome) {
        outcome.totals.matched += deletion.totals.matched
        outcome.totals.deleted += deletion.totals.deleted
        for server in deletion.servers {
            if let index = outcome.servers.firstIndex(where: { $0.address == server.address }) {
                outcome.servers[index].totals = outcome.servers[index].totals.adding(server.totals)
            } else {
                outcome.servers.append(server)
            }
        }
    }
}
