import Basics

// What the poller does with an answer: a sample or a health reading recorded into the backend's state (rates,
// histories, status, backoff).
extension Poller {
    /// Reads one backend's health (within the timeout) and records it.
    func readHealthOnce(_ index: Int, scope: HealthScope) async {
        guard let backend = states[index]?.snapshot.backend, let source = backend.health else { return }
        let reading: Result<AttentionReading, any Error>
        do {
            reading = .success(
                try await withDeadline(configuration.timeout, clock: clock) {
                    let read = try await source.readHealth(scope)
                    return AttentionReading(servers: read.servers, missing: read.missing)
                })
        } catch {
            reading = .failure(error)
        }
        recordHealth(index, await Self.checked(reading, of: backend), scope: scope)
    }

    /// A health reading as the backend's answer about its health feature (a refusal kept per server).
    nonisolated static func checked(
        _ reading: Result<AttentionReading, any Error>, of backend: MonitoredBackend
    ) async -> Result<
        AttentionReading, any Error
    > {
        do {
            return .success(try await backend.using([.health]) { try reading.get() })
        } catch {
            return .failure(error)
        }
    }

    /// Records a health reading (or its failure) and the attention it raises.
    func recordHealth(_ index: Int, _ reading: Result<AttentionReading, any Error>, scope: HealthScope) {
        guard let state = states[index], let source = state.snapshot.backend.health else { return }
        let now = started.duration(to: clock.now).inSeconds
        switch reading {
        case .success(let reading):
            state.health.record(
                reading.servers, missing: reading.missing, scope: scope, now: now, unixTime: UnixTime.now, own: { source.ownCommandCounts(on: $0) })
        case .failure(let error):
            state.health.recordFailure(ErrorText.oneLine(error), now: now)
        }
        state.mergeAttention()
    }

    /// Samples one source and records the outcome — with the attention reading in the same round trip when
    /// asked and the source can — and returns when to sample it next.
    @discardableResult
    func sampleOnce(_ index: Int, withAttention: Bool = false) async -> C.Instant {
        guard let state = states[index] else { return clock.now.advanced(by: configuration.interval) }
        let backend = state.snapshot.backend
        let sampler = withAttention ? state.attentionSampler : nil
        let began = clock.now
        let (result, attention) = await Self.take(backend, with: sampler, timeout: configuration.timeout, clock: clock)
        let next = record(index, result, began: began)
        if let attention { recordHealth(index, attention, scope: .attention) }
        return next
    }

    /// One sample of `backend` — with its attention reading in the same round trip when `sampler` is given,
    /// checked as the backend's answer about its health — within `timeout` when one is given.
    nonisolated static func take(
        _ backend: MonitoredBackend, with sampler: (any AttentionSamplingSource)?, timeout: Duration?, clock: C
    ) async -> (sample: Result<SourceSample, any Error>, attention: Result<AttentionReading, any Error>?) {
        do {
            if let sampler {
                let both = try await Self.within(timeout, clock: clock) { try await sampler.sampleWithAttention() }
                return (.success(both.sample), await checked(both.attention, of: backend))
            }
            let source = backend.source
            return (.success(try await Self.within(timeout, clock: clock) { try await source.sample() }), nil)
        } catch {
            return (.failure(error), nil)
        }
    }

    /// `work` within `timeout` on `clock`, or without a deadline of its own (the scheduler's is the deadline).
    private nonisolated static func within<T: Sendable>(
        _ timeout: Duration?, clock: C, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let timeout else { return try await work() }
        return try await withDeadline(timeout, clock: clock, work)
    }

    func record(_ index: Int, _ result: Result<SourceSample, any Error>, began: C.Instant) -> C.Instant {
        let now = clock.now
        let at = started.duration(to: now).inSeconds
        // `nil` for a backend removed while it was sampled.
        let next = states[index]?.record(result, began: began, now: now, at: at, configuration: configuration, backoff: backoff(afterFailures:))
        return next ?? now.advanced(by: configuration.interval)
    }

    /// The interval, doubled per consecutive failure, at most `maxBackoff`.
    nonisolated func backoff(afterFailures failures: Int) -> Duration {
        var wait = configuration.interval
        for _ in 1..<max(1, failures) where wait < configuration.maxBackoff { wait *= 2 }
        return min(wait, configuration.maxBackoff)
    }
}

extension Poller.SourceState {
    /// Records a sample's outcome taken at `now` (`at` seconds since the poller started): rates, histories,
    /// status and backoff. Returns when to sample next.
    func record(
        _ result: Result<SourceSample, any Error>, began: C.Instant, now: C.Instant, at: Double, configuration: Poller<C>.Configuration,
        backoff: (Int) -> Duration
    ) -> C.Instant {
        snapshot.sampledAt = at
        switch result {
        case .success(let sample):
            // Connected again: the server, its user or its settings may have changed since it answered.
            if snapshot.status == .down || snapshot.status == .authFailed {
                snapshot.backend.answers.forgetAll()
                (snapshot.backend.source as? any LearningSource)?.forgetLearned()
            }
            snapshot.kind = snapshot.backend.source.kind
            let rates = previous.map { BackendRates(from: $0.sample, to: sample, seconds: $0.at.duration(to: now).inSeconds) }
            snapshot.status = .up
            snapshot.error = nil
            snapshot.sample = sample
            snapshot.rates = rates
            snapshot.retryIn = nil
            snapshot.hitRatioHistory.append(rates?.hitRatio)
            snapshot.operationsHistory.append(rates?.operationsPerSecond)
            snapshot.memoryHistory.append(sample.memoryBytes.map { Double($0) })
            previous = (sample, now)
            failures = 0
            nextAttempt = began.advanced(by: configuration.interval)
            forecast(sample, at: at, thresholds: configuration.attention)
        case .failure(let error):
            failures += 1
            snapshot.status = snapshot.backend.source.isAuthenticationFailure(error) ? .authFailed : .down
            snapshot.error = ErrorText.oneLine(error)
            snapshot.rates = nil
            snapshot.hitRatioHistory.append(nil)
            snapshot.operationsHistory.append(nil)
            snapshot.memoryHistory.append(nil)
            nextAttempt = now.advanced(by: backoff(failures))
        }
        return nextAttempt ?? now.advanced(by: configuration.interval)
    }

    /// Adds the reading to the last hour and evaluates the forecast rules over it when it became a point of
    /// the window (every ten seconds: a fit over up to 360 points per backend per reading would make a fleet's
    /// idle cost grow with the hour it has run) (for backends whose servers have a health to read: an
    /// in-process cache has neither attention nor forecasts).
    func forecast(_ sample: SourceSample, at seconds: Double, thresholds: AttentionThresholds) {
        guard snapshot.backend.health != nil else { return }
        guard trend.add(TrendWindow.Point(sample, at: seconds)) else {
            mergeAttention()
            return
        }
        let policy = snapshot.health?.servers.lazy.compactMap { $0.memory.value?.policy }.first
        forecasts = Forecasts.evaluate(trend, thresholds: thresholds, policy: policy)
        mergeAttention()
    }

    /// The backend's attention: its last health reading's rules, then the forecasts.
    func mergeAttention() {
        // Nothing to show before the first health reading unless a forecast fires.
        guard health.health.readAt != nil || !forecasts.isEmpty || snapshot.health != nil else { return }
        var merged = health.health
        merged.attention = health.health.attention + forecasts
        snapshot.health = merged
    }
}
