import Basics
import ConnectionSupport
import Foundation
import RESP
import Synchronization

extension RedisSource: TrafficSource {
    /// What the events a hit ratio needs are: key-miss events, flags `E` (keyevent) and `m` (miss) of
    /// `notify-keyspace-events` (`A` does not include `m`).
    static let keymissFlags: [Character] = ["E", "m"]
    static let notifyEvents = "notify-keyspace-events"
    static let monitorCost = "MONITOR can halve a busy server's throughput while it runs"
    static let trackingCost = "key tracking sends every changed key's name to cachescope while it runs"

    /// The server streams its commands to us (`MONITOR`).
    package var trafficCost: TrafficCost { .listening }

    /// Reads `notify-keyspace-events` on each server — the server, or every master of the cluster —, each on a
    /// connection of its own closed afterwards: the plan the sample runs (what must change for key-miss
    /// events, or why hit ratios cannot be known: an ACL without `CONFIG`).
    package func trafficPreflight() async throws -> TrafficPreflight {
        try await withOwnConnections { own in
            var servers: [TrafficServer] = []
            for (_, client) in own.servers {
                let address = client.url.hostAndPort
                let monitor = try await streamAnswer(RESPCommand("MONITOR"), probe: .monitor, on: client.url)
                if case .refused(let refusal) = monitor {
                    servers.append(
                        TrafficServer(address: address, url: client.url, keyMisses: .unknown(refusal), listening: .tracking(because: refusal)))
                    continue
                }
                let keyMisses: TrafficServer.KeyMisses
                switch try await Self.keyspaceEvents(on: client) {
                case .value(let flags):
                    let missing = Self.keymissFlags.filter { !flags.contains($0) }
                    keyMisses =
                        missing.isEmpty
                        ? .on : .off(SettingChange(server: address, name: Self.notifyEvents, from: flags, to: flags + String(missing)))
                case .refused(let refusal):
                    keyMisses = .unknown(refusal)
                }
                servers.append(TrafficServer(address: address, url: client.url, keyMisses: keyMisses))
            }
            return Self.plan(servers)
        }
    }

    /// The plan for `servers`: the changes to ask for, and how the sample measures with and without them.
    static func plan(_ servers: [TrafficServer]) -> TrafficPreflight {
        var changes: [SettingChange] = []
        var notes: [String] = []
        var tracking = false
        for server in servers {
            if case .tracking(let refusal) = server.listening {
                tracking = true
                notes.append(
                    "\(server.address) refused MONITOR (\(refusal.message)): changes per prefix by key tracking (writes, expiries, evictions); no reads"
                )
                continue
            }
            switch server.keyMisses {
            case .off(let change): changes.append(change)
            case .unknown(let refusal):
                notes.append(
                    "\(server.address) refused CONFIG GET \(notifyEvents) (\(refusal.message)): misses are counted if key-miss events are on already")
            case .on, .inStream: break
            }
        }
        let method: TrafficMethod = tracking ? .tracking : notes.isEmpty ? .monitorKeymiss : .monitorKeymissExisting
        return TrafficPreflight(
            method: method, methodWithoutChanges: changes.isEmpty || tracking ? method : .monitor, changes: changes,
            cost: tracking ? trackingCost : monitorCost, notes: notes, servers: servers)
    }

    enum KeyspaceEvents {
        case value(String)
        case refused(Refusal)
    }

    static func keyspaceEvents(on client: RedisClient) async throws -> KeyspaceEvents {
        let reply = try await client.attempt(RESPCommand("CONFIG", ["GET", notifyEvents]))
        if let message = reply.errorMessage { return .refused(Refusal(reply: message, command: "CONFIG GET")) }
        guard let values = reply.array, values.count == 2, let flags = values[1].string else {
            return .refused(Refusal(.other, command: "CONFIG GET", message: "an unexpected reply"))
        }
        return .value(flags)
    }

