import Caching
import ConnectionSupport
import Memcache
import RESP

/// Where a backend is, with every part its kind needs: making its source or a cache backend writing to it is a
/// switch that cannot fail for a missing part.
package enum BackendEndpoint: Sendable, Hashable {
    /// One Redis server (a `redis://` URL; watched as the cluster when the server turns out to be a cluster
    /// node).
    case redis(RedisURL)
    /// A Redis master found through Sentinel (`redis+sentinel://`, `type = "redis-sentinel"`).
    case sentinel(RedisSentinelTarget)
    /// A Redis Cluster configured as one (`type = "redis-cluster"`), through any of its seeds.
    case cluster(ClusterSeeds)
    /// One memcached server or a pool of them.
    case memcached(MemcachedServers)
    /// A memcached pool whose nodes a configuration endpoint lists (`type = "memcached-discovery"`).
    case memcachedDiscovery(MemcachedDiscovery)

    /// The kind it is watched as first (a `redis` URL may turn out to be a cluster's).
    package var kind: BackendKind {
        switch self {
        case .redis, .sentinel: .redis
        case .cluster: .redisCluster
        case .memcached, .memcachedDiscovery: .memcached
        }
    }

    /// `host:port` (a socket path; a pool's or a cluster's seeds `host:port,host:port`; a Sentinel-managed
    /// master's sentinels and service), never with a password.
    package var address: String {
        switch self {
        case .redis(let url): url.hostAndPort
        case .sentinel(let target): target.description
        case .cluster(let seeds): seeds.urls.map(\.hostAndPort).joined(separator: ",")
        case .memcached(let servers): servers.addresses.map(\.description).joined(separator: ",")
        case .memcachedDiscovery(let discovery): discovery.endpoint.description
        }
    }

    /// The Redis URLs it connects with (TLS settings are checked on these); none for memcached.
    package var redisURLs: [RedisURL] {
        switch self {
        case .redis(let url): [url]
        case .sentinel(let target): [target.dataNode]
        case .cluster(let seeds): seeds.urls
        case .memcached, .memcachedDiscovery: []
        }
    }
}

extension BackendEndpoint {
    /// The same backend reached through `route` (an SSH tunnel): every URL and address it connects with — a
    /// cluster's seeds, a Sentinel's sentinels and data node, a pool's servers — takes the route, and so do
    /// the nodes found from them.
    package func through(_ route: ConnectionRoute?) -> BackendEndpoint {
        guard let route else { return self }
        func routed(_ url: RedisURL) -> RedisURL {
            var url = url
            url.route = route
            return url
        }
        switch self {
        case .redis(let url):
            return .redis(routed(url))
        case .sentinel(var target):
            target.sentinels = target.sentinels.map(routed)
            target.dataNode = routed(target.dataNode)
            return .sentinel(target)
        case .cluster(let seeds):
            // The seeds were checked when they were first made.
            return (try? ClusterSeeds(seeds.urls.map(routed))).map(BackendEndpoint.cluster) ?? self
        case .memcached(let servers):
            return .memcached(servers.with { $0.route = route })
        case .memcachedDiscovery(var discovery):
            discovery.endpoint.access.route = route
            return .memcachedDiscovery(discovery)
        }
    }

    /// The TLS settings its connections use (none for plain connections).
    package var tlsSettings: [TLSSettings] {
        switch self {
        case .redis, .sentinel, .cluster: redisURLs.compactMap(\.tls)
        case .memcached(let servers): servers.addresses.compactMap(\.access.tls)
        case .memcachedDiscovery(let discovery): discovery.endpoint.access.tls.map { [$0] } ?? []
        }
    }

    /// Whether its connections use TLS.
    package var usesTLS: Bool { !tlsSettings.isEmpty }

    /// The route its connections take, when not direct.
    package var route: ConnectionRoute? {
        switch self {
        case .redis, .sentinel, .cluster: redisURLs.first?.route
        case .memcached(let servers): servers.addresses.first?.access.route
        case .memcachedDiscovery(let discovery): discovery.endpoint.access.route
        }
    }
}

