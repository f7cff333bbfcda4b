import CacheMonitor

/// When the embedded demo runs, and on what: only with no backend configured, or when asked (`--demo`,
/// `cachescope demo`) — pointing cachescope at an operator's servers never starts traffic by itself.
enum DemoLaunch {
    /// The backends the demo may write to (its `/redis` and `/memcached` routes), after the safety checks.
    static func backends(_ setup: RunSetup) throws -> [BackendDescriptor] {
        let backends = setup.catalog.backends
        if setup.readOnly, !backends.isEmpty {
            throw CommandFailure(
                .usage,
                "--read-only and the demo: the demo writes (under cachescope_demo:) to the servers given; drop --read-only, or run the "
                    + "demo without --redis/--memcached"
            )
        }
        return backends
    }
}
