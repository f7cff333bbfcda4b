import RESP

/// A command the capability check sends to a Redis server, each the one a feature runs (or a harmless form
/// of it), so its answer is the feature's.
enum RedisProbe: Sendable, Hashable, CaseIterable {
    case info, scan, type, pttl, getrange, memoryUsage, configGet, slowlog, latency, clientList, memoryDoctor, commandstats, commandlog
    case evalsha, eval, unlink, monitor, subscribe, tracking

    /// The command as an operator knows it (`MEMORY USAGE`), for a refusal.
    var command: String {
        switch self {
        case .info: "INFO"
        case .scan: "SCAN"
        case .type: "TYPE"
        case .pttl: "PTTL"
        case .getrange: "GETRANGE"
        case .memoryUsage: "MEMORY USAGE"
        case .configGet: "CONFIG GET"
        case .slowlog: "SLOWLOG"
        case .latency: "LATENCY LATEST"
        case .clientList: "CLIENT LIST"
        case .memoryDoctor: "MEMORY DOCTOR"
        case .commandstats: "INFO commandstats"
        case .commandlog: "COMMANDLOG"
        case .evalsha: "EVALSHA"
        case .eval: "EVAL"
        case .unlink: "UNLINK"
        case .monitor: "MONITOR"
        case .subscribe: "SUBSCRIBE"
        case .tracking: "CLIENT TRACKING"
        }
    }
}

/// How a server answered one probe.
enum ProbeAnswer: Sendable, Hashable {
    /// It ran the command (a `WRONGTYPE` or `NOSCRIPT` reply means it ran too).
    case allowed
    /// It refused it, in its own words.
    case refused(Refusal)
    /// Not asked (not needed here: `--read-only`, a server too old for the command).
    case notAsked

    /// The answer a reply gives: an error reply that is not about the command being run — `WRONGTYPE`,
    /// `NOSCRIPT`, or a cluster's `MOVED`/`ASK`/`CROSSSLOT` (a server checks permissions before it redirects) —
    /// still means the server runs it.
    init(reply: RESPValue, probe: RedisProbe) {
        guard let message = reply.errorMessage else {
            self = .allowed
            return
        }
        if ["WRONGTYPE", "NOSCRIPT", "MOVED", "ASK", "CROSSSLOT"].contains(where: { message.hasPrefix($0 + " ") }) {
            self = .allowed
        } else {
            self = .refused(Refusal(reply: message, command: probe.command))
        }
    }

    var isAllowed: Bool { self == .allowed }

    var refusal: Refusal? {
        if case .refused(let refusal) = self { return refusal }
        return nil
    }
}

/// What one Redis server answered to the check, turned into what each feature can do there — pure, so each
/// restriction is tested without a server.
struct RedisCapabilityRules: Sendable {
    var answers: [RedisProbe: ProbeAnswer]
    /// The server's `INFO` (with `commandstats` when allowed), when it answered.
    var info: RedisInfo?
    /// `notify-keyspace-events`, when `CONFIG GET` answered.
    var keyspaceEvents: String?
    var readOnly: Bool

    func answer(_ probe: RedisProbe) -> ProbeAnswer { answers[probe] ?? .notAsked }
    func allowed(_ probe: RedisProbe) -> Bool { answer(probe).isAllowed }
    func refusals(_ probes: [RedisProbe]) -> [Refusal] { probes.compactMap { answer($0).refusal } }

    /// One check per ``CheckedFeature``, in order.
    var features: [FeatureCheck] {
        CheckedFeature.allCases.map { feature in
            switch feature {
            case .overview: overview
            case .keys: keys
            case .ttl: single(.ttl, .pttl, remedy: "grant the user +pttl")
            case .values: values
            case .analyze: analyze
            case .traffic: traffic
            case .health: health
            case .invalidate: invalidate
            case .metrics: metrics
            }
        }
    }

    private static let serviceSettings = "in the service's parameter settings (or CONFIG SET where allowed)"