/// The servers of a memcached backend: one, or a pool — never none.
package struct MemcachedServers: Sendable, Hashable {
    /// In the order given.
    package let addresses: [MemcachedAddress]

    package init(_ first: MemcachedAddress, _ more: [MemcachedAddress] = []) {
        addresses = [first] + more
    }

    /// `nil` for an empty list.
    package init?(_ addresses: [MemcachedAddress]) {
        guard let first = addresses.first else { return nil }
        self.init(first, Array(addresses.dropFirst()))
    }

    /// The same servers with `change` made to the access of each (TLS, a login, a route).
    package func with(_ change: (inout MemcachedAccess) -> Void) -> MemcachedServers {
        let changed = addresses.map { address in
            var address = address
            change(&address.access)
            return address
        }
        return MemcachedServers(changed[0], Array(changed.dropFirst()))
    }

    /// Parses `host:port[,host:port…]` (`memcacheds://…` for TLS).
    /// - Throws: ``Memcache/MemcachedError`` for an address that cannot be used.
    package init(parsing text: String) throws {
        let parsed = try MemcachedAddress.parseList(text)
        guard let servers = MemcachedServers(parsed) else { throw MemcachedError(.invalidAddress, "no memcached server in '\(text)'") }
        self = servers
    }
}

/// One backend the user asked to watch.
package struct BackendDescriptor: Sendable, Hashable {
    /// How it is named on screen and on the command line.
    package var name: String
    /// Where it is, with what connecting needs.
    package var endpoint: BackendEndpoint
    /// The application's key prefix on this backend (config `key_prefix`), when known.
    package var keyPrefix: String?
    /// Where its keys are split into groups (config `delimiters`); the standard ones when not given.
    package var delimiters: KeyDelimiters = .standard
    /// Its labels (config `tags`), in the order given.
    package var tags: [BackendTag] = []
    /// The file it was configured in (an included file's own path), for messages naming where it comes from.
    package var origin: String?
    /// Whether the name was given (config `name`) rather than derived from the type.
    package internal(set) var isNamed = false

    /// A backend at `endpoint`, named `name` (else after its kind, once the catalog numbers them).
    package init(name: String?, endpoint: BackendEndpoint, keyPrefix: String? = nil) {
        self.name = name ?? endpoint.kind.family
        self.endpoint = endpoint
        self.keyPrefix = keyPrefix
        isNamed = name != nil
    }

    /// What kind of server it is: `redisCluster` when configured as a cluster (`type = "redis-cluster"`).
    package var kind: BackendKind { endpoint.kind }

    /// `host:port` (a socket path; a pool's or a cluster's seeds `host:port,host:port`), never with a password.
    package var address: String { endpoint.address }

    /// The connection details of a Redis backend (a cluster's first seed, a Sentinel-managed master's data
    /// node credentials); `nil` for memcached.
    package var redisURL: RedisURL? { endpoint.redisURLs.first }

    /// Every seed of a backend configured as a Redis Cluster; `nil` otherwise.
    package var clusterSeeds: [RedisURL]? {
        if case .cluster(let seeds) = endpoint { return seeds.urls }
        return nil
    }

    /// The servers of a memcached backend (one, or a pool); `nil` otherwise.
    package var memcachedServers: [MemcachedAddress]? {
        if case .memcached(let servers) = endpoint { return servers.addresses }
        return nil
    }

    /// Whether this is a Sentinel URL naming `*`: every master its sentinels watch is a backend of its own.
    package var discoversMasters: Bool {
        if case .sentinel(let target) = endpoint { return target.namesEveryMaster }
        return false
    }

    /// The addresses a command line may use to pick this backend: the whole address and, for a pool or a
    /// cluster's seeds, each server.
    var selectableAddresses: [String] {
        switch endpoint {
        case .memcached(let servers) where servers.addresses.count > 1: [address] + servers.addresses.map(\.description)
        case .cluster(let seeds) where seeds.urls.count > 1: [address] + seeds.urls.map(\.hostAndPort)
        default: [address]
        }
    }
}

