/// A cluster node's answer "this key is not mine": `MOVED <slot> <host:port>` (the slot lives there now:
/// update the map) or `ASK <slot> <host:port>` (the slot is being migrated: ask there once, after `ASKING`).
struct ClusterRedirection: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case moved
        case ask
    }

    var kind: Kind
    var slot: Int
    var host: String
    var port: Int

    /// Reads an error reply; `nil` when it is not a redirection. An empty host (`MOVED 3999 :6380`, a node
    /// that does not know its address) means the host of the node that answered.
    init?(errorMessage message: String, answeringHost: String) {
        let parts = message.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), (0..<ClusterSlot.count).contains(slot) else { return nil }
        switch parts[0] {
        case "MOVED": kind = .moved
        case "ASK": kind = .ask
        default: return nil
        }
        let endpoint = parts[2]
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.slot = slot
        self.host = host.isEmpty || host == "?" ? answeringHost : host
        self.port = port
    }

    /// `host:port` of the node to ask.
    var address: String { ClusterNode(id: nil, host: host, port: port).address }
}
