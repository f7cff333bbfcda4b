/// Follows one backend's health reading after reading: merges the slow logs, turns cumulative command
/// counts into calls per second (the monitor's own left out), and evaluates the attention rules over a
/// one-minute window — slow-log entries that ran in the last minute, connections rejected and items
/// evicted unread since a reading up to a minute old (since the server started, at the first reading).
package struct HealthTracker: Sendable {
    /// How far back the "new" in the rules looks.
    package static let window: Double = 60

    package var thresholds: AttentionThresholds
    package private(set) var health = BackendHealth()
    private var counters: [String: [Counters]] = [:]
    private var lastCommands: [String: CommandReading] = [:]

    private struct Counters {
        var at: Double
        var rejected: Int64
        var evictedUnfetched: Int64
    }

    private struct CommandReading {
        var at: Double
        var calls: [String: Int64]
        var own: [String: UInt64]
    }

    package init(thresholds: AttentionThresholds = AttentionThresholds()) {
        self.thresholds = thresholds
    }

    /// Records a reading that ended at `now` (monotonic seconds) and `unixTime` (the wall clock, which the slow
    /// log's times are in). `own` gives the commands the monitor sent to a server so far, by commandstats name.
    package mutating func record(
        _ servers: [ServerHealth], missing: [KeyspaceCensus.MissingNode], scope: HealthScope, now: Double, unixTime: Int64,
        own: (String) -> [String: UInt64] = { _ in [:] }
    ) {
        var attention: [Attention] = []
        for server in servers {
            let address = server.address
            if let entries = server.slowLog.value {
                health.slowLog.merge(
                    entries.map { entry in
                        var entry = entry
                        if entry.node == nil { entry.node = address }
                        return entry
                    }, node: address)
            }
            // cachescope's own commands (an INFO slowed by a loaded machine) are not the application's.
            let recentSlow = health.slowLog.entries.lazy.filter {
                ($0.node ?? "") == address && $0.time >= unixTime - Int64(Self.window) && !$0.isCachescopes
            }.count
            let current = Counters(
                at: now, rejected: server.rejectedConnections ?? 0,
                evictedUnfetched: server.slabs.value?.reduce(Int64(0)) { $0 + Int64($1.evictedUnfetched) } ?? 0)
            let previous = counters[address] ?? []
            // The oldest reading of the last minute; with none that recent, the last one before it.
            let baseline = previous.first { now - $0.at <= Self.window } ?? previous.last
            counters[address] = previous.filter { now - $0.at <= Self.window } + [current]
            func increase(_ value: KeyPath<Counters, Int64>) -> Int64 {
                guard let baseline else { return current[keyPath: value] }
                let delta = current[keyPath: value] - baseline[keyPath: value]
                // A restarted server counts from zero again.
                return delta < 0 ? current[keyPath: value] : delta
            }
            attention += AttentionRules.evaluate(
                server, thresholds: thresholds, newSlowEntries: recentSlow, newRejectedConnections: increase(\.rejected),
                newEvictedUnfetched: increase(\.evictedUnfetched))
            if let commands = server.commands.value {
                let reading = CommandReading(
                    at: now, calls: Dictionary(commands.map { ($0.command, $0.calls) }, uniquingKeysWith: max), own: own(address))
                if let previous = lastCommands[address], reading.at > previous.at {
                    health.callsPerSecond[address] = Self.rates(from: previous, to: reading)
                }
                lastCommands[address] = reading
            }
        }
        health.servers = servers
        health.missing = missing
        health.attention = attention
        health.scope = scope
        health.readAt = now
        health.error = nil
    }

    /// Records a reading that failed: the last figures stay, marked with why.
    package mutating func recordFailure(_ error: String, now: Double) {
        health.error = error
        health.readAt = now
    }

    private static func rates(from previous: CommandReading, to current: CommandReading) -> [String: Double] {
        let seconds = current.at - previous.at
        var rates: [String: Double] = [:]
        for (command, calls) in current.calls {
            let before = previous.calls[command] ?? 0
            // A reset (CONFIG RESETSTAT, a restart) starts the count again.
            let served = calls >= before ? calls - before : calls
            let ours = Int64(clamping: OwnCommands.count(of: command, in: current.own) &- OwnCommands.count(of: command, in: previous.own))
            rates[command] = Double(max(0, served - ours)) / seconds
        }
        return rates
    }
}
