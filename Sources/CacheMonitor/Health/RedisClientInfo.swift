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
        parse(bytes: Array(text.utf8))
    }

    /// The same from the reply's bytes: read byte by byte (a server with 10,000 clients sends megabytes, read
    /// every second while the Health screen is open), a String made only for the fields kept.
    package static func parse(bytes: [UInt8]) -> [RedisClientInfo] {
        var clients: [RedisClientInfo] = []
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count, buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if let client = parseLine(buffer, lineStart, lineEnd) { clients.append(client) }
                lineStart = lineEnd + 1
            }
        }
        return clients
    }

    /// One `id=… addr=… …` line of `buffer[start..<end]`.
    private static func parseLine(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> RedisClientInfo? {
        var id: Int64?
        var address: String?
        var client = RedisClientInfo(
            id: 0, name: nil, library: nil, address: "", ageSeconds: 0, idleSeconds: 0, database: 0, command: nil, queryBufferBytes: 0,
            outputMemoryBytes: 0, totalMemoryBytes: nil, flags: "")
        var libraryName: String?
        var libraryVersion: String?
        var position = start
        while position < end {
            var fieldEnd = position
            while fieldEnd < end, buffer[fieldEnd] != UInt8(ascii: " "), buffer[fieldEnd] != UInt8(ascii: "\r") { fieldEnd += 1 }
            var equals = position
            while equals < fieldEnd, buffer[equals] != UInt8(ascii: "=") { equals += 1 }
            if equals < fieldEnd {
                let name = UnsafeBufferPointer(rebasing: buffer[position..<equals])
                let value = UnsafeBufferPointer(rebasing: buffer[(equals + 1)..<fieldEnd])
                func text() -> String? { value.isEmpty ? nil : String(decoding: value, as: UTF8.self) }
                func number() -> Int64? {
                    guard !value.isEmpty else { return nil }
                    var result: Int64 = 0
                    for byte in value {
                        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                        let (times, overflowTimes) = result.multipliedReportingOverflow(by: 10)
                        let (sum, overflowSum) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                        guard !overflowTimes, !overflowSum else { return nil }
                        result = sum
                    }
                    return result
                }
                switch Field(name) {
                case .id: id = number()
                case .addr: address = text()
                case .name: client.name = text()
                case .libName: libraryName = text()
                case .libVersion: libraryVersion = text()
                case .age: client.ageSeconds = number() ?? 0
                case .idle: client.idleSeconds = number() ?? 0
                case .db: client.database = Int(number() ?? 0)
                case .cmd: client.command = text().flatMap { $0 == "NULL" ? nil : $0 }
                case .qbuf: client.queryBufferBytes = number() ?? 0
                case .omem: client.outputMemoryBytes = number() ?? 0
                case .totalMemory: client.totalMemoryBytes = number()
                case .flags: client.flags = text() ?? ""
                case nil: break
                }
            }
            position = fieldEnd + 1
        }
        guard let id, let address else { return nil }
        client.id = id
        client.address = address
        client.library = libraryName.map { name in name + (libraryVersion.map { " " + $0 } ?? "") }
        return client
    }

    /// The fields kept, by their names in `CLIENT LIST`.
    private enum Field {
        case id, addr, name, libName, libVersion, age, idle, db, cmd, qbuf, omem, totalMemory, flags

        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            // Compared as bytes: no String per field name.
            for (field, name) in Self.names where name.count == bytes.count && name.elementsEqual(bytes) {
                self = field
                return
            }
            return nil
        }

        static let names: [(Field, [UInt8])] = [
            (.id, Array("id".utf8)), (.addr, Array("addr".utf8)), (.name, Array("name".utf8)), (.libName, Array("lib-name".utf8)),
            (.libVersion, Array("lib-ver".utf8)), (.age, Array("age".utf8)), (.idle, Array("idle".utf8)), (.db, Array("db".utf8)),
            (.cmd, Array("cmd".utf8)), (.qbuf, Array("qbuf".utf8)), (.omem, Array("omem".utf8)), (.totalMemory, Array("tot-mem".utf8)),
            (.flags, Array("flags".utf8)),
        ]
    }

    /// Whether it is one of cachescope's own connections (which are never killed from the dashboard).
    package var isCachescope: Bool { name?.hasPrefix("cachescope") ?? false }
}
