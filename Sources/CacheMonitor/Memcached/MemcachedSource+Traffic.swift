import Basics
import ConnectionSupport
import Memcache
import Synchronization

extension MemcachedSource {
    /// `watch fetchers mutations` changes nothing on the server: nothing to ask, allowed in `--read-only`.
    package func trafficPreflight() async throws -> TrafficPreflight {
        TrafficPreflight(method: .watch, notes: [Self.lookupNote])
    }

    static let lookupNote = "delete, incr, decr and touch count as reads: memcached's watch stream logs them as lookups like get"

    /// Watches every server of the pool at once (`watch fetchers mutations`, one connection each) while
    /// `listen` runs. A server that cannot be watched is reported missing while the others are; when none
    /// can, the first failure is thrown.
    package func sampleTraffic(
        _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws
        -> TrafficStreamsEnding
    {
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

/// Reads one server's `watch` lines into the recorder, pairing each store with its lookup and leaving
/// out the monitor's own lookups.
package final class WatchStreamReader: Sendable {
    private let recorder: TrafficRecorder
    private let pairing = Mutex(WatchEventPairing())
    private let server: String
    private let ownLookups: OwnLookups?

    /// - Parameters:
    ///   - server: the watched server's address, as ``OwnLookups`` notes it.
    ///   - ownLookups: the monitor's own lookups on this backend, whose lines are not counted.
    package init(recorder: TrafficRecorder, server: String = "", ownLookups: OwnLookups? = nil) {
        self.recorder = recorder
        self.server = server
        self.ownLookups = ownLookups
    }

    /// Reads one line (on the connection's event loop).
    @Sendable package func read(_ line: UnsafeRawBufferPointer) {
        let parsed = WatchLine.parse(line)
        switch parsed {
        case .skipped(let count): recorder.notCounted(count)
        case .unreadable: recorder.unreadableLine()
        case .other: break
        case .fetch(let key, _, _) where ownLookups?.take(server: server, key: key) == true:
            break
        case .fetch, .store:
            var events: [(key: [UInt8], event: TrafficEvent)] = []
            pairing.withLock { $0.take(parsed) { events.append(($0, $1)) } }
            recorder.record(events)
        }
    }

    /// Counts the lookups still waiting for their connection's next line, as reads (the stream ended).
    package func finish() {
        var events: [(key: [UInt8], event: TrafficEvent)] = []
        pairing.withLock { $0.flush { events.append(($0, $1)) } }
        recorder.record(events)
    }
}

/// The streams that closed (the server closed them, or we did), and the end of the wait once all have.
final class ClosedStreams: Sendable {
    private let list = Mutex<[String]>([])
    private let expected: Mutex<Int>
    private let recorder: TrafficRecorder

    init(expected: Int, recorder: TrafficRecorder) {
        self.expected = Mutex(expected)
        self.recorder = recorder
    }

    /// How many streams there are, once known (fewer than first expected when some could not start).
    func expect(_ count: Int) {
        expected.withLock { $0 = count }
    }

    func closed(_ server: String) {
        let total = expected.withLock { $0 }
        let all = list.withLock { list -> Bool in
            list.append(server)
            return list.count >= total
        }
        if all { recorder.endStreams() }
    }

    var servers: [String] { list.withLock { $0 } }
}
