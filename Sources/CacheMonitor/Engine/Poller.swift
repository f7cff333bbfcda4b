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

    private struct SourceState {
        var snapshot: BackendSnapshot
        var previous: (sample: SourceSample, at: C.Instant)?
        var failures = 0
        var nextAttempt: C.Instant?
        var health: HealthTracker
    }

    package let configuration: Configuration
    private let clock: C
    private let started: C.Instant
    /// Each backend's state by its slot (slots are never reused), and the slots in display order.
    private var states: [Int: SourceState] = [:]
    private var order: [Int] = []
    private var nextSlot = 0
    /// The scheduler and the publishing task, while running.
    private var tasks: [Task<Void, Never>] = []
    private var running = false
    /// The samples and health readings under way, by slot; when each sample began, and the attempt it is (a
    /// sample the scheduler gave up on at its deadline records nothing when it ends after all).
    private var sampling: [Int: Task<Void, Never>] = [:]
    private var samplingSince: [Int: C.Instant] = [:]
    private var attempt: [Int: Int] = [:]
    private var readingHealth: [Int: Task<Void, Never>] = [:]
    /// When each backend's health is next read (for the attention rules; every interval while in focus), and
    /// the backends whose focus changed while their health was being read (read again at once).
    private var nextHealth: [Int: C.Instant] = [:]
    private var healthAskedAgain: Set<Int> = []
    /// The scheduler's wait until the next sample or reading is due (which ``refreshNow()``, a change of focus,
    /// a new backend or an earlier due time cuts short), and when it ends.
    private var schedulerWait: Task<Void, Never>?
    private var plannedWake: C.Instant?
    /// Backends woken by ``refreshNow()`` whose sample is not recorded yet: each one recorded publishes.
    private var refreshing: Set<Int> = []
    /// The backend whose health is read fully every interval (its health screen is open).
    private var healthFocus: BackendID?
    private var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
    private var nextSubscriber = 0

    package init(backends: [MonitoredBackend], configuration: Configuration = .init(), clock: C) {
        self.configuration = configuration
        self.clock = clock
        started = clock.now
        for (slot, backend) in backends.enumerated() {
            states[slot] = SourceState(
                snapshot: BackendSnapshot(backend: backend, historyLength: configuration.historyLength),
                health: HealthTracker(thresholds: configuration.attention))
        }
        order = Array(backends.indices)
        nextSlot = backends.count
    }

    /// The backends watched now, in display order.
    package var backends: [MonitoredBackend] { order.compactMap { states[$0]?.snapshot.backend } }

    /// Watches `backends` too (found by discovery while running): sampled from now on, after the others.
    package func add(_ backends: [MonitoredBackend]) {
        for backend in backends where !states.values.contains(where: { $0.snapshot.id == backend.id }) { insert(backend) }
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
            if let state = states.removeValue(forKey: slot) { removed.append(state.snapshot.backend) }
        }
        order.removeAll { states[$0] == nil }
        if !removed.isEmpty, running { publishNow() }
        return removed
    }

    @discardableResult
    private func insert(_ backend: MonitoredBackend) -> Int {
        let slot = nextSlot
        nextSlot += 1
        states[slot] = SourceState(
            snapshot: BackendSnapshot(backend: backend, historyLength: configuration.historyLength),
            health: HealthTracker(thresholds: configuration.attention))
        order.append(slot)
        return slot
    }

    /// Every backend as last seen.
    package var current: Snapshot {
        let now = clock.now
        return Snapshot(
            backends: order.compactMap { states[$0] }.map { state in
                var snapshot = state.snapshot
                if snapshot.status != .up, let next = state.nextAttempt { snapshot.retryIn = max(0, now.duration(to: next).inSeconds) }
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
                    if health, await self.states[slot]?.snapshot.status == .up { await self.readHealthOnce(slot, scope: .attention) }
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
                    guard await self.states[slot]?.snapshot.status == .up else { return }
                    let next = began.advanced(by: interval)
                    if clock.now < next { try? await clock.sleep(until: next, tolerance: nil) }
                    await self.sampleOnce(slot)
                    if health, await self.states[slot]?.snapshot.status == .up { await self.readHealthOnce(slot, scope: .attention) }
                }
            }
        }
        return current
    }

    /// Reads the health of `backend` fully every interval from now on (its health screen opened), and only
    /// for the attention rules again once another one (or none) is in focus.
    package func focusHealth(on backend: BackendID?) {
        guard backend != healthFocus else { return }
        let previous = healthFocus
        healthFocus = backend
        for (index, state) in states where state.snapshot.id == backend || state.snapshot.id == previous {
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

    // MARK: sampling

    /// Every backend's samples and health readings from one task: each is started when due, as a task of its
    /// own (a slow or dead backend never delays another), and the scheduler sleeps until the next is due — one
    /// timer for the whole fleet instead of one per backend. Due times within a few milliseconds of each other
    /// are started together, so backends sampled together stay together.
    private func schedule() async {
        let slack = min(Duration.milliseconds(50), configuration.interval / 10)
        while !Task.isCancelled, running {
            let now = clock.now
            // Every instant something is due after now: samples, health readings, deadlines.
            var dues: [C.Instant] = []
            // Samples past their deadline end as failures now (the scheduler's timer is their deadline: no
            // timer per sample).
            for (slot, began) in samplingSince {
                let deadline = began.advanced(by: configuration.timeout)
                if deadline <= now { giveUp(slot, began: began) } else { dues.append(deadline) }
            }
            for slot in order {
                guard let state = states[slot] else { continue }
                if sampling[slot] == nil {
                    if let due = state.nextAttempt, due > now {
                        dues.append(due)
                    } else {
                        launchSample(slot)
                        dues.append(now.advanced(by: configuration.timeout))
                    }
                }
                guard state.snapshot.backend.health != nil, readingHealth[slot] == nil, state.snapshot.status == .up else { continue }
                let focused = state.snapshot.id == healthFocus
                guard focused || configuration.healthInterval != nil else { continue }
                if let due = nextHealth[slot], due > now { dues.append(due) } else { launchHealth(slot, focused: focused) }
            }
            // Wake at the end of the first cluster of due times (never before any of them: nothing starts
            // early), so backends that came due within a few milliseconds start together.
            let earliest = dues.min() ?? now.advanced(by: configuration.interval)
            let next = dues.filter { $0 <= earliest.advanced(by: slack) }.max() ?? earliest
            plannedWake = next
            let clock = clock
            let wait = Task { if clock.now < next { _ = try? await clock.sleep(until: next, tolerance: nil) } }
            schedulerWait = wait
            await withTaskCancellationHandler {
                await wait.value
            } onCancel: {
                wait.cancel()
            }
            schedulerWait = nil
            plannedWake = nil
        }
    }

    /// Cuts the scheduler's sleep short: something is due now.
    private func wake() {
        schedulerWait?.cancel()
    }

    /// Wakes the scheduler when `due` comes before the time it sleeps until.
    private func wake(by due: C.Instant?) {
        guard let due, let planned = plannedWake, due < planned else { return }
        wake()
    }

    private func launchSample(_ slot: Int) {
        guard let source = states[slot]?.snapshot.backend.source else { return }
        let began = clock.now
        let current = (attempt[slot] ?? 0) + 1
        attempt[slot] = current
        samplingSince[slot] = began
        wake(by: began.advanced(by: configuration.timeout))
        sampling[slot] = Task {
            let result: Result<SourceSample, any Error>
            do {
                result = .success(try await source.sample())
            } catch {
                result = .failure(error)
            }
            self.sampleFinished(slot, attempt: current, result, began: began)
        }
    }

    /// A sample that passed its deadline: cancelled, and recorded as a failure.
    private func giveUp(_ slot: Int, began: C.Instant) {
        sampling.removeValue(forKey: slot)?.cancel()
        samplingSince[slot] = nil
        attempt[slot] = (attempt[slot] ?? 0) + 1
        _ = record(slot, .failure(MonitorError.deadlineExceeded(configuration.timeout)), began: began)
        if refreshing.remove(slot) != nil { publishNow() }
    }

    private func sampleFinished(_ slot: Int, attempt finished: Int, _ result: Result<SourceSample, any Error>, began: C.Instant) {
        // Given up on at its deadline, or the backend was removed meanwhile.
        guard attempt[slot] == finished, states[slot] != nil else { return }
        _ = record(slot, result, began: began)
        sampling[slot] = nil
        samplingSince[slot] = nil
        if refreshing.remove(slot) != nil { publishNow() }
        wake(by: states[slot]?.nextAttempt)
    }

    /// Reads one backend's health — fully while it is in focus (its health screen is open), else for the
    /// attention rules — and plans the next reading.
    private func launchHealth(_ slot: Int, focused: Bool) {
        readingHealth[slot] = Task {
            await self.readHealthOnce(slot, scope: focused ? .full : .attention)
            self.healthFinished(slot, focused: focused)
        }
    }

    private func healthFinished(_ slot: Int, focused: Bool) {
        readingHealth[slot] = nil
        guard states[slot] != nil else { return }
        let pause = focused ? configuration.interval : configuration.healthInterval ?? configuration.interval
        // A change of focus meanwhile asks for a reading now.
        nextHealth[slot] = healthAskedAgain.remove(slot) == nil ? clock.now.advanced(by: pause) : nil
        if focused { publishNow() }
        wake(by: nextHealth[slot])
    }

    /// Reads one backend's health (within the timeout) and records it.
    private func readHealthOnce(_ index: Int, scope: HealthScope) async {
        guard let backend = states[index]?.snapshot.backend, let source = backend.health else { return }
        do {
            let reading = try await withDeadline(configuration.timeout, clock: clock) {
                try await backend.using([.health]) { try await source.readHealth(scope) }
            }
            let now = started.duration(to: clock.now).inSeconds
            states[index]?.health.record(
                reading.servers, missing: reading.missing, scope: scope, now: now, unixTime: UnixTime.now, own: { source.ownCommandCounts(on: $0) })
        } catch {
            states[index]?.health.recordFailure(ErrorText.oneLine(error), now: started.duration(to: clock.now).inSeconds)
        }
        if let health = states[index]?.health.health { states[index]?.snapshot.health = health }
    }

    /// Samples one source and records the outcome; returns when to sample it next.
    @discardableResult
    private func sampleOnce(_ index: Int) async -> C.Instant {
        guard let source = states[index]?.snapshot.backend.source else { return clock.now.advanced(by: configuration.interval) }
        let began = clock.now
        let result: Result<SourceSample, any Error>
        do {
            result = .success(try await withDeadline(configuration.timeout, clock: clock) { try await source.sample() })
        } catch {
            result = .failure(error)
        }
        return record(index, result, began: began)
    }

    private func record(_ index: Int, _ result: Result<SourceSample, any Error>, began: C.Instant) -> C.Instant {
        let now = clock.now
        // A backend removed while it was sampled.
        guard var state = states[index] else { return now.advanced(by: configuration.interval) }
        state.snapshot.sampledAt = started.duration(to: now).inSeconds
        switch result {
        case .success(let sample):
            // Connected again: the server, its user or its settings may have changed since it answered.
            if state.snapshot.status == .down || state.snapshot.status == .authFailed {
                state.snapshot.backend.answers.forgetAll()
                (state.snapshot.backend.source as? any LearningSource)?.forgetLearned()
            }
            state.snapshot.kind = state.snapshot.backend.source.kind
            let rates = state.previous.map { BackendRates(from: $0.sample, to: sample, seconds: $0.at.duration(to: now).inSeconds) }
            state.snapshot.status = .up
            state.snapshot.error = nil
            state.snapshot.sample = sample
            state.snapshot.rates = rates
            state.snapshot.retryIn = nil
            state.snapshot.hitRatioHistory.append(rates?.hitRatio)
            state.snapshot.operationsHistory.append(rates?.operationsPerSecond)
            state.snapshot.memoryHistory.append(sample.memoryBytes.map { Double($0) })
            state.previous = (sample, now)
            state.failures = 0
            state.nextAttempt = began.advanced(by: configuration.interval)
        case .failure(let error):
            state.failures += 1
            state.snapshot.status = state.snapshot.backend.source.isAuthenticationFailure(error) ? .authFailed : .down
            state.snapshot.error = ErrorText.oneLine(error)
            state.snapshot.rates = nil
            state.snapshot.hitRatioHistory.append(nil)
            state.snapshot.operationsHistory.append(nil)
            state.snapshot.memoryHistory.append(nil)
            state.nextAttempt = now.advanced(by: backoff(afterFailures: state.failures))
        }
        states[index] = state
        return state.nextAttempt ?? now.advanced(by: configuration.interval)
    }

    /// The interval, doubled per consecutive failure, at most `maxBackoff`.
    nonisolated func backoff(afterFailures failures: Int) -> Duration {
        var wait = configuration.interval
        for _ in 1..<max(1, failures) where wait < configuration.maxBackoff { wait *= 2 }
        return min(wait, configuration.maxBackoff)
    }

    private func publish() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.interval) } catch { return }
            publishNow()
        }
    }

    private func publishNow() {
        let snapshot = current
        for continuation in subscribers.values { continuation.yield(snapshot) }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }
}

extension Poller where C == ContinuousClock {
    /// A poller on the real clock.
    package init(backends: [MonitoredBackend], configuration: Configuration = .init()) {
        self.init(backends: backends, configuration: configuration, clock: ContinuousClock())
    }
}
