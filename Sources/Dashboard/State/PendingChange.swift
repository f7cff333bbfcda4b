import CacheMonitor

/// A change the operator asked for and on what — what a confirmation dialog names and what the loop runs
/// once it is confirmed.
public struct PendingChange: Sendable, Hashable {
    public var change: Change
    /// The backend it touches; `nil` for the demo's clear, which has its own hook.
    public var backend: MonitoredBackend?

    public init(_ change: Change, on backend: MonitoredBackend?) {
        self.change = change
        self.backend = backend
    }

    /// Whether the dialog counts the keys it touches before the operator confirms.
    var needsCount: Bool {
        switch change {
        case .invalidatePrefix, .invalidateRoute: true
        default: false
        }
    }

    /// The backend's name as the overview shows it, `demo` for the demo's cache.
    public var backendName: String { backend?.name ?? "demo" }
}
