/// Which server software answers (`"flavor"`): Valkey says `redis_version:7.2.4` for compatibility, so the
/// flavour is read from what only Valkey says (`valkey_version`, `server_name:valkey`).
package enum ServerFlavor: String, Sendable, Hashable {
    case redis
    case valkey
    case memcached
    /// The Caching library's in-process cache.
    case inProcess = "in-process"
}

/// One server's identity as it answered, and what it allows of each feature.
package struct ServerCapabilities: Sendable, Hashable {
    /// `host:port`; empty for an in-process cache.
    package var address: String
    /// The server's own version (Valkey's `valkey_version`, not its compatibility `redis_version`).
    package var version: String?
    package var flavor: ServerFlavor
    /// `master`, `replica`, `sentinel-managed master`…; `nil` where servers have no role (memcached).
    package var role: String?
    package var tls: Bool
    /// The user it logged in as (`ACL WHOAMI`, or the URL's, or `default`); `nil` where there are no users.
    package var user: String?
    /// One entry per ``CheckedFeature``, in their order.
    package var features: [FeatureCheck]

    package init(
        address: String, version: String?, flavor: ServerFlavor, role: String?, tls: Bool, user: String?, features: [FeatureCheck]
    ) {
        self.address = address
        self.version = version
        self.flavor = flavor
        self.role = role
        self.tls = tls
        self.user = user
        self.features = features
    }

    /// `127.0.0.1:6379  valkey 9.1.2  master  user default  TLS`, its parts joined by `separator`.
    package func identity(separator: String = "  ") -> String {
        var parts: [String] = []
        if !address.isEmpty { parts.append(address) }
        parts.append([flavor.rawValue, version].compactMap { $0 }.joined(separator: " "))
        if let role { parts.append(role) }
        if let user { parts.append("user \(user)") }
        if flavor != .inProcess { parts.append(tls ? "TLS" : "plain") }
        return parts.joined(separator: separator)
    }

    /// The check of `feature`.
    package func check(of feature: CheckedFeature) -> FeatureCheck? { features.first { $0.feature == feature } }
}

/// What every server of a backend allows (`cachescope check`, the dashboard's capabilities view).
package struct CapabilityReport: Sendable, Hashable {
    package var servers: [ServerCapabilities]
    /// Servers that did not answer, and why.
    package var missing: [KeyspaceCensus.MissingNode]

    package init(servers: [ServerCapabilities], missing: [KeyspaceCensus.MissingNode] = []) {
        self.servers = servers
        self.missing = missing
    }

    /// Whether every server answered.
    package var everyServerAnswered: Bool { missing.isEmpty && !servers.isEmpty }
}

/// What a check may do to learn what the servers allow.
package struct CapabilityCheckOptions: Sendable, Hashable {
    /// No change may be made (`--read-only`): invalidation is reported unavailable without asking.
    package var readOnly: Bool

    package init(readOnly: Bool = false) {
        self.readOnly = readOnly
    }
}

/// Port of the capability check (`cachescope check`, the dashboard's capabilities view): a backend that can
/// say, per server, what it allows of each feature — asked with harmless commands (a read of a key that does
/// not exist, `UNLINK` of one, a `MONITOR` closed at once), never depending on `COMMAND` or `CONFIG` answering.
package protocol CapabilitySource: CacheSource {
    /// Asks every server; a server that cannot be reached is named in ``CapabilityReport/missing``.
    /// - Throws: when no server answers at all (one line).
    func checkCapabilities(_ options: CapabilityCheckOptions) async throws -> CapabilityReport
}
