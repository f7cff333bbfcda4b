/// A way to reach servers other than connecting to them directly — a tunnel through a bastion. Connections
/// made with a route still name the server by its own address; only the socket they open is the route's.
public protocol RouteProvider: AnyObject, Sendable {
    /// What the route is, for messages: `ssh bastion`.
    var label: String { get }
    /// The endpoint to connect to in order to reach `target` (set up on first use, again after the route
    /// failed).
    /// - Throws: ``ConnectFailure`` naming the route and why it cannot be used.
    func endpoint(reaching target: ServerEndpoint) async throws -> ServerEndpoint
    /// The last thing the route itself said about a connection it could not carry (a bastion that cannot
    /// reach the server), when it said anything.
    func recentComplaint() -> String?
}

/// A route connections take (see ``RouteProvider``); two routes are the same route when they share their
/// provider, so every backend behind one bastion shares its tunnel.
public struct ConnectionRoute: Sendable, Hashable, CustomStringConvertible {
    public let provider: any RouteProvider

    public init(_ provider: any RouteProvider) {
        self.provider = provider
    }

    public var description: String { provider.label }

    public static func == (left: ConnectionRoute, right: ConnectionRoute) -> Bool {
        left.provider === right.provider
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(provider))
    }
}
