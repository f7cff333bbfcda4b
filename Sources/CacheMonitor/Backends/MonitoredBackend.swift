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
/// address, the application's key prefix, and the source that talks to it.
///
/// What it can do besides being watched is what its source conforms to: ``browsing``, ``deletion``, ``expiry``,
/// ``keyspace``, ``traffic``, ``health``, ``clients`` and ``metrics`` are each the source seen through one
/// capability port, or `nil`. What its servers refused at run time is kept in ``answers`` (by ``using(_:_:)``)
/// and narrows ``availability(of:)``.
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
    /// What talks to it.
    package let source: any CacheSource
    /// What its servers answered about each feature so far (shared by every copy of this value).
    package let answers: FeatureAnswers
    /// The labels it carries (config `tags`), for `--tag`, the group view and the metrics' `tag_<name>` labels.
    package let tags: [BackendTag]

    /// A backend from its source, which knows its name, kind, address and TLS state.
    package init(
        id: BackendID, source: any CacheSource, keyPrefix: [UInt8]? = nil, delimiters: KeyDelimiters = .standard, tags: [BackendTag] = []
    ) {
        self.init(
            id: id, name: source.name, kind: source.kind, address: source.address, keyPrefix: keyPrefix, delimiters: delimiters, tls: source.tls,
            tags: tags, source: source)
    }

    /// A backend with every part given (tests describe backends their source does not).
    package init(
        id: BackendID, name: String, kind: BackendKind, address: String, keyPrefix: [UInt8]? = nil, delimiters: KeyDelimiters = .standard,
        tls: TLSState = .plain, tags: [BackendTag] = [], source: any CacheSource
    ) {
        self.id = id
        self.tags = tags
        self.name = name
        self.kind = kind
        self.address = address
        self.keyPrefix = keyPrefix
        self.delimiters = delimiters
        self.tls = tls
        self.source = source
        answers = FeatureAnswers()
    }

    package static func == (lhs: MonitoredBackend, rhs: MonitoredBackend) -> Bool { lhs.id == rhs.id }
    package func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Backends for `sources`, numbered in order from `first`.
    package static func numbered(_ sources: [any CacheSource], from first: Int = 0) -> [MonitoredBackend] {
        sources.enumerated().map { MonitoredBackend(id: BackendID(first + $0.offset), source: $0.element) }
    }
}

extension MonitoredBackend {
    /// Its keys listed and read (the key browser, `cachescope keys`).
    package var browsing: (any KeyBrowsingSource)? { source as? any KeyBrowsingSource }
    /// Keys deleted, given or by prefix (`d`, `D`, `cachescope invalidate`).
    package var deletion: (any KeyDeletionSource)? { source as? any KeyDeletionSource }
    /// TTLs set or removed (`T`).
    package var expiry: (any KeyExpirySource)? { source as? any KeyExpirySource }
    /// The keyspace read for insights (`i`, `cachescope analyze`).
    package var keyspace: (any KeyspaceSource)? { source as? any KeyspaceSource }
    /// The traffic sampled (`w`, `cachescope traffic`).
    package var traffic: (any TrafficSource)? { source as? any TrafficSource }
    /// Each server's health read (`h`, `cachescope health`, the attention rules).
    package var health: (any HealthSource)? { source as? any HealthSource }
    /// Client connections closed (`K`).
    package var clients: (any ClientControlSource)? { source as? any ClientControlSource }
    /// Metrics under the exporters' names (`cachescope serve`).
    package var metrics: (any MetricsSource)? { source as? any MetricsSource }
    /// Key sizes as the server counts them (`INFO keysizes`, Redis ≥ 8.0): the keyspace screen's first pass.
    package var keySizes: (any KeySizeSource)? { source as? any KeySizeSource }
    /// What each server allows of each feature (`cachescope check`, the capabilities view).
    package var capabilities: (any CapabilitySource)? { source as? any CapabilitySource }

