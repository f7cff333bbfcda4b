import Synchronization

/// Where background work leaves events for the UI loop, which drains them between keys. Thread-safe;
/// never blocks the poster.
public final class EventInbox: Sendable {
    private let events = Mutex<[DashboardEvent]>([])

    public init() {}

    /// Leaves `event` for the loop.
    public func post(_ event: DashboardEvent) {
        events.withLock { $0.append(event) }
    }

    /// Everything posted since the last call, oldest first.
    public func drain() -> [DashboardEvent] {
        events.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
