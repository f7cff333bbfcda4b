import Basics
import ConnectionSupport
import Foundation
import RESP

extension RedisSource: CapabilitySource {
    /// Asks the server — or every master of the cluster — on connections of its own, closed afterwards.
    package func checkCapabilities(_ options: CapabilityCheckOptions) async throws -> CapabilityReport {
        try await withOwnConnections { own in
            var report = CapabilityReport(servers: [])
            for (address, client) in own.servers {
                do {
                    report.servers.append(try await probe(address: address, client: client, options: options))
                } catch  where own.servers.count > 1 && !(error is CancellationError) {
                    report.missing.append(KeyspaceCensus.MissingNode(address: address, reason: ErrorText.oneLine(error)))
                }
            }
            return report
        }
    }

    /// The SHA1 of `return 0`, the script `EVALSHA` is asked to run (`NOSCRIPT` means it may).
    private static let probeScript = "return 0"
    private static let probeScriptSHA1 = "e0e1f9fabfc9d4800c877a703b823ac0578ff831"

    /// Asks one server what it allows, with the commands the features send — each on a key that does not
    /// exist, beside a key the server has (so an ACL's key patterns are met) —, and the streams opened and
    /// closed at once.
    private func probe(address: String, client: RedisClient, options: CapabilityCheckOptions) async throws -> ServerCapabilities {
        var answers: [RedisProbe: ProbeAnswer] = [:]
        let first = try await client.send([
            RESPCommand("INFO", ["default"]), RESPCommand("ACL", ["WHOAMI"]), RESPCommand("SCAN", [0, "COUNT", 20]),
        ])
        answers[.info] = ProbeAnswer(reply: first[0], probe: .info)
        answers[.scan] = ProbeAnswer(reply: first[2], probe: .scan)
        var info = first[0].errorMessage == nil ? first[0].string.map(RedisInfo.init(parsing:)) : nil
        let user = first[1].errorMessage == nil ? first[1].string : nil
        let sampleKey = first[2].array?.last?.array?.first?.bytes
        let probeKey = Self.probeKey(beside: sampleKey)
        let valkey = info?.isValkey ?? false
        let version = info?.serverVersion
        let asksCommandLog = info.map(Self.hasCommandLog) ?? false

        var batch: [(RedisProbe, RESPCommand)] = [
            (.type, RESPCommand("TYPE", key: probeKey)), (.pttl, RESPCommand("PTTL", key: probeKey)),
            (.getrange, RESPCommand("GETRANGE", key: probeKey, [0, 0])),
            (.memoryUsage, RESPCommand("MEMORY", ["USAGE", probeKey], keyPositions: [2])),
            (.configGet, RESPCommand("CONFIG", ["GET", Self.notifyEvents])), (.slowlog, RESPCommand("SLOWLOG", ["LEN"])),
            (.latency, RESPCommand("LATENCY", ["LATEST"])), (.clientList, RESPCommand("CLIENT", ["LIST", "TYPE", "replica"])),
            (.memoryDoctor, RESPCommand("MEMORY", ["DOCTOR"])), (.commandstats, RESPCommand("INFO", ["commandstats"])),
            (.evalsha, RESPCommand("EVALSHA", [Self.probeScriptSHA1, 0])), (.eval, RESPCommand("EVAL", [Self.probeScript, 0])),
        ]
        if asksCommandLog { batch.append((.commandlog, RESPCommand("COMMANDLOG", ["LEN", "slow"]))) }
        if !options.readOnly { batch.append((.unlink, RESPCommand("UNLINK", key: probeKey))) }
        let replies = try await client.send(batch.map(\.1))
        var keyspaceEvents: String?
        for ((probe, _), reply) in zip(batch, replies) {
            answers[probe] = ProbeAnswer(reply: reply, probe: probe)
            if probe == .configGet, reply.errorMessage == nil, let values = reply.array, values.count == 2 { keyspaceEvents = values[1].string }
            if probe == .commandstats, reply.errorMessage == nil, let text = reply.string {
                info?.fields.merge(RedisInfo(parsing: text).fields) { old, _ in old }
            }
        }
        // The lookups of a key that does not exist count as misses on the server: ours, left out of the hit ratio.
        let lookups = [RedisProbe.type, .pttl, .getrange, .memoryUsage].filter { answers[$0] == .allowed }.count
        ownReads.record(hits: 0, misses: lookups)
        ownReads.recordCommands(3 + batch.count)

        answers[.monitor] = try await streamAnswer(RESPCommand("MONITOR"), probe: .monitor, on: client.url)
        answers[.subscribe] = try await streamAnswer(
            RESPCommand("SUBSCRIBE", ["__keyevent@\(client.url.database)__:keymiss"]), probe: .subscribe, on: client.url)
        answers[.tracking] = try await trackingAnswer(prefix: probeKey, control: client)

        let rules = RedisCapabilityRules(answers: answers, info: info, keyspaceEvents: keyspaceEvents, readOnly: options.readOnly)
        return ServerCapabilities(
            address: address, version: version, flavor: valkey ? .valkey : .redis, role: info?.fields["role"], tls: client.url.tls != nil,
            user: user ?? client.url.username ?? "default", features: rules.features)
    }

    /// A key that does not exist, beside `sample` (its prefix up to the last `:`), so an ACL that allows
    /// only the application's keys allows it too.
    static func probeKey(beside sample: [UInt8]?) -> [UInt8] {
        var prefix: [UInt8] = []
        if let sample, let colon = sample.lastIndex(of: UInt8(ascii: ":")) { prefix = Array(sample[...colon]) }
        let suffix = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return prefix + Array("cachescope-check-\(suffix)".utf8)
    }

    /// How the server answers a streaming command (`MONITOR`, `SUBSCRIBE`) on a connection of its own,
    /// closed at once.
    func streamAnswer(_ command: RESPCommand, probe: RedisProbe, on url: RedisURL) async throws -> ProbeAnswer {
        var streamConfiguration = configuration
        streamConfiguration.clientName = "cachescope-check"
        let connection = try await RESPConnection.connect(to: url, configuration: streamConfiguration)
        do {
            let reply = try await connection.stream(command, onValue: { _ in }, onClose: { _ in })
            await connection.close()
            return ProbeAnswer(reply: reply, probe: probe)
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Whether the server lets a connection track keys under `prefix` (`CLIENT TRACKING on REDIRECT … BCAST`),
    /// the invalidations sent to `control`'s connection; the tracking connection is closed at once.
    private func trackingAnswer(prefix: [UInt8], control: RedisClient) async throws -> ProbeAnswer {
        let id = try await control.attempt(RESPCommand("CLIENT", ["ID"]))
        if id.errorMessage != nil { return ProbeAnswer(reply: id, probe: .tracking) }
        guard let redirect = id.integer else { return .refused(Refusal(.other, command: "CLIENT ID", message: "an unexpected reply")) }
        return try await RedisClient(url: control.url, configuration: configuration).executeThenClose { tracker in
            ProbeAnswer(
                reply: try await tracker.attempt(RESPCommand("CLIENT", ["TRACKING", "on", "REDIRECT", redirect, "BCAST", "PREFIX", prefix])),
                probe: .tracking)
        }
    }
}
