import CacheMonitor

/// A line the operator types into (a filter, a prefix, a TTL), with the cursor at the end.
package struct InputLine: Sendable, Hashable {
    /// What the typed text is for.
    package enum Purpose: Sendable, Hashable {
        /// Filter the key browser (prefix, or glob when it has `*`, `?` or `[`).
        case filter
        /// A prefix to invalidate on the backend.
        case prefix(MonitoredBackend)
        /// Seconds until the key expires (empty = never).
        case ttl(MonitoredBackend, key: [UInt8])
        /// Narrow the overview's backends as it is typed.
        case backendFilter
        /// Move the overview's cursor to a backend by name as it is typed (Esc: back to `from`).
        case jump(from: OverviewCursor?)
        /// A time to move a replay's cursor to.
        case replayTime
    }

    package var purpose: Purpose
    package var text: String
    /// The text before editing, restored on Esc.
    package var original: String

    package init(purpose: Purpose, text: String = "") {
        self.purpose = purpose
        self.text = text
        original = text
    }

    /// The prompt shown before the text.
    package var prompt: String {
        switch purpose {
        case .filter: "filter (prefix or glob, \\xNN for bytes)"
        case .prefix: "invalidate prefix"
        case .ttl: "TTL in seconds (empty = never expires)"
        case .backendFilter: "filter backends"
        case .jump: "go to backend (name)"
        case .replayTime: "go to time (14:02, -2h, 2026-12-06T03:10)"
        }
    }
}
