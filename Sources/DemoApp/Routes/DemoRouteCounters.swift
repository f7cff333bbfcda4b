import Synchronization

/// What the app itself counted on one route: requests answered, and of the cached ones, hits and misses.
package struct DemoRouteCount: Sendable, Hashable {
    package var requests = 0
    package var hits = 0
    package var misses = 0

    package init(requests: Int = 0, hits: Int = 0, misses: Int = 0) {
        self.requests = requests
        self.hits = hits
        self.misses = misses
    }
}

/// The app's own per-route counters (lock-free: one set of atomics per route, fixed at start).
package final class DemoRouteCounters: Sendable {
    private final class Slot: Sendable {
        let requests = Atomic<Int>(0)
        let hits = Atomic<Int>(0)
        let misses = Atomic<Int>(0)
    }

    private let slots: [DemoRoute: Slot]

    package init() {
        slots = Dictionary(uniqueKeysWithValues: DemoRoute.allCases.map { ($0, Slot()) })
    }

    func record(_ route: DemoRoute, _ outcome: CacheOutcome) {
        guard let slot = slots[route] else { return }
        slot.requests.add(1, ordering: .relaxed)
        switch outcome {
        case .hit: slot.hits.add(1, ordering: .relaxed)
        case .miss: slot.misses.add(1, ordering: .relaxed)
        case .none: break
        }
    }

    /// The counts so far, per route (routes never requested included, at zero).
    package func snapshot() -> [DemoRoute: DemoRouteCount] {
        slots.mapValues { slot in
            DemoRouteCount(
                requests: slot.requests.load(ordering: .relaxed), hits: slot.hits.load(ordering: .relaxed),
                misses: slot.misses.load(ordering: .relaxed)
            )
        }
    }
}
