import Basics

/// How the key browser orders what it loaded.
package enum KeySort: String, Sendable, Hashable, CaseIterable {
    case key, ttl, size

    /// The next order in the cycle the `s` key walks.
    package var next: KeySort {
        let all = KeySort.allCases
        return all[(all.firstIndex(of: self).map { $0 + 1 } ?? 0) % all.count]
    }
}

/// The keys the browser holds for one backend and filter: at most `capacity` (never the whole keyspace),
/// with `more` when the backend has more that match.
package struct KeyWindow: Sendable {
    /// The most keys held.
    package let capacity: Int
    /// The filter they were loaded with.
    package let filter: KeyMatch
    /// The keys, in the order they arrived.
    package private(set) var keys: [BrowsedKey] = []
    /// Whether more keys match than the window holds.
    package private(set) var more = false
    /// Whether loading finished (or was stopped).
    package private(set) var complete = false

    /// The default window: 10,000 keys.
    package static let defaultCapacity = 10_000

    package init(filter: KeyMatch, capacity: Int = KeyWindow.defaultCapacity) {
        self.filter = filter
        self.capacity = max(1, capacity)
    }

    /// Fills a window from `source`; `progress` sees it after every batch (the first page shows at once)
    /// and returns `false` to stop loading.
    package static func load(
        from source: any KeyBrowsingSource, matching filter: KeyMatch, capacity: Int = KeyWindow.defaultCapacity,
        progress: (KeyWindow) -> Bool = { _ in true }
    ) async throws -> KeyWindow {
        var window = KeyWindow(filter: filter, capacity: capacity)
        let more = try await source.browseKeys(matching: filter, limit: window.capacity) { batch in
            window.keys.append(contentsOf: batch.prefix(window.capacity - window.keys.count))
            return progress(window)
        }
        window.more = more
        window.complete = true
        _ = progress(window)
        return window
    }

    mutating func setKeysForTests(_ keys: [BrowsedKey]) {
        self.keys = keys
    }

    /// A complete window holding `keys` (what a finished load gives) — for fixtures and in-process lists.
    package static func complete(_ keys: [BrowsedKey], filter: KeyMatch = .all, more: Bool = false) -> KeyWindow {
        var window = KeyWindow(filter: filter, capacity: max(1, keys.count))
        window.keys = keys
        window.more = more
        window.complete = true
        return window
    }

    /// Removes keys that were deleted (after a delete job), so the window matches the backend again.
    package mutating func remove(_ deleted: Set<[UInt8]>) {
        keys.removeAll { deleted.contains($0.key) }
    }

    /// The loaded keys in `order` (ties by key): TTL puts the soonest to expire first and keys without
    /// expiry last; size puts the largest first.
    package func sorted(by order: KeySort, at now: Double = MonotonicSeconds.now) -> [BrowsedKey] {
        switch order {
        case .key:
            return keys.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        case .ttl:
            return keys.sorted { a, b in
                let (x, y) = (a.remainingMilliseconds(at: now), b.remainingMilliseconds(at: now))
                if x == y { return a.key.lexicographicallyPrecedes(b.key) }
                guard let x else { return false }
                guard let y else { return true }
                return x < y
            }
        case .size:
            return keys.sorted { a, b in
                if a.size == b.size { return a.key.lexicographicallyPrecedes(b.key) }
                return (a.size ?? -1) > (b.size ?? -1)
            }
        }
    }
}
