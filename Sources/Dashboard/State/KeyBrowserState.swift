import CacheMonitor

/// The key browser of one backend: what was loaded, how it is filtered, sorted and shown, and where the
/// selection is.
package struct KeyBrowserState: Sendable {
    /// List of keys, or a tree of their prefixes.
    package enum ViewMode: String, Sendable, Hashable {
        case list, tree
    }

    /// Whose keys.
    package var backend: MonitoredBackend
    /// The filter the window was loaded with (`nil` = all keys), as typed.
    package var filterText: String
    package var filter: KeyMatch
    package var window: KeyWindow?
    /// Why loading failed, when it did.
    package var loadError: String?
    package var sort: KeySort = .key
    package var viewMode: ViewMode = .list
    /// The window's keys in `sort` order, narrowed by the filter being typed (kept, not recomputed per frame).
    package private(set) var rows: [BrowsedKey] = []
    /// The tree of the window's keys (built when the tree view is on).
    package private(set) var tree: KeyTree?
    /// The tree nodes entered, outermost first (empty = the top level).
    package var treePath: [[UInt8]] = []
    package var selection = 0
    /// The first row shown.
    package var scroll = 0

    package init(backend: MonitoredBackend, filterText: String = "", filter: KeyMatch = .all) {
        self.backend = backend
        self.filterText = filterText
        self.filter = filter
    }

    /// Whether the window is still loading.
    package var isLoading: Bool { window.map { !$0.complete } ?? (loadError == nil) }

    /// Re-sorts and re-filters the loaded keys; `narrowing` is a filter being typed (applied to what is
    /// loaded until the operator presses Enter and the backend is asked).
    package mutating func rebuild(at now: Double, narrowing: KeyMatch? = nil) {
        let sorted = window?.sorted(by: sort, at: now) ?? []
        rows = narrowing.map { match in sorted.filter { match.accepts($0.key) } } ?? sorted
        if viewMode == .tree {
            tree = KeyTree(keys: rows.map(\.key), delimiters: backend.delimiters)
        } else {
            tree = nil
        }
        clampSelection()
    }

    /// The tree level shown: the children of the node `treePath` leads to.
    package var treeLevel: [KeyTree.Node] {
        guard let tree else { return [] }
        var nodes = tree.roots
        for prefix in treePath {
            guard let node = nodes.first(where: { $0.prefix == prefix }) else { return nodes }
            nodes = node.children
        }
        return nodes
    }

    /// How many rows the current view has.
    package var rowCount: Int { viewMode == .tree ? treeLevel.count : rows.count }

    /// The key under the selection: a listed key, or a tree leaf.
    package var selectedKey: BrowsedKey? {
        switch viewMode {
        case .list:
            return rows.indices.contains(selection) ? rows[selection] : nil
        case .tree:
            let level = treeLevel
            guard level.indices.contains(selection), level[selection].isKey, level[selection].children.isEmpty else { return nil }
            let prefix = level[selection].prefix
            return rows.first { $0.key == prefix }
        }
    }

    /// The tree group under the selection (a node with children), in tree view.
    package var selectedGroup: KeyTree.Node? {
        guard viewMode == .tree else { return nil }
        let level = treeLevel
        guard level.indices.contains(selection), !level[selection].children.isEmpty else { return nil }
        return level[selection]
    }

    /// Keeps the selection on a row and the scroll where the selection is visible in `visibleRows` rows.
    package mutating func clampSelection(visibleRows: Int? = nil) {
        selection = max(0, min(selection, rowCount - 1))
        if let visibleRows, visibleRows > 0 {
            if selection < scroll { scroll = selection }
            if selection >= scroll + visibleRows { scroll = selection - visibleRows + 1 }
        }
        scroll = max(0, min(scroll, max(0, rowCount - 1)))
    }

    /// Forgets `keys` (after they were deleted).
    package mutating func remove(_ keys: Set<[UInt8]>, at now: Double) {
        window?.remove(keys)
        rebuild(at: now)
    }
}
