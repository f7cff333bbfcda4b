import Basics

/// Watches every backend at once and publishes immutable ``Snapshot``s.
///
/// Each backend is sampled by a task of its own, every `interval`, with its own `timeout`: a slow or dead
/// backend never delays another's sample. A backend that fails is `down` (or `auth_failed`) as soon as its
/// sample fails or times out, is retried with a backoff that doubles up to `maxBackoff`, and is `up` again
/// by itself when a sample succeeds. Rates come from the last two successful samples; counter resets
/// never make them negative (``BackendRates``). Time comes from the injected clock, so tests drive it.
package actor Poller<C: Clock> where C.Duration == Duration {
    /// How often and how patiently to sample.
    package struct Configuration: Sendable {
        /// Time between two samples of a backend (and between two snapshots).
        package var interval: Duration
        /// How long one sample may take before the backend counts as down.
        package var timeout: Duration
        /// The longest wait between retries of a down backend.
        package var maxBackoff: Duration
        /// How many values each history keeps.
        package var historyLength: Int
        /// Time between two readings of a server's health for the attention rules (the backend whose
        /// health is in focus is read fully every `interval`); `nil` reads no health unless focused.
        package var healthInterval: Duration?
        /// Where the attention rules draw their lines.
        package var attention: AttentionThresholds

        package init(
            interval: Duration = .seconds(1), timeout: Duration = .seconds(2), maxBackoff: Duration = .seconds(5), historyLength: Int = 300,
            healthInterval: Duration? = .seconds(5), attention: AttentionThresholds = AttentionThresholds()
        ) {
            self.interval = interval
            self.timeout = timeout
            self.maxBackoff = maxBackoff
            self.historyLength = historyLength
            self.healthInterval = healthInterval
            self.attention = attention
        }
    }

    /// One backend's state. A class: the scheduler reads a field or two of every backend on every wake, and
    /// the poller is generic over its clock, so a struct would be copied whole (histories, health) for each read.
    final class SourceState {
        var snapshot: BackendSnapshot
        var previous: (sample: SourceSample, at: C.Instant)?
        var failures = 0
        var nextAttempt: C.Instant?
        var health: HealthTracker
        /// The last hour of readings, and what the forecasts over it say now.
        var trend = TrendWindow()
        var forecasts: [Attention] = []
        /// The source, when its samples can carry the attention reading (no round trip of its own).
        let attentionSampler: (any AttentionSamplingSource)?

        init(snapshot: BackendSnapshot, health: HealthTracker) {
            self.snapshot = snapshot
            self.health = health
            attentionSampler = snapshot.backend.source as? any AttentionSamplingSource
        }
    }

    package let configuration: Configuration
    let clock: C
    let started: C.Instant
    /// Each backend's state by its slot (slots are never reused: a removed backend leaves `nil`), and the slots
    /// in display order.
    var states: [SourceState?] = []
    var order: [Int] = []
    /// The scheduler and the publishing task, while running.
    var tasks: [Task<Void, Never>] = []
    var running = false
    /// The samples and health readings under way, by slot; when each sample began, and the attempt it is (a
    /// sample the scheduler gave up on at its deadline records nothing when it ends after all).
    var sampling: [Int: Task<Void, Never>] = [:]
    var samplingSince: [Int: C.Instant] = [:]
    var attempt: [Int: Int] = [:]
    var readingHealth: [Int: Task<Void, Never>] = [:]
    /// When each backend's health is next read (for the attention rules; every interval while in focus), and
    /// the backends whose focus changed while their health was being read (read again at once).
    var nextHealth: [Int: C.Instant] = [:]
    var healthAskedAgain: Set<Int> = []
    /// The scheduler's wait until the next sample or reading is due (which ``refreshNow()``, a change of focus,
    /// a new backend or an earlier due time cuts short), and when it ends.
    var schedulerWait: Task<Void, Never>?
    var plannedWake: C.Instant?
    /// Backends woken by ``refreshNow()`` whose sample is not recorded yet: each one recorded publishes.
    var refreshing: Set<Int> = []
    /// The backend whose health is read fully every interval (its health screen is open).
    var healthFocus: BackendID?
    var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
    var nextSubscriber = 0

    package init(backends: [MonitoredBackend], configuration: Configuration = .init(), clock: C) {
        self.configuration = configuration
        self.clock = clock
        started = clock.now
        states = backends.map { backend in
            SourceState(
                snapshot: BackendSnapshot(backend: backend, historyLength: configuration.historyLength),
                health: HealthTracker(thresholds: configuration.attention))
        }
        order = Array(backends.indices)
    }

    /// The backends watched now, in display order.
    package var backends: [MonitoredBackend] { order.compactMap { states[$0]?.snapshot.backend } }

    /// Watches `backends` too (found by discovery while running): sampled from now on, after the others.
    package func add(_ backends: [MonitoredBackend]) {
        for backend in backends where !states.contains(where: { $0?.snapshot.id == backend.id }) { insert(backend) }
        if running {
            wake()
            publishNow()
        }
    }

    /// Stops watching the backends with `ids` (gone from their discovery); returns them, for their sources
    /// to be closed.
    @discardableResult
    package func remove(_ ids: Set<BackendID>) -> [MonitoredBackend] {
        var removed: [MonitoredBackend] = []
        for slot in order where ids.contains(states[slot]?.snapshot.id ?? BackendID(-1)) {
            sampling.removeValue(forKey: slot)?.cancel()
            samplingSince[slot] = nil
            readingHealth.removeValue(forKey: slot)?.cancel()
            nextHealth[slot] = nil
            healthAskedAgain.remove(slot)
            refreshing.remove(slot)
            if let state = states[slot] { removed.append(state.snapshot.backend) }
            states[slot] = nil
        }
        order.removeAll { states[$0] == nil }
        if !removed.isEmpty, running { publishNow() }
        return removed
    }

    @discardableResult
    func insert(_ backend: MonitoredBackend) -> Int {
        let slot = states.count
        states.append(
            SourceState(
                snapshot: BackendSnapshot(backend: backend, historyLength: configuration.historyLength),
                health: HealthTracker(thresholds: configuration.attention)))
        order.append(slot)
        return slot
    }

    /// Every backend as last seen.
    package var current: Snapshot {
        let now = clock.now
        return Snapshot(
            backends: order.compactMap { slot -> BackendSnapshot? in
                guard var snapshot = states[slot]?.snapshot else { return nil }
                if snapshot.status != .up, let next = states[slot]?.nextAttempt { snapshot.retryIn = max(0, now.duration(to: next).inSeconds) }
                return snapshot
            },
            takenAt: started.duration(to: now).inSeconds
        )
    }

    /// Starts sampling (once) and returns a stream with the current snapshot, then one per interval, until
    /// ``stop()`` or the consumer stops listening.
    package func snapshots() -> AsyncStream<Snapshot> {
        start()
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        continuation.yield(current)
        return stream
    }

    /// Starts the scheduler (one task for every backend's samples and health readings) and the publishing
    /// task; does nothing when already running.
    package func start() {
        guard !running else { return }
        running = true
        tasks.append(Task { await self.schedule() })
        tasks.append(Task { await self.publish() })
    }

    /// Stops sampling and ends every stream.
    package func stop() {
        running = false
        for task in tasks + Array(sampling.values) + Array(readingHealth.values) { task.cancel() }
        tasks = []
        sampling = [:]
        samplingSince = [:]
        readingHealth = [:]
        schedulerWait?.cancel()
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    /// Samples every backend once, now and concurrently (each with the timeout), and returns the snapshot —
    /// for one-shot reports, while no sampling tasks run. Two calls an interval apart give rates. With
    /// `health`, each backend with servers also has its health read for the attention rules.
    package func sampleAll(health: Bool = false) async -> Snapshot {
        await withTaskGroup(of: Void.self) { group in
            for slot in order {
                group.addTask {
                    await self.sampleOnce(slot)
                    if health, await self.isUp(slot) { await self.readHealthOnce(slot, scope: .attention) }
                }
            }
        }
        return current
    }

    /// Samples every backend twice, `interval` apart, each on its own, and returns the snapshot (rates from
    /// the two samples) — `cachescope snapshot`. A backend that did not answer the first sample is not asked
    /// again: a dead or hung one costs its timeout once, beside the others' interval, never twice. With
    /// `health`, each backend up has its health read once after its second sample, for the attention rules.
    package func sampleTwice(interval: Duration, health: Bool = false) async -> Snapshot {
        await withTaskGroup(of: Void.self) { group in
            for slot in order {
                group.addTask {
                    let clock = self.clock
                    let began = clock.now
                    await self.sampleOnce(slot)
                    guard await self.isUp(slot) else { return }
                    let next = began.advanced(by: interval)
                    if clock.now < next { try? await clock.sleep(until: next, tolerance: nil) }
                    // The health comes with the second sample where the source can read both at once.
                    let folded = health ? await self.foldsAttention(slot) : false
                    await self.sampleOnce(slot, withAttention: folded)
                    if health, !folded, await self.isUp(slot) { await self.readHealthOnce(slot, scope: .attention) }
                }
            }
        }
        return current
    }

    /// Whether `slot`'s samples can carry its attention reading.
    func foldsAttention(_ slot: Int) -> Bool { states[slot]?.attentionSampler != nil }

    /// Reads the health of `backend` fully every interval from now on (its health screen opened), and only
    /// for the attention rules again once another one (or none) is in focus.
    package func focusHealth(on backend: BackendID?) {
        guard backend != healthFocus else { return }
        let previous = healthFocus
        healthFocus = backend
        for index in states.indices where states[index]?.snapshot.id == backend || states[index]?.snapshot.id == previous {
            nextHealth[index] = nil
            if readingHealth[index] != nil { healthAskedAgain.insert(index) }
        }
        wake()
    }

    /// Wakes every sampling task that waits for its next sample, so each backend is sampled now and its
    /// schedule goes on from there; a snapshot is published as each of those samples is recorded. A backend
    /// being sampled at this moment is left to finish. Does nothing while the poller is not running.
    package func refreshNow() {
        guard running else { return }
        for slot in order where sampling[slot] == nil {
            states[slot]?.nextAttempt = nil
            refreshing.insert(slot)
        }
        wake()
    }

    func publish() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.interval) } catch { return }
            publishNow()
        }
    }

    func publishNow() {
        let snapshot = current
        for continuation in subscribers.values { continuation.yield(snapshot) }
    }

    func isUp(_ slot: Int) -> Bool { states[slot]?.snapshot.status == .up }

    func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }
}

extension Poller where C == ContinuousClock {
    /// A poller on the real clock.
    package init(backends: [MonitoredBackend], configuration: Configuration = .init()) {
        self.init(backends: backends, configuration: configuration, clock: ContinuousClock())
    }
}
