import Basics
import ConnectionSupport
import Memcache
import Synchronization

extension MemcachedSource: TrafficSource {
    /// The servers stream their lookups and stores to us (`watch`).
    package var trafficCost: TrafficCost { .listening }

    /// `watch fetchers mutations` on every server changes nothing on them: nothing to ask, allowed in
    /// `--read-only`.
    package func trafficPreflight() async throws -> TrafficPreflight {
        TrafficPreflight(
            method: .watch, notes: [Self.lookupNote], servers: clients.map { TrafficServer(address: $0.address.description, keyMisses: .inStream) })
    }

    static let lookupNote = "delete, incr, decr and touch count as reads: memcached's watch stream logs them as lookups like get"

    /// Watches the servers of `plan` at once (`watch fetchers mutations`, one connection each) while `listen`
    /// runs. A server that cannot be watched is reported missing while the others are; when none can, the first
    /// failure is thrown.
    package func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding {
        let planned = Set(plan.servers.map(\.address))
        let clients = planned.isEmpty ? self.clients : self.clients.filter { planned.contains($0.address.description) }
        var ending = TrafficStreamsEnding(method: .watch)
        ending.notes = [Self.lookupNote]
        var streams: [(server: String, connection: LineStreamConnection, reader: WatchStreamReader)] = []
        var firstError: (any Error)?
        for client in clients {
            let reader = WatchStreamReader(recorder: recorder, server: client.address.description, ownLookups: ownLookups)
            do {
                let connection = try await MemcachedWatch.open(
                    client.address, kinds: ["fetchers", "mutations"], timeout: client.configuration.connectTimeout, onLine: reader.read,
                    onOverlong: recorder.unreadableLine)
                streams.append((client.address.description, connection, reader))
            } catch {
                firstError = firstError ?? error
                ending.missingNodes.append(
                    KeyspaceCensus.MissingNode(
                        address: client.address.description, reason: (error as? MemcachedError)?.message ?? ErrorText.oneLine(error)))
            }
        }
        if streams.isEmpty, let firstError {
            throw firstError
        }
        let closedEarly = ClosedStreams(expected: streams.count, recorder: recorder)
        let watchers = streams.map { stream in
            Task { [server = stream.server, connection = stream.connection] in
                await connection.waitUntilClosed()
                closedEarly.closed(server)
            }
        }
        await listen()
        let lost = closedEarly.servers
        for stream in streams { await stream.connection.close() }
        for watcher in watchers { await watcher.value }
        for stream in streams { stream.reader.finish() }
        if !lost.isEmpty {
            ending.partial =
                "\(lost.joined(separator: ", ")) closed the watch connection before the sample's end: the figures cover the time until then"
        }
        return ending
    }
}
