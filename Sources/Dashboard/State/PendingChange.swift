import CacheMonitor

/// A change the operator asked for and on what — what a confirmation dialog names and what the loop runs
/// once it is confirmed.
package struct PendingChange: Sendable, Hashable {
    package var change: Change
    /// The backend it touches; `nil` for the demo's clear, which has its own hook.
    package var backend: MonitoredBackend?

    package init(_ change: Change, on backend: MonitoredBackend?) {
        self.change = change
        self.backend = backend
    }

    /// Whether the dialog counts the keys it touches before the operator confirms.
    var needsCount: Bool {
        switch change {
        case .invalidatePrefix, .invalidateRoute: true
        case .invalidateMemoized(_, _, let sweep): sweep
        default: false
        }
    }

    /// The backend's name as the overview shows it, `demo` for the demo's cache.
    package var backendName: String { backend?.name ?? "demo" }
}