    private var overview: FeatureCheck {
        guard allowed(.info), let info else {
            return FeatureCheck(.overview, .unavailable, method: nil, refused: refusals([.info]), remedy: "grant the user +info")
        }
        if info.keyspaceHits == nil || info.usedMemory == nil {
            return FeatureCheck(
                .overview, .degraded, method: "INFO", note: "INFO lacks the stats or memory section: those figures show —")
        }
        return FeatureCheck(.overview, .ok, method: "INFO")
    }

    private var keys: FeatureCheck {
        guard allowed(.scan) else {
            return FeatureCheck(.keys, .unavailable, method: nil, refused: refusals([.scan]), remedy: remedy(for: .scan, "+scan"))
        }
        return FeatureCheck(.keys, .ok, method: "SCAN")
    }

    private func single(_ feature: CheckedFeature, _ probe: RedisProbe, remedy: String) -> FeatureCheck {
        guard allowed(probe) else {
            return FeatureCheck(feature, .unavailable, method: nil, refused: refusals([probe]), remedy: self.remedy(for: probe, remedy))
        }
        return FeatureCheck(feature, .ok, method: probe.command)
    }

    private var values: FeatureCheck {
        guard allowed(.type) else {
            return FeatureCheck(.values, .unavailable, method: nil, refused: refusals([.type]), remedy: remedy(for: .type, "+type"))
        }
        guard allowed(.getrange) else {
            return FeatureCheck(
                .values, .degraded, method: "TYPE", refused: refusals([.getrange]), remedy: remedy(for: .getrange, "+@read"),
                note: "types are shown, not values")
        }
        return FeatureCheck(.values, .ok, method: "TYPE+GETRANGE")
    }

    private var analyze: FeatureCheck {
        guard allowed(.scan) else {
            return FeatureCheck(.analyze, .unavailable, method: nil, refused: refusals([.scan]), remedy: remedy(for: .scan, "+scan"))
        }
        let refused = refusals([.memoryUsage, .type, .pttl])
        var notes: [String] = []
        let method: String
        if allowed(.memoryUsage) {
            method = "MEMORY USAGE"
        } else {
            method = "lengths"
            notes.append("memory from value lengths (STRLEN), unknown for collections")
        }
        if !allowed(.type) || !allowed(.pttl) {
            notes.append("the \(allowed(.type) ? "TTL" : allowed(.pttl) ? "type" : "type and TTL") column shows —")
        }
        guard let first = [RedisProbe.memoryUsage, .type, .pttl].first(where: { answer($0).refusal != nil }) else {
            return FeatureCheck(.analyze, .ok, method: method)
        }
        return FeatureCheck(
            .analyze, .degraded, method: method, refused: refused, remedy: remedy(for: first, "+memory|usage +type +pttl"),
            note: notes.joined(separator: "; "))
    }

    /// The traffic chain: key-miss events set by us → already on → `MONITOR` alone → key tracking → none.
    private var traffic: FeatureCheck {
        let eventsRemedy = "hit ratio per prefix needs notify-keyspace-events with E and m: set it \(Self.serviceSettings)"
        guard allowed(.monitor) else {
            let refused = refusals([.monitor])
            guard allowed(.tracking) else {
                return FeatureCheck(
                    .traffic, .unavailable, method: nil, refused: refused + refusals([.tracking]),
                    remedy:
                        "traffic needs MONITOR (reads, writes, hit ratios) or CLIENT TRACKING (writes per prefix): \(remedy(for: .monitor, "+monitor"))"
                )
            }
            return FeatureCheck(
                .traffic, .degraded, method: TrafficMethod.tracking.rawValue, refused: refused,
                remedy: "reads and hit ratios need MONITOR: \(remedy(for: .monitor, "+monitor"))",
                note: "writes, expiries and evictions per prefix; no reads")
        }
        if let events = keyspaceEvents {
            let on = RedisSource.keymissFlags.allSatisfy { events.contains($0) }
            if on { return FeatureCheck(.traffic, .ok, method: TrafficMethod.monitorKeymiss.rawValue) }
            if readOnly {
                return FeatureCheck(
                    .traffic, .degraded, method: TrafficMethod.monitor.rawValue, remedy: eventsRemedy,
                    note: "--read-only leaves notify-keyspace-events off: hit ratios unknown")
            }
            return FeatureCheck(
                .traffic, .ok, method: TrafficMethod.monitorKeymiss.rawValue,
                note: "asks before turning key-miss events on for the sample, and puts the setting back")
        }
        let refused = refusals([.configGet])
        guard allowed(.subscribe) else {
            return FeatureCheck(
                .traffic, .degraded, method: TrafficMethod.monitor.rawValue, refused: refused + refusals([.subscribe]),
                remedy: "hit ratios need the user to subscribe to __keyevent@*__:keymiss (ACL &*) and \(eventsRemedy)",
                note: "reads and writes; hit ratios unknown")
        }
        return FeatureCheck(
            .traffic, .degraded, method: TrafficMethod.monitorKeymissExisting.rawValue, refused: refused, remedy: eventsRemedy,
            note: "misses are counted when key-miss events are on already; otherwise hit ratios unknown")
    }

