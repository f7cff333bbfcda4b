import CacheMonitor

/// One line of the overview's table, in the order drawn. A backend is named by its place in the snapshot's
/// list (``OverviewRows/backends``): a backend's snapshot is too large to copy for every line of every frame.
enum OverviewLine: Sendable {
    /// A group of the group view, with its members summed.
    case group(OverviewGroup)
    /// A backend (under `group` in the group view).
    case backend(Int, id: BackendID, group: OverviewGroupKey?)
    /// A pool's server or a cluster's node, under its expanded backend.
    case server(ServerReading, of: Int)
    /// A server around a Sentinel-managed master, under its expanded backend.
    case topology(TopologyMember, of: Int)

    /// Where the cursor is when this line is selected; `nil` for the lines under a backend.
    var cursor: OverviewCursor? {
        switch self {
        case .group(let group): .group(group.key)
        case .backend(_, let id, let group): .backend(id, in: group)
        case .server, .topology: nil
        }
    }
}

/// Where the overview's cursor is: on a group's row, or on a backend's row (under one of its groups in the
/// group view: a backend with two tags is listed twice).
package enum OverviewCursor: Sendable, Hashable {
    case group(OverviewGroupKey)
    case backend(BackendID, in: OverviewGroupKey?)
}

/// The overview's state besides the backends: the options, the groups folded away, where the cursor's
/// group is, and the first row shown.
package struct OverviewState: Sendable, Hashable {
    package var options: OverviewOptions
    /// Groups shown as their row alone.
    package var collapsed: Set<OverviewGroupKey> = []
    /// The group row the cursor is on (`nil`: on a backend's row, ``AppState/selectedBackend``).
    package var groupRow: OverviewGroupKey?
    /// The group whose copy of the selected backend's row the cursor is on.
    package var backendGroup: OverviewGroupKey?
    /// The first line shown (kept while the cursor stays in view, as htop scrolls).
    package var scroll = 0

    package init(options: OverviewOptions = OverviewOptions()) {
        self.options = options
    }
}
