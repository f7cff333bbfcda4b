/// A backend's health as the monitor follows it over time: the last reading of each server, the slow log
/// kept across readings (nothing lost when a server's log rotates), each command's calls per second with
/// the monitor's own left out, and what needs attention now.
package struct BackendHealth: Sendable, Hashable {
    /// The last reading of each server that answered (a cluster's every node, a pool's every server).
    package var servers: [ServerHealth] = []
    /// Servers the last reading could not reach, and why.
    package var missing: [KeyspaceCensus.MissingNode] = []
    /// Every server's slow log, merged by entry id across readings; newest first, with a `node` each.
    package var slowLog = SlowLogHistory(capacity: 512)
    /// Calls per second per command (commandstats names), per server, between its last two full readings —
    /// the monitor's own commands left out. Empty until a server was read fully twice.
    package var callsPerSecond: [String: [String: Double]] = [:]
    /// The rules that fire now, one line each.
    package var attention: [Attention] = []
    /// How much the last reading read (the clients and commands only come with `.full`).
    package var scope: HealthScope = .attention
    /// When the last reading ended (the poller's seconds).
    package var readAt: Double?
    /// Why the last reading failed, when it did (the figures above are older).
    package var error: String?

    package init() {}

    /// The server with `address`, as last read.
    package func server(_ address: String) -> ServerHealth? {
        servers.first { $0.address == address }
    }
}
