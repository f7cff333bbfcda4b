import RESP
import Synchronization

/// Counts every command the monitor sends to each Redis server, by the name `INFO commandstats` gives it
/// (`get`, `client|list`), so the health view's calls per second show the application's commands, not the
/// monitor's.
package final class OwnCommands: RESPCommandObserver {
    /// Commands `INFO commandstats` counts per subcommand (Redis 7): `client|list`, `config|get`.
    private static let containers: Set<String> = [
        "acl", "client", "cluster", "command", "config", "function", "latency", "memory", "module", "object", "pubsub", "script", "slowlog",
        "xinfo", "xgroup",
    ]
    private let counts = Mutex<[String: [String: UInt64]]>([:])

    package init() {}

    package func sent(_ commands: [RESPCommand], to peer: String) {
        // A pipeline repeats a few commands (a keyspace analysis: TYPE, PTTL, MEMORY USAGE for each key):
        // each distinct one is named once, by its bytes, and counted beside its name.
        var seen: [(command: [UInt8], bySubcommand: Bool, subcommand: [UInt8]?, name: String, count: UInt64)] = []
        for command in commands {
            let arguments = command.arguments
            let first = arguments.first ?? []
            let second = arguments.count > 1 ? arguments[1] : nil
            if let index = seen.firstIndex(where: { $0.command == first && (!$0.bySubcommand || $0.subcommand == second) }) {
                seen[index].count += 1
                continue
            }
            let name = Self.statName(command)
            let bySubcommand = name.utf8.contains(UInt8(ascii: "|")) || Self.containers.contains(name)
            seen.append((first, bySubcommand, second, name, 1))
        }
        counts.withLock { counts in
            for entry in seen { counts[peer, default: [:]][entry.name, default: 0] &+= entry.count }
        }
    }

    /// How many `command`s (a commandstats name: `get`, `client|list`, or `client` for all its subcommands)
    /// were sent to `peer` so far.
    package func count(of command: String, on peer: String) -> UInt64 {
        Self.count(of: command, in: counts(on: peer))
    }

    /// How many `command`s `counts` holds: the exact name with a subcommand, the whole family without one
    /// (Redis before 7 counts `client` for every `CLIENT` subcommand).
    package static func count(of command: String, in counts: [String: UInt64]) -> UInt64 {
        if command.contains("|") { return counts[command] ?? 0 }
        let family = command + "|"
        return counts.reduce(UInt64(0)) { total, entry in
            entry.key == command || entry.key.hasPrefix(family) ? total &+ entry.value : total
        }
    }

    /// Every count sent to `peer`, by commandstats name.
    package func counts(on peer: String) -> [String: UInt64] {
        counts.withLock { $0[peer] ?? [:] }
    }

    /// `get`, `client|list`: lower case, with the subcommand for container commands.
    static func statName(_ command: RESPCommand) -> String {
        let name = String(decoding: command.arguments.first ?? [], as: UTF8.self).lowercased()
        guard containers.contains(name), command.arguments.count > 1 else { return name }
        return name + "|" + String(decoding: command.arguments[1], as: UTF8.self).lowercased()
    }
}
