import Caching
import ConnectionSupport
import Memcache
import RESP

/// One backend the user asked to watch.
package struct BackendDescriptor: Sendable, Hashable {
    /// How it is named on screen and on the command line.
    package var name: String
    /// What kind of server it is: `redisCluster` when configured as a cluster (`type = "redis-cluster"`).
    package var kind: BackendKind
    /// The connection details of a Redis backend (a cluster's first seed).
    package var redisURL: RedisURL?
    /// The sentinels and service of a Sentinel-managed Redis (`redis+sentinel://`, `type = "redis-sentinel"`).
    package var sentinel: RedisSentinelTarget?
    /// Every seed of a backend configured as a Redis Cluster (`type = "redis-cluster"`); `nil` otherwise —
    /// a plain `redis://` URL is still watched as a cluster when its server turns out to be a cluster node.
    package var clusterSeeds: [RedisURL]?
    /// The servers of a memcached backend (one, or a pool).
    package var memcachedServers: [MemcachedAddress]?
    /// The application's key prefix on this backend (config `key_prefix`), when known.
    package var keyPrefix: String?
    /// Where its keys are split into groups (config `delimiters`); the standard ones when not given.
    package var delimiters: KeyDelimiters = .standard
    /// Whether the name was given (config `name`) rather than derived from the type.
    var isNamed = false

    /// A backend from its parts (a configuration file's table); with `clusterSeeds` it is a cluster.
    package init(
        name: String?, kind: BackendKind, redisURL: RedisURL? = nil, clusterSeeds: [RedisURL]? = nil, memcachedServers: [MemcachedAddress]? = nil,
        keyPrefix: String? = nil
    ) {
        self.name = name ?? kind.family
        self.kind = clusterSeeds != nil ? .redisCluster : kind
        self.redisURL = redisURL ?? clusterSeeds?.first
        self.clusterSeeds = clusterSeeds
        self.memcachedServers = memcachedServers
        self.keyPrefix = keyPrefix
        isNamed = name != nil
    }

    /// `host:port` (a socket path; a pool's or a cluster's seeds `host:port,host:port`), never with a password.
    package var address: String {
        if let sentinel { return sentinel.description }
        return clusterSeeds.map { $0.map(\.hostAndPort).joined(separator: ",") }
            ?? redisURL?.hostAndPort ?? memcachedServers.map { $0.map(\.description).joined(separator: ",") } ?? ""
    }

    /// The addresses a command line may use to pick this backend: the whole address and, for a pool or a
    /// cluster's seeds, each server.
    var selectableAddresses: [String] {
        [address] + (memcachedServers.map { $0.count > 1 ? $0.map(\.description) : [] } ?? [])
            + (clusterSeeds.map { $0.count > 1 ? $0.map(\.hostAndPort) : [] } ?? [])
    }
}

