import Basics
import CacheMonitor

/// Runs the reducer's effects off the main actor and posts what happens back to the loop's inbox, as data:
/// windows of keys, details, counts, the change job's progress and outcome. One key listing, one details
/// read and one count at a time (a newer request replaces the older one); changes run on the
/// ``ChangeRunner``, which also refuses them in `--read-only`.
@MainActor
package final class EffectRunner {
    private let poller: any SnapshotFeed
    private let inbox: EventInbox
    private let changes: ChangeRunner
    private let demo: (any DemoControls)?
    private let replay: (any ReplayControls)?
    private let trends: (any TrendArchive)?
    /// Told of every traffic sample's outcome (the recording keeps the settings it changed and put back).
    private let trafficAudit: (@Sendable (TrafficOutcome) async -> Void)?
    private var loadingTrends: Task<Void, Never>?
    private var loading: Task<Void, Never>?
    private var reading: Task<Void, Never>?
    private var counting: ChangeJob?
    private var running: ChangeJob?
    private var analyses: [BackendID: KeyspaceJob] = [:]
    private var samples: [BackendID: TrafficJob] = [:]
    /// The traffic plan each backend's preflight made, which the sample the operator agrees to then runs.
    private var plans: [BackendID: TrafficPreflight] = [:]
    /// The capability check running per backend.
    private var checks: [BackendID: Task<Void, Never>] = [:]
    /// How many keys the browser holds at most.
    package var windowCapacity = KeyWindow.defaultCapacity

    package init(
        poller: any SnapshotFeed, inbox: EventInbox, changes: ChangeRunner, demo: (any DemoControls)?, replay: (any ReplayControls)? = nil,
        trends: (any TrendArchive)? = nil, trafficAudit: (@Sendable (TrafficOutcome) async -> Void)? = nil
    ) {
        self.trends = trends
        self.trafficAudit = trafficAudit
        self.poller = poller
        self.inbox = inbox
        self.changes = changes
        self.demo = demo
        self.replay = replay
    }

    /// Starts `effect` (theme and quit effects are the loop's own).
    package func run(_ effect: DashboardEffect) {
        switch effect {
        case .quit, .applyTheme, .rememberOverview:
            break
        case .refreshNow:
            let poller = poller
            Task.detached { await poller.refreshNow() }
        case .focusHealth(let backend):
            let poller = poller
            Task.detached { await poller.focusHealth(on: backend) }
        case .loadKeys(let backend, let filter):
            loadKeys(backend, filter)
        case .loadDetails(let backend, let key):
            loadDetails(backend, key)
        case .count(let change):
            count(change)
        case .run(let change, _):
            perform(change)
        case .stopJob:
            running?.stop()
        case .stopCount:
            counting?.stop()
        case .analyzeKeyspace(let backend):
            let job = KeyspaceAnalysis.start(on: backend)
            analyses[backend.id]?.stop()
            analyses[backend.id] = job
            follow(job) { progress, _ in
                .keyspaceProgress(backend: backend.id, progress)
            } finished: {
                .keyspaceAnalyzed($0)
            }
        case .stopAnalysis(let backend):
            analyses[backend]?.stop()
        case .preflightTraffic(let backend):
            preflightTraffic(backend)
        case .sampleTraffic(let backend, let mayChangeSettings):
            samples[backend.id]?.stop()
            let job = TrafficSampling.start(
                on: backend, options: TrafficOptions(mayChangeSettings: mayChangeSettings), plan: plans.removeValue(forKey: backend.id),
                audit: trafficAudit)
            samples[backend.id] = job
            follow(job) { progress, _ in
                .trafficProgress(backend: backend.id, progress)
            } finished: {
                .trafficSampled($0)
            }
        case .stopTraffic(let backend):
            samples[backend]?.stop()
        case .checkCapabilities(let backend, let readOnly):
            checkCapabilities(backend, readOnly: readOnly)
        case .traffic(let command):
            guard let demo else { return }
            let inbox = inbox
            Task.detached { inbox.post(.demoAction(await demo.perform(command))) }
        case .loadTrends(let backend, let zoom, let points, let instant):
            guard let trends else { return }
            let inbox = inbox
            // A newer request replaces an older one still reading.
            loadingTrends?.cancel()
            loadingTrends = Task.detached {
                let found = await trends.trends(of: backend, zoom: zoom, points: points, endingAt: instant)
                guard !Task.isCancelled else { return }
                inbox.post(.trendsLoaded(found, zoom: zoom))
            }
        case .replay(let command):
            guard let replay else { return }
            let inbox = inbox
            Task.detached { inbox.post(.replayMoved(await replay.perform(command))) }
        case .replayInsights(let backend):
            guard let replay else { return }
            let inbox = inbox
            Task.detached { inbox.post(.insightsReplayed(backend, await replay.insights(of: backend))) }
        }
    }

    /// Stops everything in flight (on quit).
    package func cancelAll() {
        for task in [loading, reading] { task?.cancel() }
        for task in checks.values { task.cancel() }
        counting?.stop()
        running?.stop()
        for analysis in analyses.values { analysis.stop() }
        for sample in samples.values { sample.stop() }
    }

    /// Stops the traffic samples and waits for them to end — they put back the server settings they
    /// changed — before the dashboard exits.
    /// - Returns: one loud line per setting that could not be put back.
    package func finishTrafficSamples() async -> [String] {
        var lines: [String] = []
        for sample in samples.values {
            sample.stop()
            lines += await sample.outcome.report?.settingsNotRestored ?? []
        }
        samples = [:]
        return lines
    }

    /// Asks `backend`'s servers what they allow (one check per backend at a time); the answers are also kept
    /// on the backend, so keys it refuses grey out.
    private func checkCapabilities(_ backend: MonitoredBackend, readOnly: Bool) {
        checks[backend.id]?.cancel()
        let inbox = inbox
        checks[backend.id] = Task.detached {
            do {
                let report = try await backend.checkCapabilities(CapabilityCheckOptions(readOnly: readOnly))
                inbox.post(.capabilitiesChecked(backend: backend.id, report))
            } catch is CancellationError {
            } catch {
                inbox.post(.capabilitiesFailed(backend: backend.id, error: ErrorText.oneLine(error)))
            }
        }
    }

    /// Makes `backend`'s traffic plan (what the consent dialog shows), kept for the sample it leads to.
    private func preflightTraffic(_ backend: MonitoredBackend) {
        let inbox = inbox
        Task {
            do {
                let source = try backend.port(\.traffic, for: .traffic)
                let plan = try await Task.detached {
                    try await backend.using([.traffic]) {
                        try await source.connectForReading()
                        return try await source.trafficPreflight()
                    }
                }.value
                plans[backend.id] = plan
                inbox.post(.trafficPreflight(backend, plan))
            } catch {
                inbox.post(.trafficUnavailable(backend: backend.id, reason: ErrorText.oneLine(error)))
            }
        }
    }

    private func loadKeys(_ backend: MonitoredBackend, _ filter: KeyMatch) {
        loading?.cancel()
        let inbox = inbox
        let capacity = windowCapacity
        loading = Task.detached {
            var lastPost = ContinuousClock.now - .seconds(1)
            do {
                // The first batch shows at once; later ones at most ten times a second, then the complete window.
                let source = try backend.port(\.browsing, for: .keyBrowsing)
                _ = try await backend.using([.keyBrowsing]) {
                    try await KeyWindow.load(from: source, matching: filter, capacity: capacity) { window in
                        guard !Task.isCancelled else { return false }
                        if !window.complete, ContinuousClock.now - lastPost < .milliseconds(100) { return true }
                        lastPost = ContinuousClock.now
                        inbox.post(.keysLoaded(backend: backend.id, filter: filter, window: window))
                        return true
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                inbox.post(.keysFailed(backend: backend.id, error: ErrorText.oneLine(error)))
            }
        }
    }

    private func loadDetails(_ backend: MonitoredBackend, _ key: BrowsedKey) {
        reading?.cancel()
        let inbox = inbox
        reading = Task.detached {
            do {
                let source = try backend.port(\.browsing, for: .keyBrowsing)
                let details = try await backend.using([.keyBrowsing]) {
                    try await source.details(of: key, maxBytes: 4096, kindPrefix: backend.keyPrefix)
                }
                inbox.post(.detailsLoaded(key: key, details: details))
            } catch {
                inbox.post(.detailsFailed(key: key, error: ErrorText.oneLine(error)))
            }
        }
    }

    /// Counts what an open dialog's change would touch (a dry run of the same change).
    private func count(_ change: PendingChange) {
        counting?.stop()
        let job = changes.start(change.change, on: change.backend, dryRun: true)
        counting = job
        follow(job) { totals, _ in
            .matchCount(change: change, count: .counting(soFar: totals.matched))
        } finished: { outcome in
            switch outcome.ending {
            case .completed: .matchCount(change: change, count: .counted(outcome.totals.matched, more: false))
            case .failed(let error): .matchCount(change: change, count: .failed(error))
            case .stopped, .refused: nil
            }
        }
    }

    /// Runs a confirmed change, forwarding its progress and, always, its outcome.
    private func perform(_ change: PendingChange) {
        counting?.stop()
        let job = changes.start(change.change, on: change.backend)
        running = job
        follow(job) { totals, elapsed in
            .jobProgress(totals, elapsed: elapsed)
        } finished: {
            .jobFinished($0)
        }
    }

    /// Posts a job's events to the loop as dashboard events, to the job's end. The task that reads them is
    /// never cancelled — a stop is asked of the job — so the finished event always arrives. Every job the
    /// dashboard runs (changes now, samplers later) is followed this way.
    private func follow<Progress: Sendable, Outcome: Sendable>(
        _ job: Job<Progress, Outcome>, progress: @escaping @Sendable (Progress, Duration) -> DashboardEvent?,
        finished: @escaping @Sendable (Outcome) -> DashboardEvent?
    ) {
        let inbox = inbox
        Task.detached {
            for await event in job.events {
                let posted: DashboardEvent? =
                    switch event {
                    case .progress(let value, let elapsed): progress(value, elapsed)
                    case .finished(let outcome): finished(outcome)
                    }
                if let posted { inbox.post(posted) }
            }
        }
    }
}
