/// One connection of `CLIENT LIST`: who it is, how long it has been there and idle, what it ran last and the
/// memory it holds.
package struct RedisClientInfo: Sendable, Hashable {
    package var id: Int64
    package var name: String?
    /// `lib-name lib-ver` (Redis 7.2+), when the client said.
    package var library: String?
    package var address: String
    package var ageSeconds: Int64
    package var idleSeconds: Int64
    package var database: Int
    /// The last command (`client|list`).
    package var command: String?
    package var queryBufferBytes: Int64
    /// Output buffer memory (`omem`).
    package var outputMemoryBytes: Int64
    /// Everything it holds (`tot-mem`, Redis 6+), when the server says.
    package var totalMemoryBytes: Int64?
    /// `N` normal, `O` monitor, `S` replica, `M` master, `P` pub/sub, `x` in MULTI, `b` blocked…
    package var flags: String

    /// The connections of a `CLIENT LIST` reply; lines without `id=` and `addr=` are skipped.
    package static func parse(_ text: String) -> [RedisClientInfo] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            var fields: [Substring: Substring] = [:]
            for part in line.split(separator: " ") {
                guard let equals = part.firstIndex(of: "=") else { continue }
                fields[part[..<equals]] = part[part.index(after: equals)...]
            }
            guard let id = fields["id"].flatMap({ Int64($0) }), let address = fields["addr"] else { return nil }
            func number(_ name: Substring) -> Int64? { fields[name].flatMap { Int64($0) } }
            let library = fields["lib-name"].flatMap { $0.isEmpty ? nil : String($0) + (fields["lib-ver"].map { $0.isEmpty ? "" : " " + $0 } ?? "") }
            return RedisClientInfo(
                id: id, name: fields["name"].flatMap { $0.isEmpty ? nil : String($0) }, library: library, address: String(address),
                ageSeconds: number("age") ?? 0, idleSeconds: number("idle") ?? 0, database: Int(number("db") ?? 0),
                command: fields["cmd"].flatMap { $0.isEmpty || $0 == "NULL" ? nil : String($0) }, queryBufferBytes: number("qbuf") ?? 0,
                outputMemoryBytes: number("omem") ?? 0, totalMemoryBytes: number("tot-mem"), flags: String(fields["flags"] ?? ""))
        }
    }

    /// Whether it is one of cachescope's own connections (which are never killed from the dashboard).
    package var isCachescope: Bool { name?.hasPrefix("cachescope") ?? false }
}
