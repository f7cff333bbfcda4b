import Basics

// The poller's scheduler: one task that starts every backend's samples and health readings when they are due,
// enforces their deadlines and sleeps until the next is due.
extension Poller {
    /// Every backend's samples and health readings from one task: each is started when due, as a task of its
    /// own (a slow or dead backend never delays another), and the scheduler sleeps until the next is due — one
    /// timer for the whole fleet instead of one per backend. Due times within a few milliseconds of each other
    /// are started together, so backends sampled together stay together.
    func schedule() async {
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
                // Read field by field: a copy of the state (its histories, its health) per backend per wake
                // would cost more than the scheduling.
                guard let state = states[slot] else { continue }
                let status = state.snapshot.status
                let focused = state.snapshot.id == healthFocus
                // A source whose samples can carry the attention reading gets it with the sample it is due at
                // (no round trip of its own); the health screen's full readings stay separate.
                let folds = state.attentionSampler != nil && !focused && configuration.healthInterval != nil
                let healthDue = readingHealth[slot] == nil && nextHealth[slot].map { $0 <= now } ?? true
                if sampling[slot] == nil {
                    if let due = state.nextAttempt, due > now {
                        dues.append(due)
                    } else {
                        let withAttention = folds && status == .up && healthDue
                        if withAttention, let pause = configuration.healthInterval { nextHealth[slot] = now.advanced(by: pause) }
                        launchSample(slot, withAttention: withAttention)
                        dues.append(now.advanced(by: configuration.timeout))
                    }
                }
                guard !folds, status == .up, readingHealth[slot] == nil, state.snapshot.backend.health != nil else { continue }
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
    func wake() {
        schedulerWait?.cancel()
    }

    /// Wakes the scheduler when `due` comes before the time it sleeps until.
    func wake(by due: C.Instant?) {
        guard let due, let planned = plannedWake, due < planned else { return }
        wake()
    }

    /// Starts one backend's sample, with its attention reading in the same round trip when asked (the
    /// source is an ``AttentionSamplingSource``).
    func launchSample(_ slot: Int, withAttention: Bool = false) {
        guard let state = states[slot] else { return }
        let sampler = withAttention ? state.attentionSampler : nil
        let backend = state.snapshot.backend
        let began = clock.now
        let current = (attempt[slot] ?? 0) + 1
        attempt[slot] = current
        samplingSince[slot] = began
        wake(by: began.advanced(by: configuration.timeout))
        let clock = clock
        sampling[slot] = Task {
            let (result, attention) = await Self.take(backend, with: sampler, timeout: nil, clock: clock)
            self.sampleFinished(slot, attempt: current, result, began: began, attention: attention)
        }
    }

    /// A sample that passed its deadline: cancelled, and recorded as a failure.
    func giveUp(_ slot: Int, began: C.Instant) {
        sampling.removeValue(forKey: slot)?.cancel()
        samplingSince[slot] = nil
        attempt[slot] = (attempt[slot] ?? 0) + 1
        _ = record(slot, .failure(MonitorError.deadlineExceeded(configuration.timeout)), began: began)
        if refreshing.remove(slot) != nil { publishNow() }
    }

    func sampleFinished(
        _ slot: Int, attempt finished: Int, _ result: Result<SourceSample, any Error>, began: C.Instant,
        attention: Result<AttentionReading, any Error>? = nil
    ) {
        // Given up on at its deadline, or the backend was removed meanwhile.
        guard attempt[slot] == finished, states[slot] != nil else { return }
        _ = record(slot, result, began: began)
        if let attention { recordHealth(slot, attention, scope: .attention) }
        sampling[slot] = nil
        samplingSince[slot] = nil
        if refreshing.remove(slot) != nil { publishNow() }
        wake(by: states[slot]?.nextAttempt)
    }

    /// Reads one backend's health — fully while it is in focus (its health screen is open), else for the
    /// attention rules — and plans the next reading.
    func launchHealth(_ slot: Int, focused: Bool) {
        readingHealth[slot] = Task {
            await self.readHealthOnce(slot, scope: focused ? .full : .attention)
            self.healthFinished(slot, focused: focused)
        }
    }

    func healthFinished(_ slot: Int, focused: Bool) {
        readingHealth[slot] = nil
        guard states[slot] != nil else { return }
        let pause = focused ? configuration.interval : configuration.healthInterval ?? configuration.interval
        // A change of focus meanwhile asks for a reading now.
        nextHealth[slot] = healthAskedAgain.remove(slot) == nil ? clock.now.advanced(by: pause) : nil
        if focused { publishNow() }
        wake(by: nextHealth[slot])
    }
}
