/// One backend as the monitor last saw it: immutable, what the dashboard and `snapshot` show.
package struct BackendSnapshot: Sendable, Hashable {
    /// Which backend (name, address, key prefix, what it can do, its source).
    package var backend: MonitoredBackend
    /// What it turned out to be at the last sample (a `redis://` URL may be a cluster's node).
    package var kind: BackendKind
    package var status: BackendStatus
    /// Why it is not up (one line).
    package var error: String?
    /// The last successful sample (kept while the backend is down, so its last figures stay visible).
    package var sample: SourceSample?
    /// Between the last two successful samples; `nil` until there are two.
    package var rates: BackendRates?
    /// Interval hit ratio, ops/s and memory bytes, one value per sample, oldest first.
    package var hitRatioHistory: History
    package var operationsHistory: History
    package var memoryHistory: History
    /// When the last sample finished (seconds since the poller started).
    package var sampledAt: Double?
    /// Seconds until the next attempt when the backend is down (the retry countdown), else `nil`.
    package var retryIn: Double?
    /// The servers' health and what needs attention, once read (never for an in-process cache).
    package var health: BackendHealth?

    /// A backend seen as `status`, with empty histories of `historyLength` values (what the poller starts
    /// from, and what tests build fixtures from).
    package init(
        backend: MonitoredBackend, kind: BackendKind? = nil, status: BackendStatus = .connecting, error: String? = nil,
        sample: SourceSample? = nil, rates: BackendRates? = nil, historyLength: Int = 300, sampledAt: Double? = nil, retryIn: Double? = nil
    ) {
        self.backend = backend
        self.kind = kind ?? backend.kind
        self.status = status
        self.error = error
        self.sample = sample
        self.rates = rates
        hitRatioHistory = History(capacity: historyLength)
        operationsHistory = History(capacity: historyLength)
        memoryHistory = History(capacity: historyLength)
        self.sampledAt = sampledAt
        self.retryIn = retryIn
    }

    package var id: BackendID { backend.id }
    /// The name shown and used on the command line.
    package var name: String { backend.name }
    /// Where it is now (a Sentinel-managed master's current `host:port`), never with a password.
    package var address: String { sample?.address ?? backend.address }

    /// hits / (hits + misses) over the backend's whole counters (the monitor's own reads left out); `nil`
    /// for a backend that has served no read.
    package var lifetimeHitRatio: Double? {
        sample.flatMap { BackendRates.ratio($0.applicationHits, $0.applicationMisses) }
    }

    /// Whether the overview can list servers under its row: a cluster's nodes, a pool's servers.
    package var hasServerRows: Bool {
        kind.hasServerRows || (sample?.servers.count ?? 0) > 1 || !(sample?.topology.isEmpty ?? true)
    }
}

/// Every backend at one moment, in display order.
package struct Snapshot: Sendable, Hashable {
    package var backends: [BackendSnapshot]
    /// Seconds since the poller started.
    package var takenAt: Double

    package init(backends: [BackendSnapshot], takenAt: Double) {
        self.backends = backends
        self.takenAt = takenAt
    }

    /// How many backends are up.
    package var upCount: Int { backends.filter { $0.status == .up }.count }

    /// The backend with `id`, as last seen.
    package func backend(_ id: BackendID) -> BackendSnapshot? {
        backends.first { $0.id == id }
    }
}
