import CacheMonitor

/// The insights of one backend: where its keys and memory are, per prefix group — the last analysis and
/// how it is shown (the group entered, sort, selection), or how far a running one got.
package struct InsightsState: Sendable {
    /// The prefix groups, or the biggest keys.
    package enum View: Sendable, Hashable {
        case prefixes, bigKeys
    }

    /// How the groups are ordered.
    package enum Sort: String, Sendable, Hashable, CaseIterable {
        case memory, keys
        case noTTL = "no TTL"

        package var next: Sort { Sort.allCases[(Sort.allCases.firstIndex(of: self)! + 1) % Sort.allCases.count] }
    }

    package var backend: MonitoredBackend
    /// The last analysis that ended, and when (monotonic seconds).
    package var outcome: KeyspaceOutcome?
    package var finishedAt: Double?
    /// Whether a change (a deletion, a TTL set) was made on the backend since the last analysis: its
    /// figures are older than that.
    package var changedSinceRead = false
    /// How far the running analysis got; `nil` when none runs.
    package var progress: KeyspaceProgress?
    /// The groups entered, outermost first (empty: the top level).
    package var path: [[UInt8]] = []
    package var view: View = .prefixes
    package var sort: Sort = .memory
    package var selection = 0
    package var scroll = 0

    package init(backend: MonitoredBackend) {
        self.backend = backend
    }

    /// Whether an analysis runs.
    package var isRunning: Bool { progress != nil }

    /// The groups shown: the children of the group entered, in `sort` order.
    package var level: [KeyspaceReport.Group] {
        guard let report = outcome?.report else { return [] }
        var group = report.root
        for prefix in path {
            guard let next = group.children.first(where: { $0.prefix == prefix }) else { break }
            group = next
        }
        return group.children.sorted { first, second in
            switch sort {
            case .memory: (first.memoryBytes ?? 0, first.keys) > (second.memoryBytes ?? 0, second.keys)
            case .keys: (first.keys, first.memoryBytes ?? 0) > (second.keys, second.memoryBytes ?? 0)
            case .noTTL: (first.noTTLKeys, first.keys) > (second.noTTLKeys, second.keys)
            }
        }
    }

    /// The rows of the current view.
    package var rowCount: Int { view == .prefixes ? level.count : outcome?.report?.bigKeys.count ?? 0 }

    /// The group under the selection (prefix view).
    package var selectedGroup: KeyspaceReport.Group? {
        guard view == .prefixes else { return nil }
        let level = level
        return level.indices.contains(selection) ? level[selection] : nil
    }

    /// Keeps the selection on a row, and in view in `visibleRows` rows.
    package mutating func clampSelection(visibleRows: Int) {
        selection = max(0, min(selection, rowCount - 1))
        if selection < scroll { scroll = selection }
        if visibleRows > 0, selection >= scroll + visibleRows { scroll = selection - visibleRows + 1 }
        scroll = max(0, min(scroll, max(0, rowCount - 1)))
    }
}
