import ConnectionSupport
import RESP

/// The kinds of backend cachescope watches; the raw value is the `type` `snapshot --json` prints.
package enum BackendKind: String, Sendable, Hashable, CaseIterable {
    /// One Redis server.
    case redis
    /// A Redis Cluster, watched as one backend with a row per node.
    case redisCluster = "redis-cluster"
    /// One memcached server or a pool of them.
    case memcached
    /// A cache inside this process (the demo's `SimpleCache`).
    case inProcess = "in-process"

    /// What unnamed backends are called after (`redis`, then `redis1`, `redis2` when there are several): a
    /// configured cluster is a `redis` too.
    package var family: String { self == .redisCluster ? BackendKind.redis.rawValue : rawValue }

    /// What it is, in a sentence (`sessions is an in-process cache`).
    package var phrase: String {
        switch self {
        case .redis: "a Redis server"
        case .redisCluster: "a Redis Cluster"
        case .memcached: "a memcached backend"
        case .inProcess: "an in-process cache"
        }
    }

    /// Whether the backend is made of servers the overview lists under its row (a cluster's nodes, a pool's
    /// servers), even when there is only one.
    package var hasServerRows: Bool { self == .redisCluster || self == .memcached }
}

/// A cluster node's part: a master serves slots, a replica copies one master.
package enum NodeRole: String, Sendable, Hashable {
    case master
    case replica
}

/// How a cluster sees a node (`online`, `suspected`, `failed`, `loading`).
package typealias NodeHealth = ClusterNodeHealth

/// How the connection to a backend is secured.
package enum TLSState: Sendable, Hashable {
    /// No TLS (a plain connection, a socket, the process itself).
    case plain
    /// TLS with the certificate and the host name checked.
    case verified
    /// TLS with the certificate checked but not the host name.
    case hostnameNotChecked
    /// TLS without any check of the certificate (`--tls-skip-verify`).
    case notVerified

    /// `TLS`, `TLS, hostname not checked`, `TLS, certificate NOT verified`; `nil` for a plain connection —
    /// what the dashboard and `snapshot` (`"tls"`) say.
    package var summary: String? {
        switch self {
        case .plain: nil
        case .verified: "TLS"
        case .hostnameNotChecked: "TLS, hostname not checked"
        case .notVerified: "TLS, certificate NOT verified"
        }
    }
}

extension TLSState {
    /// The state of a connection made with `settings` (`nil`: plain).
    package init(_ settings: TLSSettings?) {
        guard let verification = settings?.verification else {
            self = .plain
            return
        }
        switch verification {
        case .full: self = .verified
        case .caOnly: self = .hostnameNotChecked
        case .none: self = .notVerified
        }
    }
}
