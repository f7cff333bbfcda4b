import Basics
import Foundation
import RESP
import Synchronization

/// The addresses of cachescope's own connections to a server (named `cachescope…`), whose commands a
/// traffic sample leaves out.
package final class OwnClients: Sendable {
    private let addresses = Mutex<Set<[UInt8]>>([])

    package init() {}

    /// Reads `CLIENT LIST` on `client`'s server and adds the addresses of cachescope's connections (kept
    /// when it is refused).
    func refresh(on client: RedisClient) async {
        guard let reply = try? await client.send(RESPCommand("CLIENT", ["LIST"])), let text = reply.string else { return }
        var found: Set<[UInt8]> = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.contains(where: { $0.hasPrefix("name=cachescope") }),
                let address = fields.first(where: { $0.hasPrefix("addr=") })?.dropFirst(5)
            else { continue }
            found.insert(Array(address.utf8))
        }
        addresses.withLock { $0.formUnion(found) }
    }

    func contains(_ address: [UInt8]) -> Bool { addresses.withLock { $0.contains(address) } }

    /// Notes a connection that named itself cachescope's in the stream (`CLIENT SETNAME cachescope…`, sent
    /// first by every connection it opens): its commands are left out from its very first.
    func learn(from line: MonitorLine) {
        let arguments = line.arguments
        guard arguments.count >= 3, arguments[2].starts(with: Self.namePrefix), arguments[0].count == 6,
            String(decoding: arguments[0], as: UTF8.self).lowercased() == "client",
            String(decoding: arguments[1], as: UTF8.self).lowercased() == "setname"
        else { return }
        _ = addresses.withLock { $0.insert(line.client) }
    }

    private static let namePrefix = Array("cachescope".utf8)
}

/// Reads one server's `MONITOR` lines into the recorder. When lines arrive more than two seconds behind the
/// server's clock (we read slower than the server sends), they are skipped — counted as not counted — until
/// it catches up, so the server never buffers without bound for us.
package final class MonitorStreamReader: Sendable {
    private let recorder: TrafficRecorder
    private let database: Int
    private let ownClients: OwnClients
    /// The smallest (our clock − the server's clock) seen: the lag of a line is its excess over it.
    private let offset = Mutex<Double?>(nil)
    private let maxLag: Double
    private let window: CountingWindow?

    /// - Parameters:
    ///   - maxLag: seconds behind the server's clock from which lines are skipped (`.infinity` for a recorded
    ///     stream replayed).
    ///   - window: lines count only while it is open (`nil`: always).
    package convenience init(recorder: TrafficRecorder, database: Int, ownClients: OwnClients = OwnClients(), maxLag: Double = 2) {
        self.init(recorder: recorder, database: database, ownClients: ownClients, maxLag: maxLag, window: nil)
    }

    init(recorder: TrafficRecorder, database: Int, ownClients: OwnClients, maxLag: Double = 2, window: CountingWindow?) {
        self.recorder = recorder
        self.database = database
        self.ownClients = ownClients
        self.maxLag = maxLag
        self.window = window
    }

    @Sendable package func read(_ value: RESPValue) {
        guard case .simpleString(let bytes) = value, window?.isOpen ?? true else { return }
        guard let line = MonitorLine.parse(bytes) else {
            recorder.unreadableLine()
            return
        }
        let now = Date().timeIntervalSince1970
        let behind = offset.withLock { offset -> Double in
            let difference = now - line.timestamp
            guard let known = offset, known <= difference else {
                offset = difference
                return 0
            }
            return difference - known
        }
        guard behind <= maxLag else {
            recorder.notCounted(1)
            return
        }
        ownClients.learn(from: line)
        guard line.database == database, !ownClients.contains(line.client) else { return }
        var events: [(key: [UInt8], event: TrafficEvent)] = []
        RedisTrafficCommands.events(line.arguments) { events.append(($0, $1)) }
        recorder.record(events)
    }
}
