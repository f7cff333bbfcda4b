import ConnectionSupport

/// A node of a Redis Cluster as the cluster describes it.
public struct ClusterNode: Sendable, Hashable {
    /// The node ID (40 hex characters); `nil` when the reply did not give one.
    public var id: String?
    public var host: String
    public var port: Int
    /// How the cluster sees it (from `CLUSTER SHARDS` or `CLUSTER NODES`); `nil` from `CLUSTER SLOTS`.
    public var health: ClusterNodeHealth?

    public init(id: String?, host: String, port: Int, health: ClusterNodeHealth? = nil) {
        self.id = id
        self.host = host
        self.port = port
        self.health = health
    }

    /// `host:port` (`[v6]:port` for an IPv6 host).
    public var address: String { HostAndPort.text(host: host, port: port) }
}

/// How a cluster sees one of its nodes.
public enum ClusterNodeHealth: Sendable, Hashable {
    /// Serving (`CLUSTER SHARDS` `online`; no failure flag in `CLUSTER NODES`).
    case online
    /// Some nodes cannot reach it (`CLUSTER NODES` flag `fail?`).
    case suspected
    /// The cluster agreed it failed (`failed`; flag `fail`).
    case failed
    /// Loading its data after a start (`loading`).
    case loading
    /// A word a newer server uses that this client does not know.
    case other(String)

    /// The health a `CLUSTER SHARDS` reply names.
    public init(text: String) {
        switch text {
        case "online": self = .online
        case "failed", "fail": self = .failed
        case "loading": self = .loading
        case "suspected", "fail?": self = .suspected
        default: self = .other(text)
        }
    }

    /// The word as `CLUSTER SHARDS` writes it (`suspected` for `CLUSTER NODES`'s `fail?`).
    public var text: String {
        switch self {
        case .online: "online"
        case .suspected: "suspected"
        case .failed: "failed"
        case .loading: "loading"
        case .other(let text): text
        }
    }
}

/// One master, the slots it serves and its replicas.
public struct ClusterShard: Sendable, Hashable {
    public var slots: [ClosedRange<Int>]
    public var master: ClusterNode
    public var replicas: [ClusterNode]

    public init(slots: [ClosedRange<Int>], master: ClusterNode, replicas: [ClusterNode]) {
        self.slots = slots
        self.master = master
        self.replicas = replicas
    }

    /// How many slots the master serves.
    public var slotCount: Int { slots.reduce(0) { $0 + $1.count } }
}

/// Which master serves which slot, read from `CLUSTER SHARDS` (Redis 7.0+) or `CLUSTER SLOTS`.
///
/// An endpoint the cluster reports as empty or `?` means "the host you asked, with this port" (a node that
/// does not know its own address); such endpoints take the seed node's host.
public struct ClusterTopology: Sendable, Hashable {
    /// The masters, each once, in the order the reply listed them.
    public private(set) var shards: [ClusterShard]
    /// For each slot, the index of its shard in ``shards`` (`-1` when no master serves it).
    private var owners: [Int16]

    public init(shards: [ClusterShard]) {
        var merged: [ClusterShard] = []
        for shard in shards {
            if let index = merged.firstIndex(where: { $0.master.address == shard.master.address }) {
                merged[index].slots += shard.slots
                merged[index].replicas += shard.replicas.filter { !merged[index].replicas.contains($0) }
            } else {
                merged.append(shard)
            }
        }
        self.shards = merged
        owners = [Int16](repeating: -1, count: ClusterSlot.count)
        for (index, shard) in merged.enumerated() {
            for range in shard.slots where range.lowerBound >= 0 && range.upperBound < ClusterSlot.count {
                for slot in range { owners[slot] = Int16(index) }
            }
        }
    }

    /// The shard serving `slot`, if any.
    public func shard(forSlot slot: Int) -> ClusterShard? {
        guard owners.indices.contains(slot), owners[slot] >= 0 else { return nil }
        return shards[Int(owners[slot])]
    }

    /// The master serving `key`.
    public func master(for key: some Collection<UInt8>) -> ClusterNode? {
        shard(forSlot: ClusterSlot.of(key))?.master
    }

