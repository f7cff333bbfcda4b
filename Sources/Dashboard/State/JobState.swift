import Basics
import CacheMonitor
import ConnectionSupport

/// A deletion the loop is running: what it is and how far it got.
public struct JobState: Sendable, Hashable {
    public var change: PendingChange
    public var backendName: String
    /// How many keys were counted before it started (the progress bar's total), when known.
    public var expected: Int?
    public var progress: DeletionTotals
    public var elapsed: Duration

    public init(change: PendingChange, backendName: String, expected: Int?) {
        self.change = change
        self.backendName = backendName
        self.expected = expected
        progress = DeletionTotals()
        elapsed = .zero
    }
}

/// A one-line message under the screen: a result, an error, an explanation.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    public var role: StyleRole
    /// When it was shown (monotonic seconds); it fades after a while.
    public var shownAt: Double

    public init(_ text: String, role: StyleRole = .text, at shownAt: Double) {
        self.text = text
        self.role = role
        self.shownAt = shownAt
    }
}
