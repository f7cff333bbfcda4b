import ArgumentParser
import CacheMonitor

/// The connection flags every command (and the root) accepts.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("redis"),
        help: ArgumentHelp("A Redis server, redis://[[user]:password@]host[:port][/db] (repeatable).", valueName: "url")
    )
    var redis: [String] = []

    @Option(
        name: .customLong("memcached"),
        help: ArgumentHelp("A memcached server or pool, host:port[,host:port…] (repeatable; a pool is one backend).", valueName: "servers")
    )
    var memcached: [String] = []

    @Flag(name: .customLong("read-only"), help: "Refuse everything that deletes or changes data (exit 3).")
    var readOnly = false

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A TOML file with [[backend]] tables (default: $XDG_CONFIG_HOME/cachescope/config.toml when it exists).", valueName: "file")
    )
    var config: String?

    @Option(
        name: .customLong("refresh"),
        help: ArgumentHelp("How often backends are sampled: 1s, 500ms, 2.5s (default: refresh in the configuration file, else 1s).", valueName: "duration")
    )
    var refresh: String?

    /// The sampling interval: `--refresh`, else the configuration file's `refresh`, else 1 s.
    func refreshInterval() throws -> Duration {
        if let refresh {
            guard let duration = DurationText.parse(refresh), duration >= .milliseconds(100), duration <= .seconds(600) else {
                throw CommandFailure(.usage, "--refresh '\(refresh)': give a duration from 100ms to 10 minutes, such as 1s or 500ms")
            }
            return duration
        }
        return try configFile()?.refresh ?? .seconds(1)
    }

    /// The configuration file in use, if any.
    func configFile() throws -> ConfigFile? {
        try ConfigFile.locate(explicit: config).map { try ConfigFile(path: $0) }
    }

    /// The backends given, named and ordered.
    func catalog() throws -> BackendCatalog {
        do {
            return try BackendCatalog(configured: try configFile()?.backends ?? [], redisURLs: redis, memcachedServers: memcached)
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
    }

    /// The backend a command names (or the only one).
    func backend(_ name: String?) throws -> BackendDescriptor {
        do {
            return try catalog().select(name)
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
    }

    /// The monitoring source of the backend a command names.
    func source(_ name: String?) throws -> any CacheSource {
        try Self.usage { try backend(name).makeSource() }
    }

    /// A monitoring source for every backend given, in display order.
    func allSources() throws -> [any CacheSource] {
        try catalog().backends.map { descriptor in try Self.usage { try descriptor.makeSource() } }
    }

    private static func usage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
    }
}
