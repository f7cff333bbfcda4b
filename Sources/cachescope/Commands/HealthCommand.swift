import ArgumentParser
import Basics
import CacheMonitor
import Foundation

/// `cachescope health`: what the server itself says — slow log, commands, clients, memory, replication,
/// persistence (Redis); slabs and settings (memcached) — and what needs attention.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Show a backend's server health: slow log, commands, clients, memory, replication, persistence; memcached slabs.",
        discussion: """
            Every node of a Redis Cluster and every server of a memcached pool is read at once; a node that cannot \
            be reached is named. A view an ACL refuses (SLOWLOG, CLIENT, CONFIG) says which permission it lacks; \
            the others are shown. Attention lines name a rule (fragmentation, replica-link, replica-lag, slowlog, \
            rejected-connections, evicted-unfetched, memory, persistence, noeviction-full); read once, slowlog \
            means entries of the last minute, and rejected connections and items evicted unread count since the \
            server started.

            With --json: {"backend","type","nodes":[{"address","slowlog":[{"id","time","durationUs","command",\
            "client"}],"commands":[{"command","calls","usecPerCall","p50Us","p99Us","p999Us","failed","rejected"}],\
            "clients":[{"id","name","address","ageS","idleS","db","command","queryBufferBytes","outputMemoryBytes",\
            "totalMemoryBytes","flags"}],"memory":{…},"replication":{…},"persistence":{…},"slabs":[…],\
            "attention":[{"rule","message"}],"refused":{"<view>":"<why>"}}],"missingNodes":[…]} — Redis fields are \
            null for memcached and the other way round; see the README for every field.

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
    var backend: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let setup = try connection.setup()
        let backend = try await setup.backend(self.backend)
        let source = try backend.commandPort(\.health, for: .health)
        let read = try await source.executeThenClose { source in
            try await CommandFailure.reporting(backend.name, backend.address) { try await source.readHealth() }
        }
        // One reading through the dashboard's tracker: slowlog = entries of the last minute; rejected
        // connections and items evicted unread since the server started.
        var tracker = HealthTracker(thresholds: setup.config?.thresholds.attention ?? AttentionThresholds())
        tracker.record(read.servers, missing: read.missing, scope: .full, now: 0, unixTime: UnixTime.now)
        let nodes = read.servers.map { server in (server, tracker.health.attention.filter { $0.node == server.address }) }
        if json {
            print(HealthReportText.json(backend: backend, nodes: nodes, missing: read.missing).text)
        } else {
            print(HealthReportText.table(backend: backend, nodes: nodes, missing: read.missing), terminator: "")
        }
    }
}
