import ConnectionSupport

/// How connections to a memcached server are made besides its address: over TLS (`memcacheds://`, memcached
/// started with `-Z`), logged in (memcached ≥ 1.5.15 started with `-Y`), through a route (an SSH tunnel).
public struct MemcachedAccess: Sendable, Hashable {
    /// TLS settings; `nil` for plain text.
    public var tls: TLSSettings?
    /// The user and password of the text protocol's login; `nil` for none.
    public var credentials: MemcachedCredentials?
    /// How connections reach the server: directly (`nil`), or through a route.
    public var route: ConnectionRoute?

    public init(tls: TLSSettings? = nil, credentials: MemcachedCredentials? = nil, route: ConnectionRoute? = nil) {
        self.tls = tls
        self.credentials = credentials
        self.route = route
    }
}

/// A login for memcached's text protocol (`-Y` auth file): the client's first command is a `set` whose
/// data is `user password`.
public struct MemcachedCredentials: Sendable, Hashable {
    public var username: String
    public var password: PasswordSource

    public init(username: String, password: PasswordSource) {
        self.username = username
        self.password = password
    }
}

extension MemcachedCredentials {
    /// The login command (`renewing`: a password command is asked again rather than reused).
    /// - Throws: ``MemcachedError`` `.authenticationFailed` naming `peer` when the password cannot be had.
    func loginCommand(for peer: String, renewing: Bool = false) async throws -> MemcachedCommand {
        do {
            return .login(username: username, password: try await password.password(renewing: renewing))
        } catch let error as PasswordCommandError {
            throw MemcachedError(.authenticationFailed, "cannot log in to \(peer): \(error.message)")
        }
    }
}
