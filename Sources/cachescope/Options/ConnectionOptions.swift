import ArgumentParser
import Basics
import CacheMonitor
import ConnectionSupport
import Settings

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

    @Option(
        name: .customLong("tls-ca-file"),
        help: ArgumentHelp("rediss://, memcacheds://: the PEM CA certificate(s) to trust (default: the system's).", valueName: "file"))
    var tlsCAFile: String?

    @Option(
        name: .customLong("tls-cert-file"),
        help: ArgumentHelp("rediss://, memcacheds://: a PEM client certificate, for servers that ask for one.", valueName: "file"))
    var tlsCertFile: String?

    @Option(name: .customLong("tls-key-file"), help: ArgumentHelp("rediss://, memcacheds://: the PEM key of --tls-cert-file.", valueName: "file"))
    var tlsKeyFile: String?

    @Option(
        name: .customLong("tls-server-name"),
        help: ArgumentHelp("rediss://, memcacheds://: the name the server's certificate must carry (default: the host).", valueName: "name"))
    var tlsServerName: String?

    @Flag(
        name: .customLong("tls-skip-verify"),
        help: "rediss://, memcacheds://: accept any certificate (encrypted, NOT authenticated; test setups only).")
    var tlsSkipVerify = false

    @Option(
        name: .customLong("memcached"),
        help: ArgumentHelp(
            "A memcached server or pool, host:port[,host:port…], memcacheds://… for TLS (repeatable; a pool is one backend).",
            valueName: "servers")
    )
    var memcached: [String] = []

    @Option(
        name: .customLong("memcached-discovery"),
        help: ArgumentHelp(
            "A memcached pool found by auto discovery: its configuration endpoint host:port (ElastiCache's; repeatable).", valueName: "endpoint")
    )
    var memcachedDiscovery: [String] = []

    @Option(
        name: .customLong("ssh"),
        help: ArgumentHelp(
            "Reach the --redis and --memcached backends through this SSH bastion (a Host alias, user@host or user@host:port), with "
                + "your ssh setup (config, agent, ProxyJump, known_hosts).",
            valueName: "host"))
    var ssh: String?

    @Option(
        name: .customLong("ssh-config"),
        help: ArgumentHelp("The ssh configuration file for --ssh (ssh -F), instead of ~/.ssh/config.", valueName: "file"))
    var sshConfig: String?

    @Option(
        name: .customLong("tag"),
        help: ArgumentHelp(
            "Only the backends carrying this tag (config tags = [...]): --tag a --tag b for either, --tag prod,eu for those carrying both.",
            valueName: "tag"))
    var tag: [String] = []

    @Flag(name: .customLong("read-only"), help: "Refuse everything that deletes or changes data (exit 3).")
    var readOnly = false

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A TOML file with [[backend]] tables (default: $XDG_CONFIG_HOME/cachescope/config.toml when it exists).", valueName: "file")
    )
    var config: String?

    @Option(
        name: .customLong("refresh"),
        help: ArgumentHelp(
            "How often backends are sampled: 1s, 500ms, 2.5s (default: refresh in the configuration file, else 1s).", valueName: "duration")
    )
    var refresh: String?

    /// Everything a command needs from these flags and the configuration file, read once: the file, the
    /// backends in display order, the refresh interval. A backend whose certificate is not verified is
    /// announced on standard error.
    func setup() throws -> RunSetup {
        let config: ConfigFile?
        do {
            config = try ConfigFile.locate(explicit: self.config).map { try ConfigFile(path: $0) }
        } catch let error as SettingsError {
            throw CommandFailure(.usage, error.message)
        }
        for warning in config?.warnings ?? [] { Terminal.printError("cachescope: warning: \(warning)") }
        var catalog: BackendCatalog
        do {
            catalog = try BackendCatalog(
                configured: config?.backends ?? [], redisURLs: redis, memcachedServers: memcached, tlsDefaults: tlsDefaults(),
                memcachedDiscovery: memcachedDiscovery, route: try sshRoute())
            let selected = try catalog.selecting(try TagSelection(parsing: tag))
            for tag in selected.unmatched { Terminal.printError("cachescope: warning: --tag \(tag.name): no backend carries this tag") }
            catalog = selected.catalog
        } catch let error as MonitorError {
            throw CommandFailure(.usage, error.message)
        }
        for backend in catalog.backends where backend.endpoint.tlsSettings.contains(where: { $0.verification == .none }) {
            Terminal.printError(
                "cachescope: warning: TLS certificate verification is OFF for \(backend.name) (\(backend.address)): the connection is "
                    + "encrypted, but anyone on the path can pretend to be the server"
            )
        }
        return RunSetup(config: config, catalog: catalog, refresh: try refreshInterval(config: config), readOnly: readOnly)
    }

    /// The sampling interval: `--refresh`, else the configuration file's `refresh`, else 1 s.
    private func refreshInterval(config: ConfigFile?) throws -> Duration {
        if let refresh {
            guard let duration = DurationText.parse(refresh), duration >= .milliseconds(100), duration <= .seconds(600) else {
                throw CommandFailure(.usage, "--refresh '\(refresh)': give a duration from 100ms to 10 minutes, such as 1s or 500ms")
            }
            return duration
        }
        return config?.refresh ?? .seconds(1)
    }

    /// The tunnel `--ssh` names (with `--ssh-config`); `nil` without `--ssh`.
    private func sshRoute() throws -> ConnectionRoute? {
        guard let ssh else {
            if sshConfig != nil { throw CommandFailure(.usage, "--ssh-config goes with --ssh HOST (the bastion it configures)") }
            return nil
        }
        do {
            return try SSHTunnels.route(parsing: ssh, configFile: sshConfig)
        } catch let error as SSHDestinationError {
            throw CommandFailure(.usage, "--ssh: \(error.message)")
        }
    }

    /// The TLS flags, as defaults for every `rediss://` URL given with `--redis`; `nil` when none is given.
    private func tlsDefaults() -> TLSSettings? {
        guard tlsCAFile != nil || tlsCertFile != nil || tlsKeyFile != nil || tlsServerName != nil || tlsSkipVerify else { return nil }
        return TLSSettings(
            caFile: tlsCAFile, certificateFile: tlsCertFile, keyFile: tlsKeyFile, serverName: tlsServerName,
            verification: tlsSkipVerify ? .none : .full)
    }
}

