import RESP

/// One entry of Valkey's command log of large requests or large replies (`COMMANDLOG GET n large-request`
/// or `large-reply`, Valkey ≥ 8.1): a command whose request or reply was larger than
/// `commandlog-request-larger-than` / `commandlog-reply-larger-than` — the big-value offenders the slow log
/// misses.
package struct LargeCommandEntry: Sendable, Hashable, LoggedCommand {
    /// The server's id for it: increasing, never reused while the server runs.
    package var id: Int64
    /// When it ran, in Unix seconds.
    package var time: Int64
    /// The request's or the reply's size.
    package var bytes: Int64
    package var arguments: [[UInt8]]
    package var clientAddress: String?
    package var clientName: String?
    /// The cluster node it ran on; `nil` for a single server.
    package var node: String?

    package init(
        id: Int64, time: Int64, bytes: Int64, arguments: [[UInt8]], clientAddress: String? = nil, clientName: String? = nil, node: String? = nil
    ) {
        self.id = id
        self.time = time
        self.bytes = bytes
        self.arguments = arguments
        self.clientAddress = clientAddress
        self.clientName = clientName
        self.node = node
    }

    /// The entries of a `COMMANDLOG GET … large-request|large-reply` reply, newest first.
    package static func parse(_ reply: RESPValue, node: String? = nil) -> [LargeCommandEntry] {
        LoggedCommandReply.entries(reply).map { entry in
            LargeCommandEntry(
                id: entry.id, time: entry.time, bytes: entry.value, arguments: entry.arguments, clientAddress: entry.clientAddress,
                clientName: entry.clientName, node: node)
        }
    }
}

/// What Valkey's command log holds besides the slow commands (the slow log's own): the largest requests and
/// replies.
package enum CommandLogKind: String, Sendable, Hashable, CaseIterable {
    case largeRequest = "large-request"
    case largeReply = "large-reply"
}
