import CacheMonitor

/// The insights of one backend: where its keys and memory are, per prefix group — the last analysis and
/// how it is shown (the group entered, sort, selection), or how far a running one got.
package struct InsightsState: Sendable {
    /// The prefix groups, or the biggest keys.
    package enum View: Sendable, Hashable {
        case prefixes, bigKeys, hotKeys
    }

    /// How the groups are ordered.
    package enum Sort: String, Sendable, Hashable, CaseIterable {
        case memory, keys
        case noTTL = "no TTL"
        case reads
        /// Worst first: the groups that miss most per read.
        case hitRatio = "hit ratio"

        package var next: Sort { Sort.allCases[(Sort.allCases.firstIndex(of: self)! + 1) % Sort.allCases.count] }
    }

    package var backend: MonitoredBackend
    /// The last analysis that ended, and when (monotonic seconds).
    package var outcome: KeyspaceOutcome?
    package var finishedAt: Double?
    /// In a replay: when the recorded analysis shown was taken, and how long before the cursor.
    package var replayedAt: (text: String, secondsBeforeCursor: Double)?
    /// Whether a change (a deletion, a TTL set) was made on the backend since the last analysis: its
    /// figures are older than that.
    package var changedSinceRead = false
    /// How far the running analysis got; `nil` when none runs.
    package var progress: KeyspaceProgress?
    /// The last traffic sample that ended, and when (monotonic seconds).
    package var traffic: TrafficOutcome?
    package var trafficFinishedAt: Double?
    /// In a replay: when the recorded traffic sample shown was taken, and how long before the cursor.
    package var trafficReplayedAt: (text: String, secondsBeforeCursor: Double)?
    /// How far the running traffic sample got; `nil` when none runs.
    package var trafficProgress: TrafficProgress?
    /// Why the last traffic sample failed, when it did (an in-process cache's live figures then stop).
    package var trafficFailure: String?
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

    /// Whether a traffic sample runs.
    package var isSampling: Bool { trafficProgress != nil }

    /// The last traffic report, if a sample ended with one.
    package var trafficReport: TrafficReport? { traffic?.report }

    /// The groups shown: the children of the group entered — what is stored (the keyspace analysis) joined
    /// with what is read (the traffic sample) by prefix, so groups that are only missed show too — in `sort`
    /// order.
    package var level: [InsightsRow] {
        var stored = outcome?.report?.root
        var read = trafficReport?.root
        for prefix in path {
            stored = stored?.children.first { $0.prefix == prefix && !$0.isMemoized }
            read = read?.children.first { $0.prefix == prefix && !$0.isMemoized }
        }
        var rows = (stored?.children ?? []).map { InsightsRow(prefix: $0.prefix, flask: $0.flask, keyspace: $0, traffic: nil) }
        for group in read?.children ?? [] {
            if let index = rows.firstIndex(where: { $0.prefix == group.prefix && $0.memoizedLabel == InsightsRow.memoizedLabel(group.flask) }) {
                rows[index].traffic = group
                if rows[index].flask == nil { rows[index].flask = group.flask }
            } else {
                rows.append(InsightsRow(prefix: group.prefix, flask: group.flask, keyspace: nil, traffic: group))
            }
        }
        return rows.sorted { first, second in
            let a = (first.keyspace, first.traffic)
            let b = (second.keyspace, second.traffic)
            switch sort {
            case .memory: return (a.0?.memoryBytes ?? 0, a.0?.keys ?? 0, a.1?.reads ?? 0) > (b.0?.memoryBytes ?? 0, b.0?.keys ?? 0, b.1?.reads ?? 0)
            case .keys: return (a.0?.keys ?? 0, a.0?.memoryBytes ?? 0) > (b.0?.keys ?? 0, b.0?.memoryBytes ?? 0)
            case .noTTL: return (a.0?.noTTLKeys ?? 0, a.0?.keys ?? 0) > (b.0?.noTTLKeys ?? 0, b.0?.keys ?? 0)
            case .reads: return (a.1?.reads ?? 0, a.1?.writes ?? 0) > (b.1?.reads ?? 0, b.1?.writes ?? 0)
            case .hitRatio:
                // Groups never read (no ratio) last; among the rest the lowest ratio, then the most reads, first.
                let first = a.1?.hitRatio ?? 2
                let second = b.1?.hitRatio ?? 2
                return first != second ? first < second : (a.1?.reads ?? 0) > (b.1?.reads ?? 0)
            }
        }
    }

    /// The rows of the current view.
    package var rowCount: Int {
        switch view {
        case .prefixes: level.count
        case .bigKeys: outcome?.report?.bigKeys.count ?? 0
        case .hotKeys: trafficReport?.hotKeys.count ?? outcome?.report?.frequentKeys.count ?? 0
        }
    }

    /// The group under the selection (prefix view).
    package var selectedGroup: InsightsRow? {
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

/// One row of the insights table: a prefix group with what is stored in it and what is read from it
/// (either may be missing: a group only missed holds no keys; one not read in the sample has no traffic).
package struct InsightsRow: Sendable, Hashable {
    package var prefix: [UInt8]
    package var flask: FlaskCachingGroup?
    package var keyspace: KeyspaceReport.Group?
    package var traffic: TrafficReport.Group?

    /// Whether Enter has smaller groups to show.
    package var hasChildren: Bool { !(keyspace?.children.isEmpty ?? true) || !(traffic?.children.isEmpty ?? true) }

    /// How the group is listed: its prefix, and for memoized results what they are.
    package func name(keyText: ([UInt8]) -> String) -> String {
        guard let label = memoizedLabel else { return keyText(prefix) }
        return keyText(prefix) + " [" + label + "]"
    }

    /// What tells memoized groups apart (they share their prefix); `nil` for the others.
    var memoizedLabel: String? { Self.memoizedLabel(flask) }

    static func memoizedLabel(_ flask: FlaskCachingGroup?) -> String? {
        switch flask {
        case .memoized, .staleMemoized: flask?.label
        case .route, nil: nil
        }
    }
}