/// What one run works with, made once from the flags and the configuration file.
struct RunSetup {
    /// The configuration file, when one is used.
    let config: ConfigFile?
    /// The backends given, named, in display order.
    let catalog: BackendCatalog
    /// How often backends are sampled.
    let refresh: Duration
    /// `--read-only`.
    let readOnly: Bool

    /// Every backend as the run watches it (sources made, nothing connected), numbered from `first`.
    func backends(from first: Int = 0) -> [MonitoredBackend] {
        catalog.monitoredBackends(from: first)
    }

    /// The backend a command names (by name, `host:port` or number), or the only one — among the configured
    /// backends and the masters the discoveries' sentinels watch now.
    func backend(_ name: String?) async throws -> MonitoredBackend {
        var all = catalog.backends
        if !catalog.discoveries.isEmpty {
            var taken = Set(all.map { $0.name.lowercased() })
            all += await SentinelFleet.masters(of: catalog.discoveries, taken: &taken)
        }
        return try Self.usage {
            let catalog = try BackendCatalog(configured: all, redisURLs: [])
            let chosen = try catalog.select(name)
            let position = catalog.backends.firstIndex { $0.name == chosen.name } ?? 0
            return chosen.monitored(id: BackendID(position))
        }
    }

    /// Finds the masters the discoveries' sentinels watch, adds them to `poller` (numbered from `first`) and
    /// keeps them current while the returned task runs; `nil` without discoveries. By default the first answer
    /// is awaited (a command's one reading needs the masters) and sentinels that do not give it are said on
    /// standard error; with `report`, nothing is awaited and every refresh's problems go to `report` (the
    /// dashboard draws at once and says them on its status line).
    func startDiscovery(
        poller: Poller<ContinuousClock>, from first: Int, report: (@Sendable ([String]) async -> Void)? = nil
    ) async -> (
        fleet: SentinelFleet<ContinuousClock>, task: Task<Void, Never>
    )? {
        guard !catalog.discoveries.isEmpty else { return nil }
        let fleet = SentinelFleet(
            templates: catalog.discoveries, poller: poller, firstPosition: first + catalog.backends.count,
            reservedNames: catalog.backends.map(\.name))
        guard let report else {
            for problem in await fleet.refresh() { Terminal.printError("cachescope: warning: \(problem)") }
            return (fleet, Task { await fleet.run(every: Self.discoveryInterval) })
        }
        return (fleet, Task { await fleet.run(every: Self.discoveryInterval, refreshingFirst: true, report: report) })
    }

    /// The sentinels the discoveries ask, for messages (`127.0.0.1:26379,127.0.0.1:26380/*`).
    var discoveryTargets: [String] {
        catalog.discoveries.compactMap { template in
            guard case .sentinel(let target) = template.endpoint else { return nil }
            return "\(target)"
        }
    }

    /// How often the sentinels of a discovery are asked which masters they watch.
    static let discoveryInterval: Duration = .seconds(5)

    /// Runs the changes of this run (refused in `--read-only`).
    func changeRunner(
        clearDemoCache: (@Sendable () async throws -> Int)? = nil, audit: (@Sendable (ChangeOutcome) async -> Void)? = nil
    ) -> ChangeRunner {
        ChangeRunner(readOnly: readOnly, clearDemoCache: clearDemoCache, audit: audit)
    }

    private static func usage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MonitorError {
            throw CommandFailure(.usage, error.message)
        }
    }
}
