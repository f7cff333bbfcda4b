import Basics
import CacheMonitor

/// A change the loop is running: what it is and how far it got.
package struct JobState: Sendable, Hashable {
    package var change: PendingChange
    /// How many keys were counted before it started (the progress bar's total), when known.
    package var expected: Int?
    package var progress: DeletionTotals
    package var elapsed: Duration
    /// Whether the operator asked it to stop (it ends after the batch in flight).
    package var stopping = false

    package init(change: PendingChange, expected: Int?) {
        self.change = change
        self.expected = expected
        progress = DeletionTotals()
        elapsed = .zero
    }
}

/// A one-line message under the screen: a note, or the outcome of a change or of a demo action — kept as
/// data and put into words when drawn.
package struct StatusMessage: Sendable, Hashable {
    /// What the line says.
    package enum Content: Sendable, Hashable {
        /// A sentence the dashboard wrote (a hint, a refusal, a theme problem).
        case note(String)
        /// How a change ended.
        case change(ChangeOutcome)
        /// What a demo key did.
        case demo(DemoActionResult)
    }

    package var content: Content
    package var role: StyleRole
    /// When it was shown (monotonic seconds); it fades after a while.
    package var shownAt: Double

    package init(_ text: String, role: StyleRole = .text, at shownAt: Double) {
        self.init(.note(text), role: role, at: shownAt)
    }

    package init(_ content: Content, role: StyleRole, at shownAt: Double) {
        self.content = content
        self.role = role
        self.shownAt = shownAt
    }

    /// The line as written on a Unicode terminal.
    package var text: String { MessageText.line(content, asciiOnly: false) }
}
