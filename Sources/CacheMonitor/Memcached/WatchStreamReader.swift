import Synchronization

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
