import Foundation
import Synchronization

/// A reply a scripted server holds back until the test opens the gate — so a test can see what happens
/// while a request waits, in order, without timing anything — and whether it was sent.
public final class SlowReply: Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let answered = Atomic<Bool>(false)

    public init() {}

    /// Whether the server answered.
    public var isSet: Bool { answered.load(ordering: .sequentiallyConsistent) }

    /// Lets the server answer.
    public func openGate() { gate.signal() }

    /// Called on the server's thread: waits for the gate (at most a minute), then notes the answer.
    public func waitForGate() {
        _ = gate.wait(timeout: .now() + 60)
        answered.store(true, ordering: .sequentiallyConsistent)
    }
}
