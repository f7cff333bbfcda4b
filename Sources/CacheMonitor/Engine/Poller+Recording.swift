import Basics

// What the poller does with an answer: a sample or a health reading recorded into the backend's state (rates,
// histories, status, backoff).
extension Poller {
    /// Reads one backend's health (within the timeout) and records it.
    func readHealthOnce(_ index: Int, scope: HealthScope) async {
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
    func sampleOnce(_ index: Int) async -> C.Instant {
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

    func record(_ index: Int, _ result: Result<SourceSample, any Error>, began: C.Instant) -> C.Instant {
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
}
