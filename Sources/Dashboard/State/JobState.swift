import Basics
import CacheMonitor

/// A change the loop is running: what it is and how far it got.
public struct JobState: Sendable, Hashable {
    public var change: PendingChange
    /// How many keys were counted before it started (the progress bar's total), when known.
    public var expected: Int?
    public var progress: DeletionTotals
    public var elapsed: Duration
    /// Whether the operator asked it to stop (it ends after the batch in flight).
    public var stopping = false

    public init(change: PendingChange, expected: Int?) {
        self.change = change
        self.expected = expected
        progress = DeletionTotals()
        elapsed = .zero
    }
}

/// A one-line message under the screen: a note, or the outcome of a change or of a demo action — kept as
/// data and put into words when drawn.
public struct StatusMessage: Sendable, Hashable {
    /// What the line says.
    public enum Content: Sendable, Hashable {
        /// A sentence the dashboard wrote (a hint, a refusal, a theme problem).
        case note(String)
        /// How a change ended.
        case change(ChangeOutcome)
        /// What a demo key did.
        case demo(DemoActionResult)
    }

    public var content: Content
    public var role: StyleRole
    /// When it was shown (monotonic seconds); it fades after a while.
    public var shownAt: Double

    public init(_ text: String, role: StyleRole = .text, at shownAt: Double) {
        self.init(.note(text), role: role, at: shownAt)
    }

    public init(_ content: Content, role: StyleRole, at shownAt: Double) {
        self.content = content
        self.role = role
        self.shownAt = shownAt
    }

    /// The line as written on a Unicode terminal.
    public var text: String { MessageText.line(content, asciiOnly: false) }
}
