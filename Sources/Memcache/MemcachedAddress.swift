import ConnectionSupport

/// Where a memcached server listens: `host:port` (port 11211 when left out), `[v6]:port`, or a Unix
/// socket path.
public struct MemcachedAddress: Sendable, Hashable, CustomStringConvertible {
    /// The two ways to reach a server.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// memcached's standard port.
    public static let defaultPort = 11211

    /// How to reach the server.
    public let endpoint: Endpoint
    /// `host:port` (`[v6]:port`) or the socket path — also the name the consistent-hash ring uses. Made once:
    /// a fleet's samples name their server hundreds of times a second.
    public let description: String
    /// How connections to it are made besides the address: TLS, a login, a route (an SSH tunnel). Not part of
    /// the ``description``.
    public var access = MemcachedAccess()

    /// An address from its parts.
    public init(host: String, port: Int = MemcachedAddress.defaultPort) {
        endpoint = .tcp(host: host, port: port)
        description = Self.describe(endpoint)
    }

    /// A Unix socket.
    public init(unixSocket path: String) {
        endpoint = .unix(path: path)
        description = Self.describe(endpoint)
    }

    /// Parses `host[:port]`, `[v6addr][:port]`, `memcached://host[:port]`, `memcacheds://host[:port]` (TLS)
    /// or an absolute socket path.
    /// - Throws: ``MemcachedError`` `.invalidAddress` naming the problem.
    public init(parsing text: String) throws {
        var rest = Substring(text.trimmingWhitespace())
        for scheme in ["memcached://", "memcache://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        var tls: TLSSettings?
        if rest.lowercased().hasPrefix("memcacheds://") {
            rest = rest.dropFirst("memcacheds://".count)
            tls = TLSSettings()
        }

        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty else { throw MemcachedError(.invalidAddress, "empty memcached address") }
        if rest.hasPrefix("/") {
            endpoint = .unix(path: String(rest))
            description = Self.describe(endpoint)
            access.tls = tls
            return
        }
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw MemcachedError(.invalidAddress, "memcached address '\(text)': missing ']' after the IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw MemcachedError(.invalidAddress, "memcached address '\(text)': expected ':port' after ']'") }
                portText = after.dropFirst()
            }
        } else if rest.filter({ $0 == ":" }).count > 1 {
            throw MemcachedError(.invalidAddress, "memcached address '\(text)': write IPv6 addresses in brackets, e.g. [::1]:11211")
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else {
            throw MemcachedError(.invalidAddress, "memcached address '\(text)': missing or invalid host")
        }
        var port = Self.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw MemcachedError(.invalidAddress, "memcached address '\(text)': port must be a number from 1 to 65535")
            }
            port = number
        }
        endpoint = .tcp(host: String(host), port: port)
        description = Self.describe(endpoint)
        access.tls = tls
    }

    /// Parses a pool: addresses separated by commas (`host:port,host:port`).
    /// - Throws: ``MemcachedError`` `.invalidAddress` for an empty list, an empty entry, a bad address or a
    ///   server listed twice.
    /// A `memcacheds://` scheme before the first address makes the whole pool TLS.
    public static func parseList(_ text: String) throws -> [MemcachedAddress] {
        let trimmed = text.trimmingWhitespace()
        let secure = trimmed.lowercased().hasPrefix("memcacheds://")
        let parts = (secure ? trimmed.dropFirst("memcacheds://".count) : trimmed).split(separator: ",", omittingEmptySubsequences: false)
        var addresses: [MemcachedAddress] = []
        for part in parts {
            guard !part.trimmingWhitespace().isEmpty else {
                throw MemcachedError(.invalidAddress, "memcached server list '\(text)' has an empty entry")
            }
            var address = try MemcachedAddress(parsing: String(part))
            if secure && address.access.tls == nil { address.access.tls = TLSSettings() }
            guard !addresses.contains(address) else {
                throw MemcachedError(.invalidAddress, "memcached server list '\(text)' names \(address) twice")
            }
            addresses.append(address)
        }
        return addresses
    }

    private static func describe(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .tcp(let host, let port): HostAndPort.text(host: host, port: port)
        case .unix(let path): path
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
