import Basics
import RESP

/// What the key browser knows about per-field TTLs on a server (Redis ≥ 7.4, Valkey ≥ 9.0).
struct FieldTTLState: Sendable {
    /// Whether the server has them; `nil` until asked.
    var supported: Bool?
    /// Whether some hash has expiring fields (`subexpiry`, `keys_with_volatile_items`), as last read.
    var volatileHashes = false
    var checkedAt: ContinuousClock.Instant?
}

extension RedisSource {
    /// How often whether hashes with expiring fields exist is read again.
    static let volatileHashesRecheck: Duration = .seconds(5)
    /// The most fields of one hash read for its TTLs (its first `HSCAN` page): a bounded cost per key.
    static let fieldTTLFieldsRead = 128

    /// Whether hashes here may have expiring fields: the server has per-field TTLs (learned once from
    /// `INFO server`) and its keyspace says some hash has such fields (`INFO keyspace`, read again every few
    /// seconds; a cluster's nodes may differ, so there any support counts).
    func hasVolatileHashes() async -> Bool {
        let state = fieldTTLState.withLock { $0 }
        if state.supported == false { return false }
        let clock = ContinuousClock()
        if let checked = state.checkedAt, clock.now - checked < Self.volatileHashesRecheck { return state.volatileHashes }
        guard let reply = try? await client.send([RESPCommand("INFO", ["server", "keyspace"])]).first, let text = reply.string else { return false }
        ownReads.recordCommands(1)
        let info = RedisInfo(parsing: text)
        let inCluster = (try? await cluster()) != nil
        let counted = info.keyspace.values.compactMap(\.volatileItemKeys)
        let volatile = info.hasFieldTTLs && (inCluster || counted.isEmpty || counted.contains { $0 > 0 })
        fieldTTLState.withLock { $0 = FieldTTLState(supported: info.hasFieldTTLs, volatileHashes: volatile, checkedAt: clock.now) }
        return volatile
    }

    /// The field TTLs of each hash of `keys`: `HLEN` and the first `HSCAN` page of field names (`NOVALUES`)
    /// in one pipeline, then `HPTTL` of those fields in another. Hashes with no expiring field are left out.
    func fieldTTLSummaries(of keys: [[UInt8]]) async throws -> [[UInt8]: FieldTTLSummary] {
        var first: [RESPCommand] = []
        for key in keys {
            first.append(RESPCommand("HLEN", key: key))
            first.append(RESPCommand("HSCAN", key: key, [0, "COUNT", Self.fieldTTLFieldsRead, "NOVALUES"]))
        }
        let pages = try await client.send(first)
        ownReads.recordCommands(first.count)
        var asked: [(key: [UInt8], fields: Int)] = []
        var second: [RESPCommand] = []
        for (index, key) in keys.enumerated() {
            guard let total = pages[index * 2].integer, let page = pages[index * 2 + 1].array, page.count == 2,
                let names = page[1].array?.compactMap(\.bytes), !names.isEmpty
            else { continue }
            let fields = Array(names.prefix(Self.fieldTTLFieldsRead))
            second.append(RESPCommand("HPTTL", key: key, ["FIELDS", fields.count] + fields.map { $0 as any RESPArgument }))
            asked.append((key, Int(total)))
        }
        guard !second.isEmpty else { return [:] }
        let replies = try await client.send(second)
        ownReads.recordCommands(second.count)
        ownReads.record(hits: keys.count * 2 + asked.count, misses: 0)
        var summaries: [[UInt8]: FieldTTLSummary] = [:]
        for ((key, fields), reply) in zip(asked, replies) {
            guard let ttls = reply.array?.compactMap(\.integer), let summary = FieldTTLSummary(fields: fields, ttls: ttls) else { continue }
            summaries[key] = summary
        }
        return summaries
    }

    /// Each of `fields`' TTL in milliseconds (−1 none, −2 no such field), or `nil` where the server has no
    /// per-field TTLs.
    func fieldTTLs(of key: [UInt8], fields: [[UInt8]]) async throws -> [Int64]? {
        guard !fields.isEmpty, await hasVolatileHashes() else { return nil }
        let reply = try await client.send([RESPCommand("HPTTL", key: key, ["FIELDS", fields.count] + fields.map { $0 as any RESPArgument })])[0]
        ownReads.recordCommands(1)
        guard reply.errorMessage == nil, let ttls = reply.array?.compactMap(\.integer), ttls.count == fields.count else { return nil }
        return ttls
    }
}
