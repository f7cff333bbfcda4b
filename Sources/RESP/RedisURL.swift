import ConnectionSupport

/// Where a Redis server is and how to log in: `redis://[[user]:password@]host[:port][/db]`,
/// `rediss://…` (TLS) or `unix:///path/to/redis.sock[?db=N]`.
///
/// TLS options may ride in the query string with redis-py's names: `ssl_ca_certs=<CA file>`,
/// `ssl_certfile=<client certificate>`, `ssl_keyfile=<client key>`, `ssl_cert_reqs=none` (no verification
/// at all) and `ssl_check_hostname=false` (the CA is checked, the name is not); `ssl_server_name=<name>`
/// sets the name the certificate must carry.
///
/// `host:port` without a scheme is accepted as `redis://host:port`. A username without a colon
/// (`redis://alice@host`) is a username with no password, as in redis-py. User and password are
/// percent-decoded. The password never appears in ``description`` or any error message.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host and port, or a Unix socket path.
    public enum Address: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// Where the server listens.
    public var address: Address
    /// The ACL user (Redis 6+), or `nil` for the default user.
    public var username: String?
    /// The password, or `nil` when none is needed. Never printed.
    public var password: String?
    /// The logical database to `SELECT`.
    public var database: Int
    /// TLS settings for `rediss://`; `nil` for a plain connection.
    public var tls: TLSSettings?
    /// How connections reach the server: directly (`nil`), or through a route such as an SSH tunnel. A
    /// cluster's nodes and a Sentinel's master, found from this URL, take the same route.
    public var route: ConnectionRoute?
    /// A command that prints the password (`password_command`), asked on connect and again when the server
    /// refuses the password it printed; it wins over ``password``.
    public var passwordCommand: PasswordCommand?

    /// The standard port.
    public static let defaultPort = 6379

    public init(address: Address, username: String? = nil, password: String? = nil, database: Int = 0, tls: TLSSettings? = nil) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// `host:port`, or the socket path: what the dashboard shows as the address.
    public var hostAndPort: String {
        switch address {
        case .tcp(let host, let port): HostAndPort.text(host: host, port: port)
        case .unix(let path): path
        }
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        let credentials: String
        switch (username, password) {
        case (nil, nil): credentials = ""
        case (let user?, nil): credentials = "\(user)@"
        case (let user, _?): credentials = "\(user ?? ""):***@"
        }
        switch address {
        case .tcp: return "\(tls == nil ? "redis" : "rediss")://\(credentials)\(hostAndPort)/\(database)"
        case .unix(let path): return "unix://\(credentials)\(path)?db=\(database)"
        }
    }

    /// Parses a URL.
    /// - Throws: ``RedisError`` `.invalidURL` with a one-line reason (the password is masked).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces
        func fail(_ reason: String) -> RedisError {
            RedisError(.invalidURL, "invalid Redis URL '\(Self.masked(trimmed))': \(reason)")
        }
        var rest: Substring
        var isUnix = false
        var tls: TLSSettings?
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
            rest = trimmed[schemeEnd.upperBound...]
            switch scheme {
            case "redis": break
            case "unix": isUnix = true
            case "rediss": tls = TLSSettings()
            default: throw fail("unsupported scheme '\(scheme)' (use redis://, rediss:// or unix://)")
            }
        } else {
            rest = trimmed[...]
        }
        guard !rest.isEmpty else { throw fail("missing host") }

        var query: [String: String] = [:]
        if let questionMark = rest.firstIndex(of: "?") {
            for part in rest[rest.index(after: questionMark)...].split(separator: "&") {
                let pieces = part.split(separator: "=", maxSplits: 1)
                query[String(pieces[0])] = pieces.count > 1 ? Self.percentDecoded(pieces[1]) : ""
            }
            rest = rest[..<questionMark]
        }

        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = userInfo[..<colon]
                username = user.isEmpty ? nil : Self.percentDecoded(user)
                password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else if !userInfo.isEmpty {
                username = Self.percentDecoded(userInfo)
            }
        }
        if let queryPassword = query["password"] { password = queryPassword }

        let tlsOptions = ["ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs", "ssl_check_hostname", "ssl_server_name"]
        if tls == nil, let option = tlsOptions.first(where: { query[$0] != nil }) {
            throw fail("\(option) is a TLS option: use rediss:// for a TLS connection")
        }
        if var settings = tls {
            settings.caFile = query["ssl_ca_certs"].flatMap { $0.isEmpty ? nil : $0 }
            settings.certificateFile = query["ssl_certfile"].flatMap { $0.isEmpty ? nil : $0 }
            settings.keyFile = query["ssl_keyfile"].flatMap { $0.isEmpty ? nil : $0 }
            settings.serverName = query["ssl_server_name"].flatMap { $0.isEmpty ? nil : $0 }
            switch query["ssl_cert_reqs"]?.lowercased() {
            case nil, "required", "cert_required", "ssl.cert_required": break
            case "none", "cert_none", "ssl.cert_none": settings.verification = .none
            case let other?: throw fail("ssl_cert_reqs '\(other)' is not none or required")
            }
            switch query["ssl_check_hostname"]?.lowercased() {
            case nil, "true", "1", "yes": break
            case "false", "0", "no": if settings.verification == .full { settings.verification = .caOnly }
            case let other?: throw fail("ssl_check_hostname '\(other)' is not true or false")
            }
            tls = settings
        }

        var database = 0
        if let db = query["db"] {
            guard let number = Int(db), number >= 0 else { throw fail("database '\(db)' is not a number ≥ 0") }
            database = number
        }

        if isUnix {
            guard rest.hasPrefix("/") else { throw fail("a unix:// URL needs an absolute socket path, e.g. unix:///run/redis.sock") }
            self.init(address: .unix(path: String(rest)), username: username, password: password, database: database, tls: tls)
            return
        }

        var hostPort = rest
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else { throw fail("database '\(path)' is not a number ≥ 0") }
                database = number
            }
        }
        let host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail("unclosed '[' in an IPv6 address") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw fail("missing host") }
        guard !host.contains(where: { $0 == " " || $0 == "/" }) else { throw fail("'\(host)' is not a host name") }
        var port = Self.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw fail("port '\(portText)' is not a number from 1 to 65535") }
            port = number
        }
        self.init(address: .tcp(host: String(host), port: port), username: username, password: password, database: database, tls: tls)
    }

    /// The text of a URL as typed, with any password replaced by `***`, for error messages. User info
    /// without a colon is masked too: someone may have typed a password there.
    static func masked(_ text: String) -> String {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let at = text[start...].lastIndex(of: "@") else { return text.replacingPasswordQuery() }
        let userInfo = text[start..<at]
        let maskedInfo = userInfo.firstIndex(of: ":").map { userInfo[..<$0] + ":***" } ?? "***"
        return (String(text[..<start]) + maskedInfo + String(text[at...])).replacingPasswordQuery()
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                let low = utf8.index(high, offsetBy: 1, limitedBy: utf8.endIndex), low < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    func range(of target: String) -> Range<Index>? {
        guard !target.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) { return index..<self.index(index, offsetBy: target.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

extension String {
    fileprivate func replacingPasswordQuery() -> String {
        guard let range = range(of: "password=") else { return self }
        let valueEnd = self[range.upperBound...].firstIndex(of: "&") ?? endIndex
        return String(self[..<range.upperBound]) + "***" + String(self[valueEnd...])
    }
}
