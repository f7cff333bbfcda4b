import Basics
import ArgumentParser
import CacheMonitor
import ConnectionSupport
import Synchronization

/// The connection flags every command (and the root) accepts.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("redis"),
        help: ArgumentHelp(
            "A Redis server or any node of a Redis Cluster, redis://[[user]:password@]host[:port][/db], rediss://… for TLS (repeatable).",
            valueName: "url"
        )
    )
    var redis: [String] = []

    @Option(name: .customLong("tls-ca-file"), help: ArgumentHelp("rediss://: the PEM CA certificate(s) to trust (default: the system's).", valueName: "file"))
    var tlsCAFile: String?

    @Option(name: .customLong("tls-cert-file"), help: ArgumentHelp("rediss://: a PEM client certificate, for servers that ask for one.", valueName: "file"))
    var tlsCertFile: String?

    @Option(name: .customLong("tls-key-file"), help: ArgumentHelp("rediss://: the PEM key of --tls-cert-file.", valueName: "file"))
    var tlsKeyFile: String?

    @Option(name: .customLong("tls-server-name"), help: ArgumentHelp("rediss://: the name the server's certificate must carry (default: the host).", valueName: "name"))
    var tlsServerName: String?

    @Flag(name: .customLong("tls-skip-verify"), help: "rediss://: accept any certificate (encrypted, NOT authenticated; test setups only).")
    var tlsSkipVerify = false

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

    /// Backends already announced as unverified (the catalog is built more than once by some commands).
    private static let warnedUnverified = Mutex<Set<String>>([])

    /// The TLS flags, as defaults for every `rediss://` URL given with `--redis`; `nil` when none is given.
    func tlsDefaults() -> TLSSettings? {
        guard tlsCAFile != nil || tlsCertFile != nil || tlsKeyFile != nil || tlsServerName != nil || tlsSkipVerify else { return nil }
        return TLSSettings(caFile: tlsCAFile, certificateFile: tlsCertFile, keyFile: tlsKeyFile, serverName: tlsServerName, verification: tlsSkipVerify ? .none : .full)
    }

    /// The backends given, named and ordered. A backend whose certificate is not verified is announced on
    /// standard error, every time.
    func catalog() throws -> BackendCatalog {
        let catalog: BackendCatalog
        do {
            catalog = try BackendCatalog(configured: try configFile()?.backends ?? [], redisURLs: redis, memcachedServers: memcached, tlsDefaults: tlsDefaults())
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
        for backend in catalog.backends where backend.redisURL?.tls?.verification == TLSSettings.Verification.none
            && Self.warnedUnverified.withLock({ $0.insert(backend.name).inserted })
        {
            Terminal.printError(
                "cachescope: warning: TLS certificate verification is OFF for \(backend.name) (\(backend.address)): the connection is encrypted, but anyone on the path can pretend to be the server"
            )
        }
        return catalog
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
