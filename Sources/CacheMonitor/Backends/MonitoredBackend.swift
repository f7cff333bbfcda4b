/// Which backend, for the whole run: its place in display order, given once when the backends are made.
package struct BackendID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0 for the first backend shown.
    package let position: Int

    package init(_ position: Int) {
        self.position = position
    }

    package static func < (lhs: BackendID, rhs: BackendID) -> Bool { lhs.position < rhs.position }

    /// `#1` for the first backend (as the overview numbers them).
    package var description: String { "#\(position + 1)" }
}

/// One backend of this run, made once from the configuration and the flags and passed to everything that
/// works on it — the poller, the dashboard, the change engine, the commands: its identity, name, kind,
/// address, the application's key prefix, what it can do, and the source that talks to it.
///
/// Two values are the same backend when their ``id``s are equal.
package struct MonitoredBackend: Sendable, Hashable, Identifiable {
    package let id: BackendID
    /// The name shown and used on the command line (`redis`, `redis2`, a configured name).
    package let name: String
    /// The kind as configured; a `redis://` URL that turns out to be a cluster node is watched as the
    /// cluster, and the snapshot's ``BackendSnapshot/kind`` then says so.
    package let kind: BackendKind
    /// Where it is (`host:port`, a pool's `host:port,host:port`), never with a password.
    package let address: String
    /// The application's key prefix on it (config `key_prefix`, the demo's `cachescope_demo:`), so keys are
    /// labelled past it and Flask-Caching routes found under it; `nil` when unknown.
    package let keyPrefix: [UInt8]?
    /// Where its keys are split into prefix groups (the key browser's tree, insights).
    package let delimiters: KeyDelimiters
    package let tls: TLSState
    package let capabilities: BackendCapabilities
    /// What talks to it.
    package let source: any CacheSource

    /// A backend from its source, which knows its name, kind, address and TLS state.
    package init(id: BackendID, source: any CacheSource, keyPrefix: [UInt8]? = nil, delimiters: KeyDelimiters = .standard) {
        self.init(
            id: id, name: source.name, kind: source.kind, address: source.address, keyPrefix: keyPrefix, delimiters: delimiters, tls: source.tls,
            capabilities: source.capabilities, source: source
        )
    }

    /// A backend with every part given (tests describe backends their source does not).
    package init(
        id: BackendID, name: String, kind: BackendKind, address: String, keyPrefix: [UInt8]? = nil, delimiters: KeyDelimiters = .standard,
        tls: TLSState = .plain, capabilities: BackendCapabilities = .all, source: any CacheSource
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.address = address
        self.keyPrefix = keyPrefix
        self.delimiters = delimiters
        self.tls = tls
        self.capabilities = capabilities
        self.source = source
    }

    package static func == (lhs: MonitoredBackend, rhs: MonitoredBackend) -> Bool { lhs.id == rhs.id }
    package func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Backends for `sources`, numbered in order from `first`.
    package static func numbered(_ sources: [any CacheSource], from first: Int = 0) -> [MonitoredBackend] {
        sources.enumerated().map { MonitoredBackend(id: BackendID(first + $0.offset), source: $0.element) }
    }
}
