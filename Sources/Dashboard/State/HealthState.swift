import CacheMonitor

/// The views of a backend's health screen, one tab each.
package enum HealthTab: String, Sendable, Hashable, CaseIterable {
    case slowLog = "slow log"
    /// Valkey ≥ 8.1's command log: the largest requests and replies.
    case largeRequests = "large requests"
    case largeReplies = "large replies"
    /// A cluster's hottest slots per master (`CLUSTER SLOT-STATS`).
    case hotSlots = "hot slots"
    case commands
    case latency
    case clients
    case memory
    case replication = "replication"
    case slabs
    case settings
    case connections

    /// The tabs of a health made of `views`: Redis views, or memcached ones; the command log's tabs where a
    /// server keeps one (`commandLog`).
    package static func tabs(for views: HealthViews, commandLog: Bool = false, slotStats: Bool = false) -> [HealthTab] {
        switch views {
        case .redis:
            [.slowLog] + (commandLog ? [.largeRequests, .largeReplies] : []) + (slotStats ? [.hotSlots] : [])
                + [.commands, .latency, .clients, .memory, .replication]
        case .memcached: [.slabs, .settings, .connections]
        }
    }

    /// The tabs of `backend`'s health screen as `health` was read (the command log's tabs where a server has
    /// one); none when it has no server health.
    package static func tabs(for backend: MonitoredBackend, health: BackendHealth? = nil) -> [HealthTab] {
        let commandLog = health?.servers.contains { $0.largeRequests != .notApplicable || $0.largeReplies != .notApplicable } ?? false
        let slotStats = health?.servers.contains { $0.hotSlots != .notApplicable } ?? false
        return backend.health.map { tabs(for: $0.healthViews, commandLog: commandLog, slotStats: slotStats) } ?? []
    }

    /// Whether the tab lists rows the selection moves over.
    var isList: Bool { self != .memory && self != .replication }
}

/// The health screen of one backend: which tab, which server (all of them merged, or one), the sort of the
/// sortable tabs, and the selection.
package struct HealthState: Sendable, Hashable {
    /// How the commands are ordered (most first).
    package enum CommandSort: String, Sendable, Hashable, CaseIterable {
        case callsPerSecond = "calls/s"
        case calls
        case usecPerCall = "µs/call"
        case p99
        case failed

        package var next: CommandSort { Self.allCases[((Self.allCases.firstIndex(of: self) ?? 0) + 1) % Self.allCases.count] }
    }

    /// How the clients are ordered (most first).
    package enum ClientSort: String, Sendable, Hashable, CaseIterable {
        case memory, idle, age

        package var next: ClientSort { Self.allCases[((Self.allCases.firstIndex(of: self) ?? 0) + 1) % Self.allCases.count] }
    }

    package var backend: MonitoredBackend
    package var tab: HealthTab
    /// The server shown (`host:port`); `nil` merges every server (with a node column).
    package var node: String?
    package var commandSort: CommandSort = .callsPerSecond
    package var clientSort: ClientSort = .memory
    package var selection = 0
    package var scroll = 0

    package init(backend: MonitoredBackend) {
        self.backend = backend
        tab = HealthTab.tabs(for: backend).first ?? .slowLog
    }

    /// Keeps the selection on one of `count` rows, in view in `visibleRows` rows.
    package mutating func clampSelection(count: Int, visibleRows: Int) {
        selection = max(0, min(selection, count - 1))
        if selection < scroll { scroll = selection }
        if visibleRows > 0, selection >= scroll + visibleRows { scroll = selection - visibleRows + 1 }
        scroll = max(0, min(scroll, max(0, count - 1)))
    }
}
