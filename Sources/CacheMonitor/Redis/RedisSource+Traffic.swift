import Basics
import Foundation
import RESP
import Synchronization

extension RedisSource {
    /// What the events a hit ratio needs are: key-miss events, flags `E` (keyevent) and `m` (miss) of
    /// `notify-keyspace-events` (`A` does not include `m`).
    static let keymissFlags: [Character] = ["E", "m"]
    static let notifyEvents = "notify-keyspace-events"
    static let monitorCost = "MONITOR can halve a busy server's throughput while it runs"

    /// The servers a traffic sample listens to: the server, or every master of the cluster.
    private func trafficServers() async throws -> [RedisURL] {
        guard try await cluster() != nil else { return [try await serverURL()] }
        let worker = try RedisClusterClient(seeds: seeds, configuration: configuration)
        defer { Task { await worker.close() } }
        return try await worker.masterClients().map(\.client.url)
    }

    /// Reads `notify-keyspace-events` on each server: what must change for key-miss events, or why it cannot
    /// be known (an ACL without `CONFIG`).
    package func trafficPreflight() async throws -> TrafficPreflight {
        var changes: [SettingChange] = []
        var notes: [String] = []
        for server in try await trafficServers() {
            let client = RedisClient(url: server, configuration: configuration)
            defer { Task { await client.close() } }
            switch try await Self.keyspaceEvents(on: client) {
            case .value(let flags):
                let missing = Self.keymissFlags.filter { !flags.contains($0) }
                if !missing.isEmpty {
                    changes.append(SettingChange(server: server.hostAndPort, name: Self.notifyEvents, from: flags, to: flags + String(missing)))
                }
            case .refused(let reason):
                notes.append("\(server.hostAndPort) refused CONFIG GET \(Self.notifyEvents) (\(reason)): hit ratios unknown, reads and writes only")
            }
        }
        let method: TrafficMethod = notes.isEmpty ? .monitorKeymiss : .monitor
        return TrafficPreflight(
            method: method, methodWithoutChanges: changes.isEmpty ? method : .monitor, changes: changes, cost: Self.monitorCost, notes: notes)
    }

    enum KeyspaceEvents {
        case value(String)
        case refused(String)
    }

    static func keyspaceEvents(on client: RedisClient) async throws -> KeyspaceEvents {
        let reply = try await client.send(RESPCommand("CONFIG", ["GET", notifyEvents]))
        if let message = reply.errorMessage { return .refused(message) }
        guard let values = reply.array, values.count == 2, let flags = values[1].string else { return .refused("an unexpected reply") }
        return .value(flags)
    }

