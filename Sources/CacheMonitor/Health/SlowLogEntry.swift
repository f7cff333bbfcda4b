import RESP

/// One entry of a Redis server's slow log (`SLOWLOG GET`): a command that took longer than
/// `slowlog-log-slower-than`.
package struct SlowLogEntry: Sendable, Hashable {
    /// The server's id for it: increasing, never reused while the server runs.
    package var id: Int64
    /// When it ran, in Unix seconds.
    package var time: Int64
    package var durationMicroseconds: Int64
    /// The command and its arguments (the server keeps at most 32, and cuts long ones).
    package var arguments: [[UInt8]]
    /// The client's `host:port` and name (Redis 4+), when the server says.
    package var clientAddress: String?
    package var clientName: String?
    /// The cluster node it ran on; `nil` for a single server.
    package var node: String?

    package init(
        id: Int64, time: Int64, durationMicroseconds: Int64, arguments: [[UInt8]], clientAddress: String? = nil, clientName: String? = nil,
        node: String? = nil
    ) {
        self.id = id
        self.time = time
        self.durationMicroseconds = durationMicroseconds
        self.arguments = arguments
        self.clientAddress = clientAddress
        self.clientName = clientName
        self.node = node
    }

    /// The entries of a `SLOWLOG GET` reply, newest first as the server lists them; entries that are not
    /// the reply's format are skipped.
    package static func parse(_ reply: RESPValue, node: String? = nil) -> [SlowLogEntry] {
        LoggedCommandReply.entries(reply).map { entry in
            SlowLogEntry(
                id: entry.id, time: entry.time, durationMicroseconds: entry.value, arguments: entry.arguments, clientAddress: entry.clientAddress,
                clientName: entry.clientName, node: node)
        }
    }
}

extension SlowLogEntry: LoggedCommand {}

/// A command a server logged with who sent it (the slow log, Valkey's command log).
package protocol LoggedCommand {
    /// The command and its arguments (the server keeps at most 32, and cuts long ones).
    var arguments: [[UInt8]] { get }
    /// The client's `host:port` and name, when the server says.
    var clientAddress: String? { get }
    var clientName: String? { get }
}

extension LoggedCommand {
    /// The command as one string: its arguments in the key escape form (pure ASCII with `asciiOnly`),
    /// separated by spaces.
    package func commandText(asciiOnly: Bool = false) -> String {
        arguments.map { KeyEscaping.escape($0, asciiOnly: asciiOnly) }.joined(separator: " ")
    }

    /// Whether one of cachescope's own connections sent it (they name themselves `cachescope…`).
    package var isCachescopes: Bool { clientName?.hasPrefix("cachescope") ?? false }

    /// The client as the server named it: `127.0.0.1:5000 (worker)`; `nil` when it said nothing.
    package var clientText: String? {
        let text = [clientAddress, clientName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }
}

/// The entries of a `SLOWLOG GET` or `COMMANDLOG GET` reply, which share a format: id, Unix time, the
/// measure (µs, or bytes), the arguments, then (Redis 4+) the client's address and name.
enum LoggedCommandReply {
    struct Entry {
        var id: Int64
        var time: Int64
        var value: Int64
        var arguments: [[UInt8]]
        var clientAddress: String?
        var clientName: String?
    }

    static func entries(_ reply: RESPValue) -> [Entry] {
        guard let entries = reply.array else { return [] }
        return entries.compactMap { entry in
            guard let fields = entry.array, fields.count >= 4, let id = fields[0].integer, let time = fields[1].integer,
                let value = fields[2].integer, let arguments = fields[3].array
            else { return nil }
            let address = fields.count > 4 ? fields[4].string.flatMap { $0.isEmpty ? nil : $0 } : nil
            let name = fields.count > 5 ? fields[5].string.flatMap { $0.isEmpty ? nil : $0 } : nil
            return Entry(id: id, time: time, value: value, arguments: arguments.compactMap(\.bytes), clientAddress: address, clientName: name)
        }
    }
}
