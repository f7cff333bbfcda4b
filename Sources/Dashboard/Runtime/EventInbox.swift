import Synchronization

/// Where background work leaves events for the UI loop, which drains them between keys. Thread-safe;
/// never blocks the poster.
package final class EventInbox: Sendable {
    private let events = Mutex<[DashboardEvent]>([])

    package init() {}

    /// Leaves `event` for the loop.
    package func post(_ event: DashboardEvent) {
        events.withLock { $0.append(event) }
    }

    /// Everything posted since the last call, oldest first.
    package func drain() -> [DashboardEvent] {
        events.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
