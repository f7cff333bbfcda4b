import RESP

/// One hash slot's load on a cluster master (`CLUSTER SLOT-STATS`, Valkey ≥ 8.0 and Redis ≥ 8.2): its keys,
/// and — where `cluster-slot-stats-enabled` is on — the CPU and network its commands cost.
package struct SlotStat: Sendable, Hashable {
    package var slot: Int
    package var keys: Int64
    /// Microseconds of command time; `nil` where the server does not count it (the setting is off).
    package var cpuMicroseconds: Int64?
    package var networkBytesIn: Int64?
    package var networkBytesOut: Int64?
    /// The master serving it.
    package var node: String?

    package init(
        slot: Int, keys: Int64, cpuMicroseconds: Int64? = nil, networkBytesIn: Int64? = nil, networkBytesOut: Int64? = nil, node: String? = nil
    ) {
        self.slot = slot
        self.keys = keys
        self.cpuMicroseconds = cpuMicroseconds
        self.networkBytesIn = networkBytesIn
        self.networkBytesOut = networkBytesOut
        self.node = node
    }

    /// The entries of a `CLUSTER SLOT-STATS` reply (`[slot, [key-count, n, cpu-usec, n, …]]`); unknown metrics
    /// are ignored, malformed entries skipped.
    package static func parse(_ reply: RESPValue, node: String? = nil) -> [SlotStat] {
        (reply.array ?? []).compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let slot = parts[0].integer, let metrics = parts[1].array else { return nil }
            var values: [String: Int64] = [:]
            for index in stride(from: 0, to: metrics.count - 1, by: 2) {
                if let name = metrics[index].string, let value = metrics[index + 1].integer { values[name] = value }
            }
            return SlotStat(
                slot: Int(slot), keys: values["key-count"] ?? 0, cpuMicroseconds: values["cpu-usec"], networkBytesIn: values["network-bytes-in"],
                networkBytesOut: values["network-bytes-out"], node: node)
        }
    }

    /// The hottest slots of several `ORDERBY` replies, each slot once, by CPU, then keys.
    package static func hottest(_ lists: [[SlotStat]]) -> [SlotStat] {
        var seen: Set<Int> = []
        let merged = lists.flatMap { $0 }.filter { seen.insert($0.slot).inserted }
        return merged.sorted { ($0.cpuMicroseconds ?? 0, $0.keys, -$0.slot) > ($1.cpuMicroseconds ?? 0, $1.keys, -$1.slot) }
    }
}
