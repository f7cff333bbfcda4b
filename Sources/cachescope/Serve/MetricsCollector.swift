import Basics
import CacheMonitor

/// Gathers what `/metrics` serves: each backend's metrics under the exporters' names, read within the sample
/// timeout (a backend that does not answer in time is `*_up 0`, the others intact), and cachescope's own from
/// the poller's latest snapshot. A collection is reused within the refresh interval and shared by scrapes that
/// arrive while it runs, so several scrapers add no load.
actor MetricsCollector {
    private let poller: Poller<ContinuousClock>
    /// The embedded demo, with `serve --demo`: its routes' traffic.
    private let demo: DemoSession?
    private let interval: Duration
    private let timeout: Duration
    private let started = ContinuousClock.now
    /// The last reading of every backend (`/metrics`) and of each one alone (`/scrape?target=`), by position.
    private var last: [BackendID?: (at: ContinuousClock.Instant, families: [MetricFamily])] = [:]
    private var running: [BackendID?: Task<[MetricFamily], Never>] = [:]

    init(poller: Poller<ContinuousClock>, interval: Duration, timeout: Duration, demo: DemoSession? = nil) {
        self.poller = poller
        self.demo = demo
        self.interval = interval
        self.timeout = timeout
    }

    /// The metric families of every backend (`target` `nil`) or of the backend `target` alone, read now or
    /// within the last refresh interval.
    func families(target: BackendID? = nil) async -> [MetricFamily] {
        if let last = last[target], ContinuousClock.now - last.at < interval { return last.families }
        if let running = running[target] { return await running.value }
        let task = Task { await self.collect(target) }
        running[target] = task
        let families = await task.value
        last[target] = (ContinuousClock.now, families)
        running[target] = nil
        return families
    }

    /// The metric families of a backend that is not configured (`serve --scrape-any-target`), read now
    /// over a connection of its own that is closed after.
    func families(of backend: MonitoredBackend) async -> [MetricFamily] {
        let clock = ContinuousClock()
        let began = clock.now
        var set = await Self.read(backend, timeout: timeout, clock: clock)
        await backend.source.close()
        set.add(
            "cachescope_scrape_duration_seconds", .gauge, help: "How long reading every backend for this scrape took.", labels: [],
            (clock.now - began).inSeconds)
        return set.families
    }

    /// The poller's snapshot once every backend was read at least once (or the timeout passed since start),
    /// so the first scrape is never empty.
    func firstSnapshot() async -> Snapshot {
        while true {
            let snapshot = await poller.current
            let waiting = snapshot.backends.contains { $0.status == .connecting }
            if !waiting || ContinuousClock.now - started > timeout * 2 { return snapshot }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func collect(_ target: BackendID?) async -> [MetricFamily] {
        let clock = ContinuousClock()
        let began = clock.now
        let timeout = timeout
        var snapshot = await firstSnapshot()
        // The backends watched now: a discovery adds and removes some while serving.
        let backends = await poller.backends
        let chosen = backends.filter { backend in target.map { $0 == backend.id } ?? true }
        struct Read: Sendable {
            var index: Int
            var set: MetricSet
        }
        // A backend whose last sample failed (dead, hung, refusing the login) is *_up 0 at once: one server that
        // does not answer never holds up the scrape of the others.
        let failing = Set(snapshot.backends.filter { $0.status == .down || $0.status == .authFailed }.map(\.id))
        let reads = await withTaskGroup(of: Read.self) { group in
            for (index, backend) in chosen.enumerated() {
                if failing.contains(backend.id) {
                    group.addTask { Read(index: index, set: Self.down(backend).labelled(backend.tagLabels)) }
                    continue
                }
                group.addTask { Read(index: index, set: await Self.read(backend, timeout: timeout, clock: clock)) }
            }
            var reads: [Read] = []
            for await read in group { reads.append(read) }
            return reads.sorted { $0.index < $1.index }
        }
        var set = MetricSet()
        for read in reads { set.add(read.set) }
        if let target { snapshot.backends = snapshot.backends.filter { $0.id == target } }
        set.add(CachescopeMetrics.metrics(snapshot))
        if let demo, target == nil || target == BackendID(0) {
            set.add(DemoMetrics.metrics(await demo.generator.report().routes))
        }
        set.add(
            "cachescope_scrape_duration_seconds", .gauge, help: "How long reading every backend for this scrape took.", labels: [],
            (clock.now - began).inSeconds)
        return set.families
    }

    /// One backend's metrics under the exporters' names (and its free per-prefix traffic), labelled with its
    /// tags; `*_up 0` when it does not answer within `timeout`.
    nonisolated static func read(_ backend: MonitoredBackend, timeout: Duration, clock: ContinuousClock) async -> MetricSet {
        let name = backend.name
        do {
            return try await withDeadline(timeout, clock: clock) {
                var set = await backend.metrics?.exporterMetrics(backend: name) ?? MetricSet()
                set.add(await Self.prefixes(backend))
                return set.labelled(backend.tagLabels)
            }
        } catch {
            return Self.down(backend).labelled(backend.tagLabels)
        }
    }

    /// Per-prefix traffic where it costs nothing to read (``TrafficCost/free``): an in-process cache's own log of
    /// its last 10 s (a server's traffic needs a sample that changes what it does — `cachescope traffic` — and
    /// is not taken here).
    nonisolated static func prefixes(_ backend: MonitoredBackend) async -> MetricSet {
        guard backend.traffic?.trafficCost == .free, backend.availability(of: .traffic).isAvailable else { return MetricSet() }
        let outcome = await TrafficSampling.start(on: backend, options: TrafficOptions(duration: .seconds(10))).outcome
        guard let report = outcome.report else {
            return MetricSet()
        }
        return CachescopeMetrics.prefixes(report, backend: backend.name)
    }

    /// A backend that did not answer within the timeout: `redis_up 0` or `memcached_up 0`.
    nonisolated static func down(_ backend: MonitoredBackend) -> MetricSet {
        backend.metrics?.unansweredMetrics(backend: backend.name) ?? MetricSet()
    }
}