/// The backends of one run, in display order — config file order, then `--redis` flags, then
/// `--memcached` flags, each in the order given — with their names: the type when it is unique
/// (`redis`), else the type and its position among that type (`redis1`, `redis2`).
package struct BackendCatalog: Sendable {
    /// Every backend, in display order.
    package let backends: [BackendDescriptor]
    /// Sentinels whose every master is a backend (`redis+sentinel://h:p,h:p/*`): found while running.
    package let discoveries: [BackendDescriptor]

    /// Whether nothing is given: no backend and no discovery.
    package var isEmpty: Bool { backends.isEmpty && discoveries.isEmpty }

    /// Builds the catalog from `--redis` URLs and `--memcached` server lists (`host:port[,host:port…]`,
    /// a pool being one backend).
    /// - Parameters:
    ///   - tlsDefaults: the `--tls-*` flags, for every `rediss://` URL (options in a URL's query win) and
    ///     `memcacheds://` server list.
    ///   - route: how the backends of `redisURLs` and `memcachedServers` are reached (`--ssh`); the configured
    ///     ones carry their own.
    /// - Throws: ``MonitorError/invalidBackend(_:)`` for a URL or address that cannot be used (one line, password masked),
    ///   and for TLS files that cannot be read.
    package init(
        configured: [BackendDescriptor] = [], redisURLs: [String], memcachedServers: [String] = [], tlsDefaults: TLSSettings? = nil,
        memcachedDiscovery: [String] = [], route: ConnectionRoute? = nil
    ) throws {
        var backends = configured
        for text in redisURLs {
            do {
                if text.lowercased().hasPrefix("redis+sentinel://") {
                    backends.append(BackendDescriptor(name: nil, endpoint: .sentinel(try RedisSentinelTarget(parsing: text))))
                    continue
                }
                var url = try RedisURL(parsing: text)
                if let defaults = tlsDefaults, let tls = url.tls { url.tls = tls.filled(from: defaults) }
                backends.append(BackendDescriptor(name: nil, endpoint: .redis(url)))
            } catch let error as RedisError {
                throw MonitorError.invalidBackend("--redis: \(error.message)")
            }
        }
        for text in memcachedServers {
            do {
                var servers = try MemcachedServers(parsing: text)
                if let defaults = tlsDefaults { servers = servers.with { $0.tls = $0.tls?.filled(from: defaults) } }
                backends.append(BackendDescriptor(name: nil, endpoint: .memcached(servers)))
            } catch let error as MemcachedError {
                throw MonitorError.invalidBackend("--memcached: \(error.message)")
            }
        }
        for text in memcachedDiscovery {
            do {
                var endpoint = try MemcachedAddress(parsing: text)
                if let defaults = tlsDefaults { endpoint.access.tls = endpoint.access.tls?.filled(from: defaults) }
                backends.append(BackendDescriptor(name: nil, endpoint: .memcachedDiscovery(MemcachedDiscovery(endpoint: endpoint))))
            } catch let error as MemcachedError {
                throw MonitorError.invalidBackend("--memcached-discovery: \(error.message)")
            }
        }
        let flagged = backends.dropFirst(configured.count)
        if tlsDefaults != nil, !flagged.isEmpty, !flagged.contains(where: { $0.endpoint.usesTLS }) {
            throw MonitorError.invalidBackend(
                "the --tls-* options apply to rediss:// URLs and memcacheds:// servers, and no --redis or --memcached backend is one (write "
                    + "rediss://host:port or memcacheds://host:port)")
        }
        if let route {
            guard !flagged.isEmpty else {
                throw MonitorError.invalidBackend(
                    "--ssh applies to the --redis and --memcached backends, and none is given (in the configuration file, write ssh = \"HOST\" "
                        + "in the [[backend]] table)")
            }
            for index in configured.count..<backends.count { backends[index].endpoint = backends[index].endpoint.through(route) }
        }
        // A Sentinel URL naming `*` is no backend itself: each master its sentinels watch is.
        discoveries = backends.filter(\.discoversMasters)
        self.backends = Self.named(backends.filter { !$0.discoversMasters })
        var names = Set<String>()
        for (index, backend) in self.backends.enumerated() where !names.insert(backend.name.lowercased()).inserted {
            let first = self.backends[..<index].first { $0.name.lowercased() == backend.name.lowercased() }
            let files = [first?.origin, backend.origin].compactMap { $0 }
            let location = files.count == 2 && files[0] != files[1] ? " (in \(files[0]) and in \(files[1]))" : ""
            throw MonitorError.invalidBackend("two backends are named '\(backend.name)'\(location): give each a name of its own")
        }
        for backend in self.backends {
            for tls in backend.endpoint.tlsSettings {
                do {
                    _ = try tls.makeContext()
                } catch let error as TLSSettingsError {
                    throw MonitorError.invalidBackend("\(backend.name): \(error.message)")
                }
            }
        }
    }

    private init(selected backends: [BackendDescriptor], discoveries: [BackendDescriptor]) {
        self.backends = backends
        self.discoveries = discoveries
    }

    /// The backends `selection` chooses, in display order, and the tags it names that no backend carries at
    /// all (each worth a warning).
    /// - Throws: ``MonitorError/invalidBackend(_:)`` when no backend is left, naming the tags in use.
    package func selecting(_ selection: TagSelection) throws -> (catalog: BackendCatalog, unmatched: [BackendTag]) {
        guard !selection.choices.isEmpty else { return (self, []) }
        let carried = Set((backends + discoveries).flatMap(\.tags))
        let unmatched = selection.tags.filter { !carried.contains($0) }
        let chosen = backends.filter { selection.matches($0.tags) }
        let discovering = discoveries.filter { selection.matches($0.tags) }
        guard !chosen.isEmpty || !discovering.isEmpty else {
            let inUse = carried.sorted().map(\.name).joined(separator: ", ")
            throw MonitorError.invalidBackend(
                "--tag \(selection.description): no backend matches ("
                    + (inUse.isEmpty ? "no backend has tags: add tags = [\"prod\"] to a [[backend]] table" : "tags in use: \(inUse)") + ")")
        }
        return (BackendCatalog(selected: chosen, discoveries: discovering), unmatched)
    }

    /// Names the unnamed backends by type (`redis`), or type and position among the unnamed ones of that
    /// type (`redis1`, `redis2`) when there are several.
    private static func named(_ backends: [BackendDescriptor]) -> [BackendDescriptor] {
        var counts: [String: Int] = [:]
        for backend in backends where !backend.isNamed { counts[backend.kind.family, default: 0] += 1 }
        var seen: [String: Int] = [:]
        return backends.map { backend in
            guard !backend.isNamed else { return backend }
            var named = backend
            let family = backend.kind.family
            seen[family, default: 0] += 1
            named.name = (counts[family] ?? 0) > 1 ? "\(family)\(seen[family] ?? 1)" : family
            return named
        }
    }

    /// The backend a command names: by name (`redis2`), by `host:port`, or by its number (`1`); when
    /// `name` is `nil`, the only backend.
    /// - Throws: ``MonitorError/invalidBackend(_:)`` naming what exists.
    package func select(_ name: String?) throws -> BackendDescriptor {
        guard !backends.isEmpty else {
            throw MonitorError.invalidBackend(
                "no backend given: add --redis URL or --memcached HOST:PORT (for example --redis redis://127.0.0.1:6379), or a "
                    + "[[backend]] table to the configuration file"
            )
        }
        guard let name else {
            guard backends.count == 1, let only = backends.first else {
                throw MonitorError.invalidBackend("\(backends.count) backends are given (\(listing)): name one, e.g. `\(backends[0].name)`")
            }
            return only
        }
        if let match = backends.first(where: { $0.name.lowercased() == name.lowercased() }) { return match }
        if let number = Int(name), (1...backends.count).contains(number) { return backends[number - 1] }
        let byAddress = backends.filter { $0.selectableAddresses.contains(name) }
        if byAddress.count == 1, let match = byAddress.first { return match }
        if byAddress.count > 1 { throw MonitorError.invalidBackend("'\(name)' matches \(byAddress.count) backends: use a name (\(listing))") }
        throw MonitorError.invalidBackend("no backend '\(name)': the backends are \(listing)")
    }

    private var listing: String { backends.map { "\($0.name) (\($0.address))" }.joined(separator: ", ") }
}

