import Basics
import ConnectionSupport
import Foundation
import RESP

extension RedisSource: TrafficSource {
    /// What the events a hit ratio needs are: key-miss events, flags `E` (keyevent) and `m` (miss) of
    /// `notify-keyspace-events` (`A` does not include `m`).
    static let keymissFlags: [Character] = ["E", "m"]
    static let notifyEvents = "notify-keyspace-events"
    static let monitorCost = "MONITOR can halve a busy server's throughput while it runs"

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
        for server in servers {
            switch server.keyMisses {
            case .off(let change): changes.append(change)
            case .unknown(let refusal):
                notes.append("\(server.address) refused CONFIG GET \(notifyEvents) (\(refusal.message)): hit ratios unknown, reads and writes only")
            case .on, .inStream: break
            }
        }
        let method: TrafficMethod = notes.isEmpty ? .monitorKeymiss : .monitor
        return TrafficPreflight(
            method: method, methodWithoutChanges: changes.isEmpty ? method : .monitor, changes: changes, cost: monitorCost, notes: notes,
            servers: servers)
    }

    enum KeyspaceEvents {
        case value(String)
        case refused(Refusal)
    }

    static func keyspaceEvents(on client: RedisClient) async throws -> KeyspaceEvents {
        let reply = try await client.send(RESPCommand("CONFIG", ["GET", notifyEvents]))
        if let message = reply.errorMessage { return .refused(Refusal(reply: message, command: "CONFIG GET")) }
        guard let values = reply.array, values.count == 2, let flags = values[1].string else {
            return .refused(Refusal(.other, command: "CONFIG GET", message: "an unexpected reply"))
        }
        return .value(flags)
    }

    /// Listens with `MONITOR` (reads and writes per key) and, where key-miss events are on or may be turned on,
    /// a `SUBSCRIBE` to them (misses) — on each server of `plan` at once, on connections of their own. Commands
    /// of cachescope's own connections are left out. Every setting changed is put back afterwards, on every way
    /// out; one that cannot be is reported in ``TrafficStreamsEnding/settingsNotRestored``.
    package func sampleTraffic(
        _ plan: TrafficPreflight, _ options: TrafficOptions, into recorder: TrafficRecorder, listen: () async -> Void
    ) async throws -> TrafficStreamsEnding {
        let servers = plan.servers.compactMap { server in server.url.map { (plan: server, url: $0) } }
        guard !servers.isEmpty else { throw MonitorError.unavailable("\(name): the traffic plan names no server to listen to") }
        var ending = TrafficStreamsEnding(method: .monitorKeymiss)
        var changed: [(server: RedisURL, change: SettingChange)] = []
        var streams: [(connection: RESPConnection, isMonitor: Bool)] = []
        let closed = ClosedStreams(expected: servers.count, recorder: recorder)
        let ownClients = OwnClients()
        // Misses count only while MONITOR counts reads, so both cover the same time.
        let counting = CountingWindow()
        var refresher: Task<Void, Never>?
        var refreshers: [RedisClient] = []
        do {
            var listening = 0
            var firstFailure: (any Error)?
            for (server, url) in servers {
                let before = streams.count
                do {
                    let missesKnown = try await RedisClient(url: url, configuration: configuration).executeThenClose { control in
                        let missesKnown = try await keyMissEvents(of: server, on: control, options: options, changed: &changed, ending: &ending)
                        await ownClients.refresh(on: control)
                        return missesKnown
                    }
                    if !missesKnown { ending.method = .monitor }
                    var streamConfiguration = configuration
                    streamConfiguration.clientName = "cachescope-traffic"
                    streamConfiguration.noTouch = false
                    if missesKnown {
                        let subscriber = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
                        streams.append((subscriber, false))
                        let channel = "__keyevent@\(url.database)__:keymiss"
                        let reply = try await subscriber.stream(RESPCommand("SUBSCRIBE", [channel])) { value in
                            guard counting.isOpen, let parts = value.array, parts.count == 3, parts[0].bytes == Self.messageWord,
                                let key = parts[2].bytes
                            else { return }
                            recorder.record(key, .miss)
                        } onClose: { _ in
                        }
                        if let message = reply.errorMessage {
                            throw RedisError(.serverError, "\(server.address) refused SUBSCRIBE \(channel): \(message)")
                        }
                    }
                    let monitor = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
                    streams.append((monitor, true))
                    let reader = MonitorStreamReader(recorder: recorder, database: url.database, ownClients: ownClients, window: counting)
                    let address = server.address
                    let reply = try await monitor.stream(RESPCommand("MONITOR"), onValue: reader.read) { _ in closed.closed(address) }
                    if let message = reply.errorMessage { throw RedisError(.serverError, "\(server.address) refused MONITOR: \(message)") }
                    listening += 1
                } catch  where servers.count > 1 && !(error is CancellationError) {
                    // A master that cannot be listened to is named; the others are sampled.
                    firstFailure = firstFailure ?? error
                    for stream in streams[before...] { await stream.connection.close() }
                    streams.removeSubrange(before...)
                    ending.missingNodes.append(KeyspaceCensus.MissingNode(address: server.address, reason: ErrorText.oneLine(error)))
                }
            }
            if listening == 0, let firstFailure { throw firstFailure }
            closed.expect(listening)
            if ending.method == .monitor && servers.count > 1 {
                ending.notes.append("key-miss events are not on every master: hit ratios unknown")
            }
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
        if !lost.isEmpty {
            ending.partial =
                "\(lost.joined(separator: ", ")) closed the MONITOR connection before the sample's end: the figures cover the time until then"
        }
        return ending
    }

    /// Whether `server`'s misses can be counted, as the plan found its key-miss events: on already, turned on
    /// now on `control` when the plan's change may be made (recorded in `changed`, to be put back), or not.
    private func keyMissEvents(
        of server: TrafficServer, on control: RedisClient, options: TrafficOptions, changed: inout [(server: RedisURL, change: SettingChange)],
        ending: inout TrafficStreamsEnding
    ) async throws -> Bool {
        switch server.keyMisses {
        case .on, .inStream:
            return true
        case .off(let change) where options.mayChangeSettings:
            let reply = try await control.send(RESPCommand("CONFIG", ["SET", Self.notifyEvents, change.to]))
            if let message = reply.errorMessage {
                ending.notes.append("\(server.address) refused CONFIG SET \(Self.notifyEvents) (\(message)): hit ratios unknown")
                return false
            }
            changed.append((control.url, change))
            return true
        case .off(let change):
            let missing = String(Self.keymissFlags.filter { !change.from.contains($0) })
            ending.notes.append(
                "\(Self.notifyEvents) on \(server.address) lacks \(missing) and was left alone: hit ratios unknown, reads and writes only")
            return false
        case .unknown(let refusal):
            ending.notes.append("\(server.address) refused CONFIG GET \(Self.notifyEvents) (\(refusal.message)): hit ratios unknown")
            return false
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
                    return try await client.send(RESPCommand("CONFIG", ["SET", change.name, change.from])).errorMessage
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
