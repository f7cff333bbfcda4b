import CacheMonitor
import Foundation

/// What a backend's reading says that is not a number — its status, error, version, servers' roles, what
/// needs attention — written as JSON when it changes (the `states` table).
struct RecordedState: Codable, Equatable, Sendable {
    var status: String
    var kind: String
    var error: String?
    var version: String?
    var flavor: String?
    var address: String?
    var note: String?
    /// Redis's `maxmemory-policy`, when a health reading said it.
    var policy: String?
    var servers: [Server] = []
    var topology: [Member] = []
    var attention: [Item] = []

    struct Server: Codable, Equatable, Sendable {
        var address: String
        var up: Bool
        var error: String?
        var version: String?
        var flavor: String?
        var role: String?
        var health: String?
        var replicaOf: String?
        var countsInTotals: Bool
    }

    struct Member: Codable, Equatable, Sendable {
        var role: String
        var address: String
        var up: Bool
        var detail: String?
    }

    struct Item: Codable, Equatable, Sendable {
        var rule: String
        var message: String
        var node: String?
    }

    init(_ snapshot: BackendSnapshot) {
        status = snapshot.status.rawValue
        kind = snapshot.kind.rawValue
        error = snapshot.error
        let sample = snapshot.sample
        version = sample?.version
        flavor = sample?.flavor?.rawValue
        address = sample?.address
        note = sample?.note
        policy = snapshot.health?.servers.lazy.compactMap { $0.memory.value?.policy }.first
        servers = (sample?.servers ?? []).map { server in
            Server(
                address: server.address, up: server.up, error: server.error, version: server.version, flavor: server.flavor?.rawValue,
                role: server.role?.rawValue, health: server.health?.text, replicaOf: server.replicaOf, countsInTotals: server.countsInTotals)
        }
        topology = (sample?.topology ?? []).map { Member(role: $0.role.rawValue, address: $0.address, up: $0.up, detail: $0.detail) }
        // Forecasts are worked out again from the readings when read back (their figures move every reading).
        attention = (snapshot.health?.attention ?? []).filter { !$0.rule.isForecast }.map {
            Item(rule: $0.rule.rawValue, message: $0.message, node: $0.node)
        }
    }

    /// The JSON written to the `states` table (keys sorted, so equal states are equal text).
    var json: String { Recorder.encoded(self) }

    /// A state read back; `nil` for JSON this version cannot read.
    static func decode(_ json: String) -> RecordedState? {
        try? JSONDecoder().decode(RecordedState.self, from: Data(json.utf8))
    }

    /// The attention items as the monitor's type (unknown rules from a newer writer are left out).
    var attentionItems: [Attention] {
        attention.compactMap { item in Attention.Rule(rawValue: item.rule).map { Attention(rule: $0, message: item.message, node: item.node) } }
    }
}
