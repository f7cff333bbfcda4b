import Basics

/// The reply of `INFO` (<https://redis.io/docs/latest/commands/info/>): `# Section` headers and
/// `field:value` lines, parsed into fields, with typed accessors for what a monitor needs.
///
/// Unknown fields are kept and ignored; keyspace lines (`db0:keys=1,expires=0,avg_ttl=0,…`) are parsed as
/// `k=v` lists, skipping unknown keys, as the Redis docs ask.
public struct RedisInfo: Sendable, Hashable {
    /// Every `field:value` pair, by field name (section headers dropped).
    public var fields: [String: String]
    /// Per-database key counts from the `# Keyspace` section, by database index.
    public var keyspace: [Int: Database]

    /// One `dbN:` line.
    public struct Database: Sendable, Hashable {
        public var keys: Int
        public var expires: Int
        public var averageTTLMilliseconds: Int
        /// Hashes with fields that expire (Redis 7.4+ `subexpiry`, Valkey 9+ `keys_with_volatile_items`);
        /// `nil` where the server does not say.
        public var volatileItemKeys: Int?
    }

    /// Parses the text of an `INFO` reply.
    public init(parsing text: String) {
        var text = text
        self = text.withUTF8 { Self(parsing: $0, keeping: nil) }
    }

    /// Parses the bytes of an `INFO` reply, keeping every field or only those of `wanted` (and the keyspace's
    /// `dbN` lines): a monitor parses a few kilobytes of it per server per second and needs a dozen fields, so
    /// the others are skipped without making a string of them. The lines are ASCII.
    public init(parsing bytes: [UInt8], keeping wanted: FieldNames? = nil) {
        self = bytes.withUnsafeBufferPointer { Self(parsing: $0, keeping: wanted) }
    }

    private init(parsing bytes: UnsafeBufferPointer<UInt8>, keeping wanted: FieldNames?) {
        var fields: [String: String] = [:]
        fields.reserveCapacity(wanted?.count ?? 160)
        var keyspace: [Int: Database] = [:]
        let count = bytes.count
        var start = 0
        while start < count {
            var newline = start
            while newline < count, bytes[newline] != UInt8(ascii: "\n") { newline += 1 }
            var end = newline
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            defer { start = newline + 1 }
            guard end > start, bytes[start] != UInt8(ascii: "#") else { continue }
            var colon = start
            while colon < end, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < end else { continue }
            let nameBytes = UnsafeBufferPointer(rebasing: bytes[start..<colon])
            let isDatabase = nameBytes.count > 2 && nameBytes[0] == UInt8(ascii: "d") && nameBytes[1] == UInt8(ascii: "b")
            if let wanted, !isDatabase, !wanted.contains(nameBytes) { continue }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<end]), as: UTF8.self)
            fields[name] = value
            if isDatabase, let index = Int(name.dropFirst(2)) { keyspace[index] = Self.database(value) }
        }
        self.fields = fields
        self.keyspace = keyspace
    }

    /// A `dbN:` line's `k=v` list, unknown keys skipped.
    private static func database(_ value: String) -> Database {
        var entries: [Substring: Int] = [:]
        for pair in value.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let number = Int(parts[1]) { entries[parts[0]] = number }
        }
        return Database(
            keys: entries["keys"] ?? 0, expires: entries["expires"] ?? 0, averageTTLMilliseconds: entries["avg_ttl"] ?? 0,
            volatileItemKeys: entries["subexpiry"] ?? entries["keys_with_volatile_items"])
    }

    /// A field as an integer (`nil` when absent or not a number).
    public func integer(_ field: String) -> Int64? { fields[field].flatMap { Int64($0) } }
    /// A field as a floating-point number.
    public func double(_ field: String) -> Double? { fields[field].flatMap { Double($0) } }

    public var keyspaceHits: UInt64? { integer("keyspace_hits").map { UInt64(clamping: $0) } }
    public var keyspaceMisses: UInt64? { integer("keyspace_misses").map { UInt64(clamping: $0) } }
    public var instantaneousOpsPerSecond: Double? { double("instantaneous_ops_per_sec") }
    public var totalCommandsProcessed: UInt64? { integer("total_commands_processed").map { UInt64(clamping: $0) } }
    public var usedMemory: Int64? { integer("used_memory") }
    /// `maxmemory`; `nil` when 0 (no limit).
    public var maxMemory: Int64? { integer("maxmemory").flatMap { $0 > 0 ? $0 : nil } }
    public var maxMemoryPolicy: String? { fields["maxmemory_policy"] }
    public var evictedKeys: UInt64? { integer("evicted_keys").map { UInt64(clamping: $0) } }
    public var expiredKeys: UInt64? { integer("expired_keys").map { UInt64(clamping: $0) } }
    public var connectedClients: Int64? { integer("connected_clients") }
    public var uptimeSeconds: Int64? { integer("uptime_in_seconds") }
    /// `redis_version`: Valkey says `7.2.4` there for compatibility (see ``serverVersion``).
    public var version: String? { fields["redis_version"] }
    /// The server's own version: Valkey's `valkey_version`, else `redis_version`.
    public var serverVersion: String? { fields["valkey_version"] ?? fields["redis_version"] }
    /// Whether hash fields can expire on the server (`HPEXPIRE`, `HPTTL`: Redis ≥ 7.4, Valkey ≥ 9.0).
    public var hasFieldTTLs: Bool {
        guard let version = ServerVersion(serverVersion) else { return false }
        return version >= (isValkey ? ServerVersion(9, 0) : ServerVersion(7, 4))
    }

    /// Whether Valkey answers (`valkey_version`, `server_name:valkey`), whatever its `redis_version`.
    public var isValkey: Bool { fields["valkey_version"] != nil || fields["server_name"]?.lowercased() == "valkey" }
    /// `standalone`, `sentinel` or `cluster`.
    public var mode: String? { fields["redis_mode"] }
}

extension RedisCommandExecutor {
    /// `INFO` with the given sections (several in one call on Redis 7+), parsed.
    public func info(_ sections: [String] = []) async throws -> RedisInfo {
        let reply = try await send(RESPCommand("INFO", sections))
        guard let text = reply.string else { throw RedisError(.protocolViolation, "protocol violation: INFO did not return text") }
        return RedisInfo(parsing: text)
    }
}
