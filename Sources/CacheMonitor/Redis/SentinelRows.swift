import RESP

/// A Sentinel-managed backend's servers as `e` lists them: the master, each replica, each sentinel (the ones
/// configured and the ones the sentinels know), up or down.
enum SentinelRows {
    static func members(master: String, _ topology: SentinelTopology, configured: [String]) -> [TopologyMember] {
        var rows = [TopologyMember(role: .master, address: master, up: true)]
        for replica in topology.replicas where replica.address != master {
            rows.append(TopologyMember(role: .replica, address: replica.address, up: replica.isUp, detail: replica.flags))
        }
        let known = Dictionary(topology.sentinels.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var addresses = [topology.answeredBy]
        for address in configured + topology.sentinels.map(\.address) where !addresses.contains(address) { addresses.append(address) }
        for address in addresses {
            let member = known[address]
            // The one that answered is up; the others as it sees them (a configured one it does not list: unknown, shown down).
            let up = address == topology.answeredBy || (member?.isUp ?? false)
            let detail = address == topology.answeredBy ? topology.quorum : member?.flags ?? "not known to \(topology.answeredBy)"
            rows.append(TopologyMember(role: .sentinel, address: address, up: up, detail: detail))
        }
        return rows
    }
}
