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
    /// Each backend's sampling (and health) tasks, by slot, and the publishing task.
    private var slotTasks: [Int: [Task<Void, Never>]] = [:]
    private var tasks: [Task<Void, Never>] = []
    /// Each sampling task's wait until its next sample, which ``refreshNow()`` cuts short.
    private var waits: [Int: Task<Void, Never>] = [:]
    /// Backends woken by ``refreshNow()`` whose sample is not recorded yet: each one recorded publishes.
    private var refreshing: Set<Int> = []
    /// Each health task's wait until its next reading, which a change of focus cuts short.
    private var healthWaits: [Int: Task<Void, Never>] = [:]
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
        for backend in backends where !states.values.contains(where: { $0.snapshot.id == backend.id }) {
            let slot = insert(backend)
            if !tasks.isEmpty { startTasks(slot) }
        }
        if !tasks.isEmpty { publishNow() }
    }

    /// Stops watching the backends with `ids` (gone from their discovery); returns them, for their sources
    /// to be closed.
    @discardableResult
    package func remove(_ ids: Set<BackendID>) -> [MonitoredBackend] {
        var removed: [MonitoredBackend] = []
        for slot in order where ids.contains(states[slot]?.snapshot.id ?? BackendID(-1)) {
            for task in slotTasks[slot] ?? [] { task.cancel() }
            slotTasks[slot] = nil
            waits.removeValue(forKey: slot)?.cancel()
            healthWaits.removeValue(forKey: slot)?.cancel()
            refreshing.remove(slot)
            if let state = states.removeValue(forKey: slot) { removed.append(state.snapshot.backend) }
        }
        order.removeAll { states[$0] == nil }
        if !removed.isEmpty, !tasks.isEmpty { publishNow() }
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

    /// Starts a sampling task per backend and the publishing task; does nothing when already running.
    package func start() {
        guard tasks.isEmpty else { return }
        for slot in order { startTasks(slot) }
        tasks.append(Task { await self.publish() })
    }

    private func startTasks(_ slot: Int) {
        var started = [Task { await self.watch(slot) }]
        if states[slot]?.snapshot.backend.health != nil { started.append(Task { await self.watchHealth(slot) }) }
        slotTasks[slot] = started
    }

    /// Stops sampling and ends every stream.
    package func stop() {
        for task in tasks + slotTasks.values.joined() { task.cancel() }
        tasks = []
        slotTasks = [:]
        for wait in waits.values { wait.cancel() }
        waits = [:]
        for wait in healthWaits.values { wait.cancel() }
        healthWaits = [:]
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
            healthWaits[index]?.cancel()
            healthWaits[index] = nil
        }
    }

    /// Wakes every sampling task that waits for its next sample, so each backend is sampled now and its
    /// schedule goes on from there; a snapshot is published as each of those samples is recorded. A backend
    /// being sampled at this moment is left to finish. Does nothing while the poller is not running.
    package func refreshNow() {
        for (index, wait) in waits {
            refreshing.insert(index)
            wait.cancel()
        }
        waits = [:]
    }

    // MARK: sampling

    private func watch(_ index: Int) async {
        while !Task.isCancelled, states[index] != nil {
            let next = await sampleOnce(index)
            if refreshing.remove(index) != nil { publishNow() }
            // The wait is a task of its own, so `refreshNow()` can end it without ending this loop.
            let clock = clock
            // An instant already reached is not waited for (a clock may suspend until it moves on).
            let wait = Task { if clock.now < next { _ = try? await clock.sleep(until: next, tolerance: nil) } }
            waits[index] = wait
            await withTaskCancellationHandler {
                await wait.value
            } onCancel: {
                wait.cancel()
            }
            waits[index] = nil
        }
    }

    /// Reads one backend's health every `healthInterval` — fully every `interval` while it is in focus — while
    /// it is up; its snapshot carries the outcome.
    private func watchHealth(_ index: Int) async {
        while !Task.isCancelled, let status = states[index]?.snapshot.status {
            let focused = states[index]?.snapshot.id == healthFocus
            if status == .up, focused || configuration.healthInterval != nil {
                await readHealthOnce(index, scope: focused ? .full : .attention)
                if focused { publishNow() }
            }
            let pause = focused || status != .up ? configuration.interval : configuration.healthInterval ?? configuration.interval
            let clock = clock
            let wait = Task { _ = try? await clock.sleep(for: pause) }
            healthWaits[index] = wait
            await withTaskCancellationHandler {
                await wait.value
            } onCancel: {
                wait.cancel()
            }
            healthWaits[index] = nil
        }
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
