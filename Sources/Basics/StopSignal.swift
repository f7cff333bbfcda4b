import Synchronization

/// A stop asked of work running in several tasks: set once, read from any task between batches. Stopping
/// is a request, never a task cancellation — a cancelled request stops waiting for its reply, so what the
/// batch in flight did would not be counted.
public final class StopSignal: Sendable {
    private let value = Atomic<Bool>(false)

    public init() {}

    /// Whether a stop was asked for.
    public var isSet: Bool { value.load(ordering: .relaxed) }

    /// Asks for the stop.
    public func set() { value.store(true, ordering: .relaxed) }
}