    /// Listens with `MONITOR` (reads and writes per key) and, where key-miss events are on or may be turned on,
    /// a `SUBSCRIBE` to them (misses) — on each server at once, on connections of their own. Commands of
    /// cachescope's own connections are left out. Every setting changed is put back afterwards, on every way
    /// out; one that cannot be is reported in ``TrafficStreamsEnding/settingsNotRestored``.
    package func sampleTraffic(
        _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws
        -> TrafficStreamsEnding
    {
        let servers = try await trafficServers()
        var ending = TrafficStreamsEnding(method: .monitorKeymiss)
        var changed: [(server: RedisURL, change: SettingChange)] = []
        var streams: [(connection: RESPConnection, isMonitor: Bool)] = []
        let closed = ClosedStreams(expected: servers.count, recorder: recorder)
        let ownClients = OwnClients()
        // Misses count only while MONITOR counts reads, so both cover the same time.
        let counting = CountingWindow()
        var refresher: Task<Void, Never>?
        do {
            var listening = 0
            var firstFailure: (any Error)?
            for server in servers {
                let before = streams.count
                do {
                    let control = RedisClient(url: server, configuration: configuration)
                    defer { Task { await control.close() } }
                    var missesKnown = false
                    switch try await Self.keyspaceEvents(on: control) {
                    case .value(let flags):
                        let missing = Self.keymissFlags.filter { !flags.contains($0) }
                        if missing.isEmpty {
                            missesKnown = true
                        } else if options.mayChangeSettings {
                            let change = SettingChange(server: server.hostAndPort, name: Self.notifyEvents, from: flags, to: flags + String(missing))
                            let reply = try await control.send(RESPCommand("CONFIG", ["SET", Self.notifyEvents, change.to]))
                            if let message = reply.errorMessage {
                                ending.notes.append("\(server.hostAndPort) refused CONFIG SET \(Self.notifyEvents) (\(message)): hit ratios unknown")
                            } else {
                                changed.append((server, change))
                                missesKnown = true
                            }
                        } else {
                            ending.notes.append(
                                "\(Self.notifyEvents) on \(server.hostAndPort) lacks \(String(missing)) and was left alone: hit ratios unknown, reads and writes only"
                            )
                        }
                    case .refused(let reason):
                        ending.notes.append("\(server.hostAndPort) refused CONFIG GET \(Self.notifyEvents) (\(reason)): hit ratios unknown")
                    }
                    if !missesKnown { ending.method = .monitor }
                    await ownClients.refresh(on: control)
                    var streamConfiguration = configuration
                    streamConfiguration.clientName = "cachescope-traffic"
                    streamConfiguration.noTouch = false
                    if missesKnown {
                        let subscriber = try await RESPConnection.connect(to: server, configuration: streamConfiguration)
                        streams.append((subscriber, false))
                        let channel = "__keyevent@\(server.database)__:keymiss"
                        let reply = try await subscriber.stream(RESPCommand("SUBSCRIBE", [channel])) { value in
                            guard counting.isOpen, let parts = value.array, parts.count == 3, parts[0].bytes == Self.messageWord,
                                let key = parts[2].bytes
                            else { return }
                            recorder.record(key, .miss)
                        } onClose: { _ in
                        }
                        if let message = reply.errorMessage {
                            throw RedisError(.serverError, "\(server.hostAndPort) refused SUBSCRIBE \(channel): \(message)")
                        }
                    }
                    let monitor = try await RESPConnection.connect(to: server, configuration: streamConfiguration)
                    streams.append((monitor, true))
                    let reader = MonitorStreamReader(recorder: recorder, database: server.database, ownClients: ownClients, window: counting)
                    let address = server.hostAndPort
                    let reply = try await monitor.stream(RESPCommand("MONITOR"), onValue: reader.read) { _ in closed.closed(address) }
                    if let message = reply.errorMessage { throw RedisError(.serverError, "\(server.hostAndPort) refused MONITOR: \(message)") }
                    listening += 1
                } catch  where servers.count > 1 && !(error is CancellationError) {
                    // A master that cannot be listened to is named; the others are sampled.
                    firstFailure = firstFailure ?? error
                    for stream in streams[before...] { await stream.connection.close() }
                    streams.removeSubrange(before...)
                    ending.missingNodes.append(KeyspaceCensus.MissingNode(address: server.hostAndPort, reason: ErrorText.oneLine(error)))
                }
            }
            if listening == 0, let firstFailure { throw firstFailure }
            closed.expect(listening)
            if ending.method == .monitor && servers.count > 1 {
                ending.notes.append("key-miss events are not on every master: hit ratios unknown")
            }
            counting.open()
            // Connections cachescope opens meanwhile (browsing, another cachescope) are left out too.
            let refreshers = servers.map { RedisClient(url: $0, configuration: configuration) }
            refresher = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    for client in refreshers where !Task.isCancelled { await ownClients.refresh(on: client) }
                }
                for client in refreshers { await client.close() }
            }
            await listen()
        } catch {
            refresher?.cancel()
            for stream in streams { await stream.connection.close() }
            let notRestored = await restore(changed)
            // A failure after a setting could not be put back must still say so loudly.
            if !notRestored.isEmpty { throw RedisError(.serverError, "\(ErrorText.oneLine(error)); \(notRestored.joined(separator: "; "))") }
            throw error
        }
        refresher?.cancel()
        counting.close()
        let lost = closed.servers
        // MONITOR first, then (a moment later) the key-miss events: a read counted always has its miss counted.
        for (stream, isMonitor) in streams where isMonitor { await stream.close() }
        try? await Task.sleep(for: .milliseconds(50))
        for (stream, isMonitor) in streams where !isMonitor { await stream.close() }
        ending.settingsNotRestored = await restore(changed)
        if !lost.isEmpty {
            ending.partial =
                "\(lost.joined(separator: ", ")) closed the MONITOR connection before the sample's end: the figures cover the time until then"
        }
        return ending
    }

    private static let messageWord = Array("message".utf8)

    /// Puts back every changed setting, each on a fresh connection (the one that changed it may be gone).
    /// - Returns: one loud line per setting that could not be put back: which, where, and the value to put.
    private func restore(_ changed: [(server: RedisURL, change: SettingChange)]) async -> [String] {
        var failures: [String] = []
        for (server, change) in changed {
            var attempt = configuration
            attempt.connectTimeout = .seconds(5)
            let client = RedisClient(url: server, configuration: attempt)
            var failure: String?
            do {
                let reply = try await client.send(RESPCommand("CONFIG", ["SET", change.name, change.from]))
                failure = reply.errorMessage
            } catch {
                failure = ErrorText.oneLine(error)
            }
            await client.close()
            if let failure {
                failures.append(
                    "could not put back \(change.name) on \(server.hostAndPort) (\(failure)): run CONFIG SET \(change.name) \"\(change.from)\" there")
            }
        }
        return failures
    }
}

/// Whether a sample counts now: from the moment every stream listens until the streams start closing.
final class CountingWindow: Sendable {
    private let state = Atomic<Bool>(false)

    var isOpen: Bool { state.load(ordering: .acquiring) }
    func open() { state.store(true, ordering: .releasing) }
    func close() { state.store(false, ordering: .releasing) }
}

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
