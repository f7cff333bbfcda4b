import Basics
import CacheMonitor
import ConnectionSupport

/// Runs the reducer's effects against the backends, off the main actor, and posts what happens back to
/// the loop's inbox. One key listing, one details read and one count at a time: a newer request cancels
/// the older one. Destructive work refuses to run in `--read-only`, whatever asked for it.
@MainActor
public final class EffectRunner {
    private let sources: [any CacheSource]
    private let poller: Poller<ContinuousClock>
    private let inbox: EventInbox
    private let readOnly: Bool
    private let demo: (any DemoControls)?
    private let keyPrefixes: [[UInt8]?]
    private var loading: Task<Void, Never>?
    private var reading: Task<Void, Never>?
    private var counting: Task<Void, Never>?
    private var countJob: DeletionJob?
    private var running: Task<Void, Never>?
    private var runningJob: DeletionJob?
    /// How many keys the browser holds at most.
    public var windowCapacity = KeyWindow.defaultCapacity

    public init(
        sources: [any CacheSource], poller: Poller<ContinuousClock>, inbox: EventInbox, readOnly: Bool, demo: (any DemoControls)?,
        keyPrefixes: [[UInt8]?] = []
    ) {
        self.keyPrefixes = keyPrefixes
        self.sources = sources
        self.poller = poller
        self.inbox = inbox
        self.readOnly = readOnly
        self.demo = demo
    }

    /// Starts `effect` (theme and quit effects are the loop's own).
    public func run(_ effect: DashboardEffect) {
        switch effect {
        case .quit, .applyTheme:
            break
        case .refreshNow:
            let poller = poller
            let inbox = inbox
            Task.detached { inbox.post(.snapshot(await poller.sampleAll())) }
        case .loadKeys(let backend, let filter):
            loadKeys(backend, filter)
        case .loadDetails(let backend, let key):
            guard let source = source(backend) else { return }
            reading?.cancel()
            let inbox = inbox
            let kindPrefix = keyPrefixes.indices.contains(backend) ? keyPrefixes[backend] : nil
            reading = Task.detached {
                do {
                    let details = try await source.details(of: key, maxBytes: 4096, kindPrefix: kindPrefix)
                    inbox.post(.detailsLoaded(key: key, details: details))
                } catch {
                    inbox.post(.detailsFailed(key: key, error: ErrorText.oneLine(error)))
                }
            }
        case .count(let change):
            count(change)
        case .run(let change, let expected):
            perform(change, expected: expected)
        case .cancelJob:
            runningJob?.cancel()
            running?.cancel()
        case .traffic(let command):
            guard let demo else { return }
            let inbox = inbox
            Task.detached { inbox.post(.notice(await demo.perform(command), role: .text)) }
        }
    }

    /// Stops everything in flight (on quit).
    public func cancelAll() {
        for task in [loading, reading, counting, running] { task?.cancel() }
        countJob?.cancel()
        runningJob?.cancel()
    }

    private func source(_ index: Int) -> (any CacheSource)? {
        sources.indices.contains(index) ? sources[index] : nil
    }

    private func loadKeys(_ backend: Int, _ filter: KeyMatch) {
        guard let source = source(backend) else { return }
        loading?.cancel()
        let inbox = inbox
        let capacity = windowCapacity
        loading = Task.detached {
            var lastPost = ContinuousClock.now - .seconds(1)
            do {
                // The first batch shows at once; later ones at most ten times a second, then the complete window.
                _ = try await KeyWindow.load(from: source, matching: filter, capacity: capacity) { window in
                    guard !Task.isCancelled else { return false }
                    if !window.complete, ContinuousClock.now - lastPost < .milliseconds(100) { return true }
                    lastPost = ContinuousClock.now
                    inbox.post(.keysLoaded(backend: backend, filter: filter, window: window))
                    return true
                }
            } catch {
                guard !Task.isCancelled else { return }
                inbox.post(.keysFailed(backend: backend, error: ErrorText.oneLine(error)))
            }
        }
    }

    private func count(_ change: PendingChange) {
        counting?.cancel()
        countJob?.cancel()
        let inbox = inbox
        switch change {
        case .invalidatePrefix(let backend, let prefix):
            guard let source = source(backend) else { return }
            do {
                let job = try DeletionJob(on: source, .prefix(prefix, dryRun: true), readOnly: readOnly)
                countJob = job
                counting = Task.detached {
                    for await event in job.events {
                        switch event {
                        case .progress(let progress, _):
                            inbox.post(.matchCount(change: change, count: .counting(soFar: progress.matched)))
                        case .finished(let result):
                            if let error = result.error {
                                inbox.post(.matchCount(change: change, count: .failed(error)))
                            } else if !result.cancelled {
                                inbox.post(.matchCount(change: change, count: .counted(result.totals.matched, more: false)))
                            }
                        }
                    }
                }
            } catch {
                inbox.post(.matchCount(change: change, count: .failed(ErrorText.oneLine(error))))
            }
        case .invalidateRoute(let backend, let path, let keyPrefix):
            guard let source = source(backend) else { return }
            counting = Task.detached {
                do {
                    let keys = try await FlaskCachingActions.routeKeys(path: path, prefix: keyPrefix, on: source)
                    inbox.post(.matchCount(change: change, count: .counted(keys.count, more: false)))
                } catch {
                    inbox.post(.matchCount(change: change, count: .failed(ErrorText.oneLine(error))))
                }
            }
        default:
            break
        }
    }

