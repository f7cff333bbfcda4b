import Basics
import RESP

extension RedisSource: KeyBrowsingSource {
    /// `SCAN` pages (never `KEYS`) — of every master, for a cluster —, each page's keys detailed with
    /// pipelined `TYPE`, `PTTL` and `MEMORY USAGE`.
    package func browseKeys(matching filter: KeyMatch, limit: Int, body: ([BrowsedKey]) async throws -> Bool) async throws -> Bool {
        try await browseKeys(scanning: try await client.dataNodes(), matching: filter, limit: limit, body: body)
    }

    /// `TYPE`/`PTTL`/`MEMORY USAGE`, then `GETRANGE` (strings) or the first items (collections).
    package func details(of key: BrowsedKey, maxBytes: Int, kindPrefix: [UInt8]?) async throws -> KeyDetails? {
        guard let fresh = try await details(of: [key.key]).first else { return nil }
        var listed = BrowsedKey(
            key: fresh.key, type: fresh.type, ttlMilliseconds: fresh.ttlMilliseconds, size: fresh.size, readAt: MonotonicSeconds.now)
        listed.ttlKnown = fresh.ttlKnown
        listed.fieldTTL = fresh.fieldTTL
        switch try await preview(of: key.key, type: fresh.type, maxBytes: maxBytes) {
        case .missing:
            return nil
        case .string(let prefix, let length):
            return KeyDetails(key: listed, encoding: "string", valueBytes: prefix, length: length, kindPrefix: kindPrefix)
        case .items(let items, let total):
            let lines = items.map { KeyEscaping.escape($0) } + (total > items.count ? ["… \(total - items.count) more"] : [])
            return KeyDetails(
                key: listed, encoding: "\(fresh.type), \(total) items", valueBytes: [], length: total, kindPrefix: kindPrefix, lines: lines)
        case .fields(let fields, let total):
            // Where fields expire, each shown field says when (`HPTTL`).
            let ttls = fresh.fieldTTL == nil ? nil : try await fieldTTLs(of: key.key, fields: fields.map(\.field))
            let lines =
                fields.enumerated().map { index, field in
                    let line = KeyEscaping.escape(field.field) + " = " + KeyEscaping.escape(field.value)
                    guard let ttl = ttls?[index], ttl >= 0 else { return line }
                    return line + "  (expires in \(HumanUnits.ttl(milliseconds: ttl)))"
                }
                + (total > fields.count ? ["… \(total - fields.count) more"] : [])
            return KeyDetails(key: listed, encoding: "hash, \(total) fields", valueBytes: [], length: total, kindPrefix: kindPrefix, lines: lines)
        case .unsupported(let type):
            return KeyDetails(
                key: listed, encoding: type, valueBytes: [], length: 0, kindPrefix: kindPrefix, lines: ["(\(type) values are not previewed)"])
        }
    }

    /// A listing walks the server, or every master at once: nothing is told per server.
    package func listedServers() async throws -> [ListedServer] { [] }
}