    private var health: FeatureCheck {
        guard allowed(.info) else {
            return FeatureCheck(.health, .unavailable, method: nil, refused: refusals([.info]), remedy: "grant the user +info")
        }
        var views: [RedisProbe] = [.info, .slowlog, .clientList, .latency, .memoryDoctor, .commandstats]
        if answer(.commandlog) != .notAsked { views.append(.commandlog) }
        let used = views.filter { allowed($0) }.map(\.command)
        let refused = refusals(views)
        guard refused.isEmpty else {
            return FeatureCheck(
                .health, .degraded, method: used.joined(separator: "+"), refused: refused,
                remedy:
                    "the tabs of refused commands say so: grant \(refused.map(\.command).joined(separator: ", ")) (ACL +@admin or each command) where the service allows",
                note: "the other tabs are shown")
        }
        return FeatureCheck(.health, .ok, method: used.joined(separator: "+"))
    }

    private var invalidate: FeatureCheck {
        if readOnly {
            return FeatureCheck(.invalidate, .unavailable, method: nil, remedy: "run without --read-only", note: "--read-only refuses every change")
        }
        guard allowed(.unlink) else {
            return FeatureCheck(.invalidate, .unavailable, method: nil, refused: refusals([.unlink]), remedy: remedy(for: .unlink, "+unlink"))
        }
        guard allowed(.scan) else {
            return FeatureCheck(
                .invalidate, .degraded, method: "keys", refused: refusals([.scan]), remedy: remedy(for: .scan, "+scan"),
                note: "given keys only: prefixes cannot be searched")
        }
        let scriptRefusals = refusals([.evalsha, .eval])
        guard scriptRefusals.isEmpty else {
            return FeatureCheck(
                .invalidate, .degraded, method: "scan", refused: scriptRefusals,
                remedy: "a server-side script is faster: \(remedy(for: allowed(.evalsha) ? .eval : .evalsha, "+@scripting"))",
                note: "SCAN pages read here, keys sent back in UNLINKs (fallbackReason in invalidate --json)")
        }
        return FeatureCheck(.invalidate, .ok, method: "script")
    }

    private var metrics: FeatureCheck {
        guard allowed(.info) else {
            return FeatureCheck(.metrics, .unavailable, method: nil, refused: refusals([.info]), remedy: "grant the user +info")
        }
        let refused = refusals([.configGet, .slowlog])
        guard refused.isEmpty else {
            return FeatureCheck(
                .metrics, .degraded, method: "INFO", refused: refused, remedy: "the settings and slow-log metrics need CONFIG GET and SLOWLOG",
                note: "the metrics INFO gives are exported; redis_up is 1")
        }
        return FeatureCheck(.metrics, .ok, method: "INFO+CONFIG GET+SLOWLOG")
    }

    /// What would make `probe` answer, by how it was refused.
    private func remedy(for probe: RedisProbe, _ grant: String) -> String {
        switch answer(probe).refusal?.kind {
        case .noPermission: "grant the user \(grant) (ACL SETUSER)"
        case .unknownCommand: "\(probe.command) is renamed or disabled on the server (rename-command, or the service blocks it)"
        case .blockedByService: "the service does not allow \(probe.command)"
        default: "\(probe.command) must be allowed"
        }
    }
}
