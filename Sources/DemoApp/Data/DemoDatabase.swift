/// A user of the demo's fake database.
package struct DemoUser: Codable, Sendable, Hashable {
    package var id: Int
    package var name: String
    /// Deterministic: 18 + id % 50, so the conditional-invalidation rule (age ≥ 25) is predictable.
    package var age: Int
    /// Bumped by every update, so a stale cached copy is visible.
    package var version: Int
}

/// The tutorial's "database": users with ages, mutable, with a real delay on every query — what caching
/// saves. Only loopback, only memory.
package actor DemoDatabase {
    /// How many users exist (ids 1…count).
    package nonisolated let count: Int
    private var versions: [Int: Int] = [:]
    /// How many queries ran (each one is a cache miss's cost).
    package private(set) var queries = 0
    private let delays: DemoDelays

    package init(count: Int = 1_000, delays: DemoDelays = DemoDelays()) {
        self.count = max(1, count)
        self.delays = delays
    }

    /// The user with `id`, after the single-row delay; `nil` when there is none.
    package func user(_ id: Int) async throws -> DemoUser? {
        queries += 1
        try await Task.sleep(for: delays.userQuery)
        return row(id)
    }

    /// Every user (the first 100, as a page), after the "list everything" delay.
    package func allUsers() async throws -> [DemoUser] {
        queries += 1
        try await Task.sleep(for: delays.usersQuery)
        return (1...min(count, 100)).compactMap(row)
    }

    /// Changes the user (its version goes up); `nil` when there is none.
    package func update(_ id: Int) -> DemoUser? {
        guard (1...count).contains(id) else { return nil }
        versions[id, default: 0] += 1
        return row(id)
    }

    /// The row without a delay (for the update route's rule).
    package func row(_ id: Int) -> DemoUser? {
        guard (1...count).contains(id) else { return nil }
        return DemoUser(id: id, name: "user\(id)", age: 18 + id % 50, version: versions[id] ?? 0)
    }
}

/// The fake work's real delays.
package struct DemoDelays: Sendable, Hashable {
    /// `/api/users` ("database query").
    package var usersQuery: Duration
    /// `/api/users/{id}` on a miss.
    package var userQuery: Duration
    /// `/api/weather` ("upstream API").
    package var upstream: Duration
    /// `/expensive/{n}` and the two-backend report.
    package var computation: Duration

    package init(
        usersQuery: Duration = .milliseconds(120), userQuery: Duration = .milliseconds(50), upstream: Duration = .milliseconds(100),
        computation: Duration = .milliseconds(80)
    ) {
        self.usersQuery = usersQuery
        self.userQuery = userQuery
        self.upstream = upstream
        self.computation = computation
    }

    /// No delays (for tests that count calls, not time).
    package static let none = DemoDelays(usersQuery: .zero, userQuery: .zero, upstream: .zero, computation: .zero)
}
