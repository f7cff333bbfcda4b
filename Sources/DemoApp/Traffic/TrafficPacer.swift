/// Hands out send times to the virtual clients so that, together, they keep to one rate — and stop at a
/// request count when the run is bounded. Paused, it hands out nothing until resumed.
actor TrafficPacer {
    /// Requests per second; `.infinity` sends as fast as the clients can.
    private(set) var rate: Double
    private(set) var paused = false
    private(set) var issued = 0
    private let limit: Int?
    private var nextSend = ContinuousClock.now
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(rate: Double, limit: Int?) {
        self.rate = rate
        self.limit = limit
    }

    /// The next request's number (1, 2, …) and when to send it; `nil` when a bounded run is complete.
    func next() async -> (number: Int, at: ContinuousClock.Instant)? {
        while paused || rate <= 0 {
            // Checked before waiting too: a client arriving after stop() woke the others must not wait.
            if Task.isCancelled { return nil }
            await withCheckedContinuation { waiters.append($0) }
        }
        if Task.isCancelled { return nil }
        if let limit, issued >= limit { return nil }
        issued += 1
        let now = ContinuousClock.now
        let at = max(now, nextSend)
        // Slots missed while every client was busy are not made up later: no bursts after a slow spell.
        if rate.isFinite { nextSend = at + .seconds(1 / rate) }
        return (issued, at)
    }

    func setRate(_ newRate: Double) {
        rate = max(0, newRate)
        nextSend = ContinuousClock.now
        wakeWaiters()
    }

    func setPaused(_ pause: Bool) {
        paused = pause
        nextSend = ContinuousClock.now
        wakeWaiters()
    }

    /// Wakes every waiting client (so they can see a cancellation).
    func wakeWaiters() {
        let woken = waiters
        waiters = []
        for waiter in woken { waiter.resume() }
    }
}
