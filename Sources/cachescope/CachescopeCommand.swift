import ArgumentParser

/// The `cachescope` command: "htop for caches".
///
/// Subcommands (the dashboard, `snapshot`, `keys`, `invalidate`, `demo`, `keymap`) arrive with later
/// issues; until then running it without arguments prints this help.
@main
struct CachescopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachescope",
        abstract: "htop for caches: watch Redis, memcached and in-process caches live.",
        discussion: """
            cachescope shows hit/miss rates, ops/s, memory, evictions and keys with live TTLs for several \
            cache backends at once, and lets you delete a key or invalidate a prefix. It ships the Caching \
            library (Flask-Caching for Swift) and an embedded demo web app.
            """,
        version: CachescopeVersion.current
    )

    func run() async throws {
        print(Self.helpMessage())
    }
}
