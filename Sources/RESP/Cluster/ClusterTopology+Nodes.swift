extension ClusterTopology {
    /// Reads a `CLUSTER NODES` reply (<https://redis.io/docs/latest/commands/cluster-nodes/>): one line per node,
    /// `<id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping> <pong> <epoch> <link> <slot>…`.
    ///
    /// The oldest way to learn a cluster's shape (every version has it), and the only one that says which
    /// nodes the others consider failing: flags `fail` → health `failed`, `fail?` → `suspected`. Nodes in
    /// `handshake` or without an address (`noaddr`) are left out; slots being migrated (`[5461->-…]`) are
    /// still served by their current owner and are not ranges of their own.
    /// - Parameter seedHost: the host asked, for nodes that report an empty address.
    public static func parse(nodes reply: RESPValue, seedHost: String) throws -> ClusterTopology {
        guard let text = reply.string else { throw RedisError(.protocolViolation, "CLUSTER NODES: not text") }
        struct Line {
            var id: String
            var node: ClusterNode
            var isMaster: Bool
            var masterID: String
            var slots: [ClosedRange<Int>]
        }
        var lines: [Line] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let fields = rawLine.split(separator: " ")
            guard fields.count >= 8 else {
                throw RedisError(.protocolViolation, "CLUSTER NODES: a line with \(fields.count) fields (8 or more expected)")
            }
            let flags = Set(fields[2].split(separator: ",").map(String.init))
            guard !flags.contains("handshake"), !flags.contains("noaddr") else { continue }
            let address = fields[1].split(separator: ",", maxSplits: 1)[0].split(separator: "@", maxSplits: 1)[0]
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), port > 0 else {
                throw RedisError(.protocolViolation, "CLUSTER NODES: '\(fields[1])' is not ip:port@cport")
            }
            var host = String(address[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let health: ClusterNodeHealth = flags.contains("fail") ? .failed : flags.contains("fail?") ? .suspected : .online
            let node = ClusterNode(id: String(fields[0]), host: host.isEmpty || host == "?" ? seedHost : host, port: port, health: health)
            var slots: [ClosedRange<Int>] = []
            for slot in fields.dropFirst(8) where !slot.hasPrefix("[") {
                let bounds = slot.split(separator: "-", maxSplits: 1).compactMap { Int($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] {
                    slots.append(bounds[0]...bounds[1])
                } else if bounds.count == 1 {
                    slots.append(bounds[0]...bounds[0])
                }
            }
            lines.append(Line(id: String(fields[0]), node: node, isMaster: flags.contains("master"), masterID: String(fields[3]), slots: slots))
        }
        let shards = lines.filter(\.isMaster).map { master in
            ClusterShard(slots: master.slots, master: master.node, replicas: lines.filter { !$0.isMaster && $0.masterID == master.id }.map(\.node))
        }
        return ClusterTopology(shards: shards)
    }
}
