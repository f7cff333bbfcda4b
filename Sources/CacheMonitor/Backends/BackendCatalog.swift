import RESP

/// One backend the user asked to watch.
public struct BackendDescriptor: Sendable, Hashable {
    /// The kinds of servers cachescope talks to.
    public enum Kind: String, Sendable, Hashable {
        case redis
        case memcached
    }

    /// How it is named on screen and on the command line.
    public var name: String
    /// What kind of server it is.
    public var kind: Kind
    /// The connection details of a Redis backend.
    public var redisURL: RedisURL?

    /// `host:port` (or a socket path), never with a password.
    public var address: String { redisURL?.hostAndPort ?? "" }
}

/// The backends of one run, in display order — config file order, then `--redis` flags, then
/// `--memcached` flags, each in the order given — with their names: the type when it is unique
/// (`redis`), else the type and its position among that type (`redis1`, `redis2`).
public struct BackendCatalog: Sendable {
    /// Every backend, in display order.
    public let backends: [BackendDescriptor]

    /// Builds the catalog from `--redis` URLs.
    /// - Throws: ``BackendCatalogError`` for a URL that cannot be used (one line, password masked).
    public init(redisURLs: [String]) throws {
        var redis: [BackendDescriptor] = []
        for text in redisURLs {
            do {
                redis.append(BackendDescriptor(name: "redis", kind: .redis, redisURL: try RedisURL(parsing: text)))
            } catch let error as RedisError {
                throw BackendCatalogError(message: "--redis: \(error.message)")
            }
        }
        backends = Self.named(redis)
    }

    private static func named(_ backends: [BackendDescriptor]) -> [BackendDescriptor] {
        var counts: [BackendDescriptor.Kind: Int] = [:]
        for backend in backends { counts[backend.kind, default: 0] += 1 }
        var seen: [BackendDescriptor.Kind: Int] = [:]
        return backends.map { backend in
            var named = backend
            seen[backend.kind, default: 0] += 1
            named.name = (counts[backend.kind] ?? 0) > 1 ? "\(backend.kind.rawValue)\(seen[backend.kind] ?? 1)" : backend.kind.rawValue
            return named
        }
    }

    /// The backend a command names: by name (`redis2`), by `host:port`, or by its number (`1`); when
    /// `name` is `nil`, the only backend.
    /// - Throws: ``BackendCatalogError`` naming what exists.
    public func select(_ name: String?) throws -> BackendDescriptor {
        guard !backends.isEmpty else {
            throw BackendCatalogError(message: "no backend given: add --redis URL (for example --redis redis://127.0.0.1:6379)")
        }
        guard let name else {
            guard backends.count == 1, let only = backends.first else {
                throw BackendCatalogError(message: "\(backends.count) backends are given (\(listing)): name one, e.g. `\(backends[0].name)`")
            }
            return only
        }
        if let match = backends.first(where: { $0.name.lowercased() == name.lowercased() }) { return match }
        if let number = Int(name), (1...backends.count).contains(number) { return backends[number - 1] }
        let byAddress = backends.filter { $0.address == name }
        if byAddress.count == 1, let match = byAddress.first { return match }
        if byAddress.count > 1 { throw BackendCatalogError(message: "'\(name)' matches \(byAddress.count) backends: use a name (\(listing))") }
        throw BackendCatalogError(message: "no backend '\(name)': the backends are \(listing)")
    }

    private var listing: String { backends.map { "\($0.name) (\($0.address))" }.joined(separator: ", ") }
}

/// A backend list or selection that cannot be used; the message is one line.
public struct BackendCatalogError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