    /// Slots no master serves (a cluster being set up or failing over).
    public var unservedSlots: Int { owners.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    // MARK: parsing

    /// Reads a `CLUSTER SHARDS` reply (RESP2 flat key/value arrays or RESP3 maps).
    /// - Parameters:
    ///   - seedHost: the host asked, for endpoints reported as empty or `?`.
    ///   - preferTLSPort: the nodes are reached over TLS: a node's `tls-port` wins over its `port`.
    public static func parse(shards reply: RESPValue, seedHost: String, preferTLSPort: Bool = false) throws -> ClusterTopology {
        guard let entries = reply.array else { throw RedisError(.protocolViolation, "CLUSTER SHARDS: not an array: \(snippet(reply))") }
        var shards: [ClusterShard] = []
        for entry in entries {
            let fields = try fieldsOf(entry, "CLUSTER SHARDS entry")
            let bounds = (fields["slots"]?.array ?? []).compactMap(\.integer).map(Int.init)
            var slots: [ClosedRange<Int>] = []
            var index = 0
            while index + 1 < bounds.count {
                if bounds[index] <= bounds[index + 1] { slots.append(bounds[index]...bounds[index + 1]) }
                index += 2
            }
            var master: ClusterNode?
            var replicas: [ClusterNode] = []
            for nodeValue in fields["nodes"]?.array ?? [] {
                let node = try fieldsOf(nodeValue, "CLUSTER SHARDS node")
                let plain = node["port"]?.integer
                let secure = node["tls-port"]?.integer
                guard let port = preferTLSPort ? secure ?? plain : plain ?? secure else { continue }
                let endpoint = node["endpoint"]?.string ?? node["ip"]?.string ?? ""
                let parsed = ClusterNode(
                    id: node["id"]?.string, host: host(endpoint, seedHost: seedHost), port: Int(port),
                    health: node["health"]?.string.map(ClusterNodeHealth.init(text:))
                )
                if node["role"]?.string == "master" { master = parsed } else { replicas.append(parsed) }
            }
            if let master { shards.append(ClusterShard(slots: slots, master: master, replicas: replicas)) }
        }
        return ClusterTopology(shards: shards)
    }

    /// Reads a `CLUSTER SLOTS` reply: `[start, end, [host, port, id, …], [replica…]…]` per range.
    public static func parse(slots reply: RESPValue, seedHost: String) throws -> ClusterTopology {
        guard let ranges = reply.array else { throw RedisError(.protocolViolation, "CLUSTER SLOTS: not an array: \(snippet(reply))") }
        var shards: [ClusterShard] = []
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].integer, let end = parts[1].integer, start <= end else {
                throw RedisError(.protocolViolation, "CLUSTER SLOTS: an entry without a slot range and a master: \(snippet(range))")
            }
            let nodes = parts.dropFirst(2).compactMap { value -> ClusterNode? in
                guard let fields = value.array, fields.count >= 2, let port = fields[1].integer else { return nil }
                let id = fields.count > 2 ? fields[2].string : nil
                return ClusterNode(id: id, host: host(fields[0].string ?? "", seedHost: seedHost), port: Int(port))
            }
            guard let master = nodes.first else { continue }
            shards.append(ClusterShard(slots: [Int(start)...Int(end)], master: master, replicas: Array(nodes.dropFirst())))
        }
        return ClusterTopology(shards: shards)
    }

    /// The start of a reply, for an error message.
    private static func snippet(_ value: RESPValue) -> String {
        let text = String(describing: value)
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    private static func host(_ endpoint: String, seedHost: String) -> String {
        endpoint.isEmpty || endpoint == "?" ? seedHost : endpoint
    }

    /// A map (RESP3) or a flat key/value array (RESP2) as a dictionary.
    private static func fieldsOf(_ value: RESPValue, _ what: String) throws -> [String: RESPValue] {
        if case .map(let pairs) = value {
            var fields: [String: RESPValue] = [:]
            for pair in pairs { if let key = pair.key.string { fields[key] = pair.value } }
            return fields
        }
        guard let flat = value.array, flat.count % 2 == 0 else { throw RedisError(.protocolViolation, "\(what): not a map: \(snippet(value))") }
        var fields: [String: RESPValue] = [:]
        for index in stride(from: 0, to: flat.count, by: 2) {
            if let key = flat[index].string { fields[key] = flat[index + 1] }
        }
        return fields
    }
}
