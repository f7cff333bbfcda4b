/// A Redis master found through Sentinel: the sentinels to ask, the service (master name) they watch, and how
/// to log in to the data nodes (`redis+sentinel://[user:password@]host:port[,host:port…]/SERVICE[/db]`).
public struct RedisSentinelTarget: Sendable, Hashable, CustomStringConvertible {
    /// The sentinels, each a `redis://host:port` (with the sentinels' own credentials, if any).
    public var sentinels: [RedisURL]
    /// The master name the sentinels know (`sentinel monitor <name> …`).
    public var service: String
    /// Credentials, database and TLS of the data nodes; its address is replaced by the master's.
    public var dataNode: RedisURL

    public init(sentinels: [RedisURL], service: String, dataNode: RedisURL) {
        self.sentinels = sentinels
        self.service = service
        self.dataNode = dataNode
    }

    /// Parses `redis+sentinel://[user:password@]host:port[,host:port…]/SERVICE[/db]`; the credentials are the
    /// data nodes' (the sentinels are asked without, unless ``sentinels`` are given credentials of their own).
    /// - Throws: ``RedisError`` `.invalidURL` with one line (the password masked).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces
        func fail(_ reason: String) -> RedisError {
            RedisError(.invalidURL, "invalid Sentinel URL '\(RedisURL.masked(trimmed))': \(reason)")
        }
        guard let schemeEnd = trimmed.range(of: "://"), trimmed[..<schemeEnd.lowerBound].lowercased() == "redis+sentinel" else {
            throw fail("it must start with redis+sentinel://")
        }
        var rest = trimmed[schemeEnd.upperBound...]
        var credentials = ""
        if let at = rest.lastIndex(of: "@") {
            credentials = String(rest[..<at]) + "@"
            rest = rest[rest.index(after: at)...]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw fail("name the service after the sentinels: redis+sentinel://host:26379/mymaster") }
        let hosts = rest[..<slash].split(separator: ",", omittingEmptySubsequences: false)
        let path = rest[rest.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
        guard let service = path.first, !service.isEmpty else { throw fail("the service name is missing: redis+sentinel://host:26379/mymaster") }
        guard path.count <= 2 else { throw fail("expected /SERVICE or /SERVICE/db after the sentinels") }
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty }) else { throw fail("list the sentinels as host:port[,host:port…]") }
        var sentinels: [RedisURL] = []
        for host in hosts {
            let withPort = host.contains(":") ? String(host) : host + ":26379"
            do {
                sentinels.append(try RedisURL(parsing: "redis://\(withPort)"))
            } catch {
                throw fail("the sentinel '\(host)' is not host:port")
            }
        }
        let database = path.count == 2 ? String(path[1]) : "0"
        guard let number = Int(database), number >= 0 else { throw fail("the database '\(database)' is not a number") }
        do {
            self.dataNode = try RedisURL(parsing: "redis://\(credentials)\(sentinels[0].hostAndPort)/\(number)")
        } catch let error as RedisError {
            throw fail(error.message)
        }
        self.sentinels = sentinels
        self.service = String(service)
    }

    /// Whether the service is `*`: every master the sentinels watch, each a backend of its own.
    public var namesEveryMaster: Bool { service == "*" }

    /// The same sentinels and data-node credentials for the master named `service`.
    public func naming(_ service: String) -> RedisSentinelTarget {
        var target = self
        target.service = service
        return target
    }

    /// `sentinel a:26379,b:26379/mymaster`, never with a password.
    public var description: String {
        "sentinel \(sentinels.map(\.hostAndPort).joined(separator: ","))/\(service)"
    }
}
