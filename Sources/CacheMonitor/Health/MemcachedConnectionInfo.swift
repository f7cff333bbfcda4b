/// One client connection of a memcached server (`stats conns`, memcached 1.4.23+): where it comes from,
/// what it is doing and how long it has been idle. Listening sockets are not connections and are left out.
package struct MemcachedConnectionInfo: Sendable, Hashable {
    /// The server's file descriptor for it.
    package var descriptor: Int
    /// `tcp:127.0.0.1:54321`, `unix:/path`, `udp:…`.
    package var address: String
    /// The server address it came in on, when the server says.
    package var listenAddress: String?
    /// `conn_parse_cmd`, `conn_waiting`, `conn_nread`, …
    package var state: String
    package var idleSeconds: Int64

    /// The connections of a `stats conns` reply (`23:addr tcp:…` pairs), by descriptor.
    package static func parse(_ stats: [(name: String, value: String)]) -> [MemcachedConnectionInfo] {
        var fields: [Int: [Substring: String]] = [:]
        for (name, value) in stats {
            guard let colon = name.firstIndex(of: ":"), let descriptor = Int(name[..<colon]) else { continue }
            fields[descriptor, default: [:]][name[name.index(after: colon)...]] = value
        }
        return fields.keys.sorted().compactMap { descriptor in
            guard let values = fields[descriptor], let address = values["addr"], values["state"] != "conn_listening" else { return nil }
            return MemcachedConnectionInfo(
                descriptor: descriptor, address: address, listenAddress: values["listen_addr"], state: values["state"] ?? "?",
                idleSeconds: values["secs_since_last_cmd"].flatMap { Int64($0) } ?? 0)
        }
    }
}