    /// Listens with `MONITOR` (reads and writes per key) and, where key-miss events are on or may be turned on —
    /// or their setting could not be read, so they may be on —, a `SUBSCRIBE` to them (misses) — on each
    /// server of `plan` at once, on connections of their own. Commands of cachescope's own connections are left
    /// out. Every setting changed is put back afterwards, on every way out; one that cannot be is reported in
    /// ``TrafficStreamsEnding/settingsNotRestored``.
    package func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding {
        let servers = plan.servers.compactMap { server in server.url.map { (plan: server, url: $0) } }
        guard !servers.isEmpty else { throw MonitorError.unavailable("\(name): the traffic plan names no server to listen to") }
        var ending = TrafficStreamsEnding(method: .monitorKeymiss)
        var changed: [(server: RedisURL, change: SettingChange)] = []
        var streams: [(connection: RESPConnection, isMonitor: Bool)] = []
        var missCounts: [KeyMissCount] = []
        let closed = ClosedStreams(expected: servers.count, recorder: recorder)
        let ownClients = OwnClients()
        // Misses count only while MONITOR counts reads, so both cover the same time.
        let counting = CountingWindow()
        var refresher: Task<Void, Never>?
        var refreshers: [RedisClient] = []
        // Key tracking on any server: reads are unknown for the whole sample.
        var tracked = false
        do {
            var listening = 0
            var firstFailure: (any Error)?
            for (server, url) in servers {
                let before = streams.count
                if case .tracking = server.listening {
                    do {
                        try await track(url, address: server.address, window: counting, recorder: recorder, closed: closed, streams: &streams)
                        if case .tracking(let refusal) = server.listening {
                            ending.notes.append(
                                "\(server.address) refused MONITOR (\(refusal.message)): writes are key tracking's invalidations (writes, expiries, evictions); reads unknown"
                            )
                        }
                        tracked = true
                        listening += 1
                    } catch  where servers.count > 1 && !(error is CancellationError) {
                        firstFailure = firstFailure ?? error
                        for stream in streams[before...] { await stream.connection.close() }
                        streams.removeSubrange(before...)
                        ending.missingNodes.append(KeyspaceCensus.MissingNode(address: server.address, reason: ErrorText.oneLine(error)))
                    }
                    continue
                }
                do {
                    let misses = try await RedisClient(url: url, configuration: configuration).executeThenClose { control in
                        var misses = try await keyMissEvents(of: server, on: control, options: options, changed: &changed, ending: &ending)
                        if case .countedIfOn = misses { misses = .countedIfOn(before: try? await control.info(["stats"]).keyspaceMisses) }
                        await ownClients.refresh(on: control)
                        return misses
                    }
                    var streamConfiguration = configuration
                    streamConfiguration.clientName = "cachescope-traffic"
                    streamConfiguration.noTouch = false
                    if misses != .notCounted {
                        let count = KeyMissCount(server: server.address, url: url, misses: misses)
                        let subscriber = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
                        streams.append((subscriber, false))
                        let channel = "__keyevent@\(url.database)__:keymiss"
                        let reply = try await subscriber.stream(RESPCommand("SUBSCRIBE", [channel])) { value in
                            guard counting.isOpen, let parts = value.array, parts.count == 3, parts[0].bytes == Self.messageWord,
                                let key = parts[2].bytes
                            else { return }
                            count.arrived()
                            recorder.record(key, .miss)
                        } onClose: { _ in
                        }
                        if let message = reply.errorMessage {
                            // Refused (an ACL's channel rules): misses unknown there, reads and writes still counted.
                            ending.notes.append("\(server.address) refused SUBSCRIBE \(channel) (\(message)): hit ratios unknown")
                            count.refused()
                        }
                        missCounts.append(count)
                    } else {
                        ending.method = .monitor
                    }
                    let monitor = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
                    streams.append((monitor, true))
                    let reader = MonitorStreamReader(recorder: recorder, database: url.database, ownClients: ownClients, window: counting)
                    let address = server.address
                    let reply = try await monitor.stream(RESPCommand("MONITOR"), onValue: reader.read) { _ in closed.closed(address) }
                    if let message = reply.errorMessage {
                        throw MonitorError.refused(.traffic, server: server.address, Refusal(reply: message, command: "MONITOR"))
                    }
                    listening += 1
                } catch  where servers.count > 1 && !(error is CancellationError) {
                    // A master that cannot be listened to is named; the others are sampled.
                    firstFailure = firstFailure ?? error
                    for stream in streams[before...] { await stream.connection.close() }
                    streams.removeSubrange(before...)
                    missCounts.removeAll { $0.server == server.address }
                    ending.missingNodes.append(KeyspaceCensus.MissingNode(address: server.address, reason: ErrorText.oneLine(error)))
                }
            }
            if listening == 0, let firstFailure { throw firstFailure }
            closed.expect(listening)
            counting.open()
            // Connections cachescope opens meanwhile (browsing, another cachescope) are left out too.
            refreshers = servers.map { RedisClient(url: $0.url, configuration: configuration) }
            refresher = Task { [refreshers] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    for client in refreshers where !Task.isCancelled { await ownClients.refresh(on: client) }
                }
            }
            await listen()
        } catch {
            refresher?.cancel()
            await refresher?.value
            for client in refreshers { await client.close() }
            for stream in streams { await stream.connection.close() }
            let notRestored = await restore(changed)
            // A failure after a setting could not be put back must still say so loudly.
            if !notRestored.isEmpty { throw RedisError(.serverError, "\(ErrorText.oneLine(error)); \(notRestored.joined(separator: "; "))") }
            throw error
        }
        refresher?.cancel()
        await refresher?.value
        for client in refreshers { await client.close() }
        counting.close()
        let lost = closed.servers
        // MONITOR first, then (a moment later) the key-miss events: a read counted always has its miss counted.
        for (stream, isMonitor) in streams where isMonitor { await stream.close() }
        try? await Task.sleep(for: .milliseconds(50))
        for (stream, isMonitor) in streams where !isMonitor { await stream.close() }
        ending.settingsNotRestored = await restore(changed)
        ending.method = tracked ? .tracking : await missesMethod(ending.method, counts: missCounts, notes: &ending.notes)
        if !lost.isEmpty {
            ending.partial =
                "\(lost.joined(separator: ", ")) closed the MONITOR connection before the sample's end: the figures cover the time until then"
        }
        return ending
    }

    /// Listens to `url`'s key changes by key tracking: a connection subscribed to the invalidation channel,
    /// and a second one that turns `CLIENT TRACKING on … BCAST` on (every key, so every prefix counts — a
    /// keyspace sample would miss prefixes written but not stored now) with its invalidations redirected
    /// to the first. Both are closed with the other streams (tracking ends with its connection).
    private func track(
        _ url: RedisURL, address: String, window: CountingWindow, recorder: TrafficRecorder, closed: ClosedStreams,
        streams: inout [(connection: RESPConnection, isMonitor: Bool)]
    ) async throws {
        var streamConfiguration = configuration
        streamConfiguration.clientName = "cachescope-traffic"
        let subscriber = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
        streams.append((subscriber, true))
        let id = try await subscriber.send([RESPCommand("CLIENT", ["ID"])])[0]
        guard let redirect = id.integer else {
            throw MonitorError.refused(.traffic, server: address, Refusal(reply: id.errorMessage ?? "an unexpected reply", command: "CLIENT ID"))
        }
        let reader = TrackingStreamReader(recorder: recorder, window: window)
        let subscribed = try await subscriber.stream(RESPCommand("SUBSCRIBE", [TrackingStreamReader.channel]), onValue: reader.read) { _ in
            closed.closed(address)
        }
        if let message = subscribed.errorMessage {
            throw MonitorError.refused(.traffic, server: address, Refusal(reply: message, command: "SUBSCRIBE \(TrackingStreamReader.channel)"))
        }
        let tracker = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
        streams.append((tracker, false))
        let reply = try await tracker.send([RESPCommand("CLIENT", ["TRACKING", "on", "REDIRECT", redirect, "BCAST"])])[0]
        if let message = reply.errorMessage {
            throw MonitorError.refused(.traffic, server: address, Refusal(reply: message, command: "CLIENT TRACKING"))
        }
    }

    /// The method the sample turned out to use: `MONITOR` with key-miss events where every server's misses
    /// were counted — `…-existing` when some server's events were used without reading their setting —, else
    /// `MONITOR` alone. A server whose setting could not be read counts when its events arrived, or when its
    /// `keyspace_misses` did not move (no miss to hear of); misses that moved it unheard mean the events are
    /// off there.
    private func missesMethod(_ method: TrafficMethod, counts: [KeyMissCount], notes: inout [String]) async -> TrafficMethod {
        guard method != .monitor else { return .monitor }
        var usedExisting = false
        for count in counts {
            switch count.misses {
            case .notCounted: return .monitor
            case .counted:
                if count.wasRefused { return .monitor }
            case .countedIfOn(let before):
                if count.wasRefused { return .monitor }
                usedExisting = true
                guard count.events == 0 else { continue }
                let after = await RedisClient(url: count.url, configuration: configuration).executeThenClose { client in
                    try? await client.info(["stats"]).keyspaceMisses
                }
                guard let before, let after, after == before else {
                    notes.append("key-miss events are off on \(count.server) (its CONFIG cannot be read to say so): hit ratios unknown")
                    return .monitor
                }
            }
        }
        return usedExisting ? .monitorKeymissExisting : .monitorKeymiss
    }

    /// Whether `server`'s misses can be counted, as the plan found its key-miss events: on already, turned on
    /// now on `control` when the plan's change may be made (recorded in `changed`, to be put back), or not.
    private func keyMissEvents(
        of server: TrafficServer, on control: RedisClient, options: TrafficOptions, changed: inout [(server: RedisURL, change: SettingChange)],
        ending: inout TrafficStreamsEnding
    ) async throws -> MissEvents {
        switch server.keyMisses {
        case .on, .inStream:
            return .counted
        case .off(let change) where options.mayChangeSettings:
            let reply = try await control.attempt(RESPCommand("CONFIG", ["SET", Self.notifyEvents, change.to]))
            if let message = reply.errorMessage {
                ending.notes.append("\(server.address) refused CONFIG SET \(Self.notifyEvents) (\(message)): hit ratios unknown")
                return .notCounted
            }
            changed.append((control.url, change))
            return .counted
        case .off(let change):
            let missing = String(Self.keymissFlags.filter { !change.from.contains($0) })
            ending.notes.append(
                "\(Self.notifyEvents) on \(server.address) lacks \(missing) and was left alone: hit ratios unknown, reads and writes only")
            return .notCounted
        case .unknown:
            // The setting cannot be read: the events are listened to, and used if they turn out to be on.
            return .countedIfOn(before: nil)
        }
    }

    private static let messageWord = Array("message".utf8)

    /// Puts back every changed setting, each on a fresh connection (the one that changed it may be gone).
    /// - Returns: one loud line per setting that could not be put back: which, where, and the value to put.
    private func restore(_ changed: [(server: RedisURL, change: SettingChange)]) async -> [String] {
        var failures: [String] = []
        for (server, change) in changed {
            var attempt = configuration
            attempt.connectTimeout = .seconds(5)
            let failure = await RedisClient(url: server, configuration: attempt).executeThenClose { client -> String? in
                do {
                    return try await client.attempt(RESPCommand("CONFIG", ["SET", change.name, change.from])).errorMessage
                } catch {
                    return ErrorText.oneLine(error)
                }
            }
            if let failure {
                failures.append(
                    "could not put back \(change.name) on \(server.hostAndPort) (\(failure)): run CONFIG SET \(change.name) \"\(change.from)\" there")
            }
        }
        return failures
    }
}

/// Whether a server's misses are counted in a traffic sample.
enum MissEvents: Sendable, Hashable {
    /// Its key-miss events are on (or were turned on for the sample).
    case counted
    /// They are off and stay off.
    case notCounted
    /// Its setting could not be read: the events are listened to and count if they turn out to be on —
    /// they arrive, or `keyspace_misses` (`before` the sample) did not move.
    case countedIfOn(before: UInt64?)
}

/// The key-miss events one server sent during a sample.
final class KeyMissCount: Sendable {
    let server: String
    let url: RedisURL
    let misses: MissEvents
    private let arrivals = Atomic<Int>(0)
    private let refusal = Atomic<Bool>(false)

    init(server: String, url: RedisURL, misses: MissEvents) {
        self.server = server
        self.url = url
        self.misses = misses
    }

    /// One event arrived.
    func arrived() { arrivals.add(1, ordering: .relaxed) }
    /// The subscription was refused.
    func refused() { refusal.store(true, ordering: .relaxed) }

    var events: Int { arrivals.load(ordering: .relaxed) }
    var wasRefused: Bool { refusal.load(ordering: .relaxed) }
}
