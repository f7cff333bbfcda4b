import CacheMonitor

/// The capabilities screen of one backend: what each of its servers allows of each feature (the same check
/// as `cachescope check`), the row selected, and when it was asked.
package struct CapabilitiesState: Sendable, Hashable {
    package let backend: MonitoredBackend
    /// The last answer, kept while a new check runs.
    package var report: CapabilityReport?
    /// Why the last check failed (no server answered).
    package var error: String?
    package var isChecking = true
    /// When the report arrived (monotonic seconds).
    package var checkedAt: Double?
    package var selection = 0
    package var scroll = 0

    package init(backend: MonitoredBackend) {
        self.backend = backend
    }

    /// One row per server and feature, servers in order.
    package var rows: [(server: ServerCapabilities, check: FeatureCheck)] {
        (report?.servers ?? []).flatMap { server in server.features.map { (server, $0) } }
    }

    package var rowCount: Int { (report?.servers ?? []).reduce(0) { $0 + $1.features.count } }

    /// The selected row, if any.
    package var selected: (server: ServerCapabilities, check: FeatureCheck)? {
        let rows = rows
        return rows.indices.contains(selection) ? rows[selection] : nil
    }

    mutating func clampSelection(visibleRows: Int) {
        selection = max(0, min(selection, rowCount - 1))
        if selection < scroll { scroll = selection }
        if selection >= scroll + visibleRows { scroll = selection - visibleRows + 1 }
        scroll = max(0, scroll)
    }
}