extension BackendDescriptor {
    /// A `Caching` backend writing to this server (what the demo's `/redis` and `/memcached` routes use).
    package func makeCacheBackend() -> any CacheBackend {
        switch endpoint {
        case .redis(let url): RedisCache(client: RedisDeployment(url: url))
        case .sentinel(let target): RedisCache(client: RedisDeployment(sentinel: target))
        case .cluster(let seeds): RedisCache(client: RedisDeployment(clusterSeeds: seeds))
        case .memcached(let servers): MemcachedCache(pool: MemcachedPool(addresses: servers.addresses))
        // The demo writes through the configuration endpoint (on ElastiCache, one of the nodes).
        case .memcachedDiscovery(let discovery): MemcachedCache(pool: MemcachedPool(addresses: [discovery.endpoint]))
        }
    }

    /// The monitoring source for this backend (nothing connects yet).
    package func makeSource() -> any CacheSource {
        switch endpoint {
        case .redis(let url): RedisSource(name: name, url: url)
        case .sentinel(let target): RedisSource(name: name, sentinel: target)
        case .cluster(let seeds): RedisSource(name: name, clusterSeeds: seeds)
        case .memcached(let servers): MemcachedSource(name: name, addresses: servers.addresses)
        case .memcachedDiscovery(let discovery): MemcachedSource(name: name, discovery: discovery)
        }
    }

    /// This backend as the run watches it: its source made (nothing connects yet), with `id`.
    package func monitored(id: BackendID) -> MonitoredBackend {
        MonitoredBackend(id: id, source: makeSource(), keyPrefix: keyPrefix.map { Array($0.utf8) }, delimiters: delimiters, tags: tags)
    }
}

extension BackendCatalog {
    /// Every backend of the catalog as the run watches it, numbered in display order from `first` (the
    /// demo's own cache, when it runs, comes first).
    package func monitoredBackends(from first: Int = 0) -> [MonitoredBackend] {
        backends.enumerated().map { $0.element.monitored(id: BackendID(first + $0.offset)) }
    }
}