    private func perform(_ change: PendingChange, expected: Int?) {
        let inbox = inbox
        guard !readOnly else {
            inbox.post(.jobFinished(message: ReadOnlyRefusal().description, deletedKeys: [], failed: true))
            return
        }
        let name = change.backend.flatMap { source($0)?.name } ?? "demo"
        if let backend = change.backend, source(backend) == nil {
            inbox.post(.jobFinished(message: "no backend #\(backend + 1)", deletedKeys: [], failed: true))
            return
        }
        switch change {
        case .deleteKey(let backend, let key):
            runDeletion(.keys([key]), on: sources[backend]) { result in
                let text = "'\(KeyEscaping.escape(key))'"
                return result.totals.deleted > 0 ? ("deleted key \(text) on \(name) in \(DurationText.latency(result.elapsed))", [key])
                    : ("key \(text) was already gone on \(name); nothing deleted", [key])
            }
        case .invalidatePrefix(let backend, let prefix):
            runDeletion(.prefix(prefix, dryRun: false), on: sources[backend]) { result in
                let what = "\(HumanUnits.count(result.totals.deleted)) keys under '\(KeyEscaping.escape(prefix))' on \(name)"
                return result.cancelled ? ("stopped: deleted \(what) before the stop (\(DurationText.latency(result.elapsed)))", [])
                    : ("deleted \(what) in \(DurationText.latency(result.elapsed))", [])
            }
        case .invalidateRoute(let backend, let path, let keyPrefix):
            let source = sources[backend]
            running = Task.detached { [weak self] in
                do {
                    let keys = try await FlaskCachingActions.routeKeys(path: path, prefix: keyPrefix, on: source)
                    await self?.runDeletion(.keys(keys), on: source) { result in
                        ("deleted \(HumanUnits.count(result.totals.deleted)) keys of route '\(path)' on \(name) in \(DurationText.latency(result.elapsed))", keys)
                    }
                } catch {
                    inbox.post(.jobFinished(message: "invalidating route '\(path)' failed: \(ErrorText.oneLine(error))", deletedKeys: [], failed: true))
                }
            }
        case .invalidateMemoized(let backend, let function, let keyPrefix):
            let source = sources[backend]
            running = Task.detached {
                let started = ContinuousClock.now
                do {
                    let outcome = try await FlaskCachingActions.invalidateMemoized(function: function, prefix: keyPrefix, sweep: false, on: source)
                    let took = DurationText.latency(ContinuousClock.now - started)
                    let text = outcome.versionDeleted
                        ? "invalidated memoized '\(function)' on \(name): version key deleted, every cached result is stale (\(took))"
                        : "memoized '\(function)' had no version key on \(name): nothing cached under it"
                    inbox.post(.jobFinished(message: text, deletedKeys: [FlaskCachingActions.versionKey(function: function, prefix: keyPrefix)], failed: false))
                } catch {
                    inbox.post(.jobFinished(message: "invalidating '\(function)' failed: \(ErrorText.oneLine(error))", deletedKeys: [], failed: true))
                }
            }
        case .setTTL(let backend, let key, let seconds):
            let source = sources[backend]
            running = Task.detached {
                let text = "'\(KeyEscaping.escape(key))'"
                do {
                    let existed = try await source.setExpiry(of: key, milliseconds: seconds.map { Int64($0) * 1000 })
                    let message = !existed ? "key \(text) is gone on \(name); nothing changed"
                        : seconds.map { "key \(text) now expires in \(HumanUnits.countdown(milliseconds: Int64($0) * 1000))" } ?? "key \(text) now never expires"
                    inbox.post(.jobFinished(message: message, deletedKeys: existed ? [] : [key], failed: false))
                } catch {
                    inbox.post(.jobFinished(message: "setting the TTL of \(text) failed: \(ErrorText.oneLine(error))", deletedKeys: [], failed: true))
                }
            }
        case .clearDemoCache:
            guard let demo else {
                inbox.post(.jobFinished(message: "no demo cache to clear", deletedKeys: [], failed: true))
                return
            }
            running = Task.detached {
                do {
                    let removed = try await demo.clearCache()
                    inbox.post(.jobFinished(message: "cleared the demo cache: \(HumanUnits.count(removed)) keys removed", deletedKeys: [], failed: false))
                } catch {
                    inbox.post(.jobFinished(message: "clearing the demo cache failed: \(ErrorText.oneLine(error))", deletedKeys: [], failed: true))
                }
            }
        }
    }

    /// Runs a deletion job, forwarding its progress; `describe` turns the result into the result line and
    /// the keys known deleted.
    private func runDeletion(
        _ work: DeletionJob.Work, on source: any CacheSource,
        describe: @escaping @Sendable (DeletionJobResult) -> (String, [[UInt8]])
    ) {
        let inbox = inbox
        do {
            let job = try DeletionJob(on: source, work, readOnly: readOnly)
            runningJob = job
            running = Task.detached {
                for await event in job.events {
                    switch event {
                    case .progress(let progress, let elapsed):
                        inbox.post(.jobProgress(progress, elapsed: elapsed))
                    case .finished(let result):
                        if let error = result.error {
                            inbox.post(.jobFinished(message: "failed after deleting \(HumanUnits.count(result.totals.deleted)) keys: \(error)", deletedKeys: [], failed: true))
                        } else {
                            let (text, keys) = describe(result)
                            inbox.post(.jobFinished(message: text, deletedKeys: keys, failed: false))
                        }
                    }
                }
            }
        } catch {
            inbox.post(.jobFinished(message: ErrorText.oneLine(error), deletedKeys: [], failed: true))
        }
    }

}