/// The backends of one run, in display order — config file order, then `--redis` flags, then
/// `--memcached` flags, each in the order given — with their names: the type when it is unique
/// (`redis`), else the type and its position among that type (`redis1`, `redis2`).
package struct BackendCatalog: Sendable {
    /// Every backend, in display order.
    package let backends: [BackendDescriptor]

    /// Builds the catalog from `--redis` URLs and `--memcached` server lists (`host:port[,host:port…]`,
    /// a pool being one backend).
    /// - Parameter tlsDefaults: the `--tls-*` flags, for every `rediss://` URL (options in a URL's query win).
    /// - Throws: ``MonitorError/invalidBackend(_:)`` for a URL or address that cannot be used (one line, password masked),
    ///   and for TLS files that cannot be read.
    package init(configured: [BackendDescriptor] = [], redisURLs: [String], memcachedServers: [String] = [], tlsDefaults: TLSSettings? = nil) throws {
        var backends = configured
        for text in redisURLs {
            do {
                if text.lowercased().hasPrefix("redis+sentinel://") {
                    var descriptor = BackendDescriptor(name: nil, kind: .redis)
                    let target = try RedisSentinelTarget(parsing: text)
                    descriptor.sentinel = target
                    descriptor.redisURL = target.dataNode
                    backends.append(descriptor)
                    continue
                }
                var url = try RedisURL(parsing: text)
                if let defaults = tlsDefaults, let tls = url.tls { url.tls = tls.filled(from: defaults) }
                backends.append(BackendDescriptor(name: nil, kind: .redis, redisURL: url))
            } catch let error as RedisError {
                throw MonitorError.invalidBackend("--redis: \(error.message)")
            }
        }
        if tlsDefaults != nil, !redisURLs.isEmpty, !backends.contains(where: { $0.redisURL?.tls != nil }) {
            throw MonitorError.invalidBackend("the --tls-* options apply to rediss:// URLs, and no --redis URL is one (write rediss://host:port)")
        }
        for text in memcachedServers {
            do {
                backends.append(BackendDescriptor(name: nil, kind: .memcached, memcachedServers: try MemcachedAddress.parseList(text)))
            } catch let error as MemcachedError {
                throw MonitorError.invalidBackend("--memcached: \(error.message)")
            }
        }
        self.backends = Self.named(backends)
        var names = Set<String>()
        for backend in self.backends where !names.insert(backend.name.lowercased()).inserted {
            throw MonitorError.invalidBackend("two backends are named '\(backend.name)': give each a name of its own")
        }
        for backend in self.backends {
            let urls = backend.clusterSeeds ?? backend.redisURL.map { [$0] } ?? []
            for url in urls {
                guard let tls = url.tls else { continue }
                do {
                    _ = try tls.makeContext()
                } catch let error as TLSSettingsError {
                    throw MonitorError.invalidBackend("\(backend.name): \(error.message)")
                }
            }
        }
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
    package func makeCacheBackend() throws -> any CacheBackend {
        switch kind {
        case .redis, .redisCluster:
            return RedisCache(client: try redisDeployment())
        case .memcached:
            guard let memcachedServers, !memcachedServers.isEmpty else { throw MonitorError.invalidBackend("\(name) has no memcached servers") }
            return MemcachedCache(pool: MemcachedPool(addresses: memcachedServers))
        case .inProcess:
            throw MonitorError.invalidBackend("\(name) is an in-process cache: it is the process's own, not a server to write to")
        }
    }

    /// The Redis server or cluster this backend names.
    private func redisDeployment() throws -> RedisDeployment {
        if let sentinel { return RedisDeployment(sentinel: sentinel) }
        if let clusterSeeds {
            do {
                return try RedisDeployment(clusterSeeds: clusterSeeds)
            } catch let error as RedisError {
                throw MonitorError.invalidBackend("\(name): \(error.message)")
            }
        }
        guard let redisURL else { throw MonitorError.invalidBackend("\(name) has no Redis URL") }
        return RedisDeployment(url: redisURL)
    }

    /// The monitoring source for this backend (nothing connects yet).
    /// - Throws: ``MonitorError/invalidBackend(_:)`` for a descriptor without its address (a Redis URL or memcached servers).
    package func makeSource() throws -> any CacheSource {
        switch kind {
        case .redis, .redisCluster:
            if let sentinel { return RedisSource(name: name, sentinel: sentinel) }
            if let clusterSeeds {
                do {
                    return try RedisSource(name: name, clusterSeeds: clusterSeeds)
                } catch let error as RedisError {
                    throw MonitorError.invalidBackend("\(name): \(error.message)")
                }
            }
            guard let redisURL else { throw MonitorError.invalidBackend("\(name) has no Redis URL") }
            return RedisSource(name: name, url: redisURL)
        case .memcached:
            guard let memcachedServers, !memcachedServers.isEmpty else { throw MonitorError.invalidBackend("\(name) has no memcached servers") }
            return MemcachedSource(name: name, addresses: memcachedServers)
        case .inProcess:
            throw MonitorError.invalidBackend("\(name) is an in-process cache: its source is made from the cache itself")
        }
    }

    /// This backend as the run watches it: its source made (nothing connects yet), with `id`.
    package func monitored(id: BackendID) throws -> MonitoredBackend {
        MonitoredBackend(id: id, source: try makeSource(), keyPrefix: keyPrefix.map { Array($0.utf8) }, delimiters: delimiters)
    }
}

extension BackendCatalog {
    /// Every backend of the catalog as the run watches it, numbered in display order from `first` (the
    /// demo's own cache, when it runs, comes first).
    package func monitoredBackends(from first: Int = 0) throws -> [MonitoredBackend] {
        try backends.enumerated().map { try $0.element.monitored(id: BackendID(first + $0.offset)) }
    }
}