    /// Whether the backend's type offers `feature` (its source conforms to the feature's port).
    package func offers(_ feature: BackendFeature) -> Bool {
        switch feature {
        case .keyBrowsing: browsing != nil
        case .keyDeletion: deletion != nil
        case .keyExpiry: expiry != nil
        case .keyspace: keyspace != nil
        case .traffic: traffic != nil
        case .health: health != nil
        case .clientControl: clients != nil
        case .metrics: metrics != nil
        }
    }

    /// Whether `feature` can be used now: offered by the backend's type, and not refused by every server
    /// that answered about it.
    package func availability(of feature: BackendFeature) -> FeatureAvailability {
        guard offers(feature) else { return .notOffered }
        let answers = answers.answers(for: feature)
        let refused = answers.filter {
            if case .refused = $0.answer { return true }
            return false
        }
        if !refused.isEmpty, refused.count == answers.count { return .refused(refused) }
        return .available(refusedOn: refused)
    }

    /// The port of `feature` (`\.traffic` for `.traffic`), when the feature can be used now.
    /// - Throws: ``MonitorError/unavailable(_:)`` saying why it cannot (``unavailableReason(_:)``).
    package func port<Port>(_ path: KeyPath<MonitoredBackend, Port?>, for feature: BackendFeature) throws -> Port {
        if let reason = unavailableReason(feature) { throw MonitorError.unavailable(reason) }
        guard let port = self[keyPath: path] else { throw MonitorError.unavailable("\(name) has no \(feature.title)") }
        return port
    }

    /// Why `feature` cannot be used, in one line (`nil` when it can): what the backend's type lacks, or each
    /// server's refusal in its own words.
    package func unavailableReason(_ feature: BackendFeature) -> String? {
        switch availability(of: feature) {
        case .available: return nil
        case .notOffered where source.isRecording: return "\(name) is replayed from a recording, which keeps its figures, not its \(feature.title)"
        case .notOffered: return "\(name) is \(kind.phrase): it has no \(feature.title)"
        case .refused(let answers):
            let reasons = answers.compactMap { answer -> String? in
                guard case .refused(let refusal) = answer.answer else { return nil }
                return answer.server.isEmpty ? refusal.description : "\(answer.server): \(refusal.description)"
            }
            return "\(name): no \(feature.title) — " + reasons.joined(separator: "; ")
        }
    }
}

extension MonitoredBackend {
    /// Asks every server what it allows (``CapabilitySource``) and keeps the answers: a feature unavailable on
    /// a server is refused there (with the first command it refused, or its remedy), one that works is
    /// supported. Later uses refine them; a reconnect forgets them.
    package func checkCapabilities(_ options: CapabilityCheckOptions) async throws -> CapabilityReport {
        guard let port = capabilities else {
            throw MonitorError.unavailable(
                source.isRecording ? "\(name) is replayed from a recording: no server to ask" : "\(name) cannot say what it allows")
        }
        let report = try await port.checkCapabilities(options)
        for server in report.servers {
            for check in server.features {
                // Read-only is this run's choice, not the server's answer.
                guard let feature = check.feature.backendFeature, !(check.feature == .invalidate && options.readOnly) else { continue }
                if check.status == .unavailable {
                    let refusal =
                        check.refused.first
                        ?? Refusal(.notSupported, command: check.feature.title, message: check.remedy ?? "not available on this server")
                    answers.record(.refused(refusal), for: feature, on: server.address)
                } else {
                    answers.record(.supported, for: feature, on: server.address)
                }
            }
        }
        return report
    }

    /// Runs `body`, a use of `features`, and keeps what it tells: a refusal it throws
    /// (``MonitorError/refused(_:server:_:)``) as that server's answer, success as the backend's.
    package func using<Result>(_ features: [BackendFeature], _ body: () async throws -> Result) async rethrows -> Result {
        do {
            let result = try await body()
            for feature in features { answers.record(.supported, for: feature) }
            return result
        } catch {
            if case MonitorError.refused(let feature, let server, let refusal) = error { answers.record(.refused(refusal), for: feature, on: server) }
            throw error
        }
    }
}
