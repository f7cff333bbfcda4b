import Basics
import CacheMonitor
import Foundation

/// A change cachescope made, as the recording's audit trail keeps it: what, where, how many keys, and how it
/// ended (a `change` event; `detail` holds the figures as JSON).
enum ChangeAudit {
    /// The event's detail: `change`, `backend`, `target`, `scanned`, `matched`, `deleted`, `outcome`, `error`,
    /// `elapsedMs`, and per server its deletions.
    struct Detail: Encodable {
        var change: String
        var backend: String
        var target: String
        var scanned: Int
        var matched: Int
        var deleted: Int
        var outcome: String
        var error: String?
        var elapsedMs: Int64
        var servers: [Server]

        struct Server: Encodable {
            var address: String
            var deleted: Int
        }
    }

    static func detail(_ outcome: ChangeOutcome) -> Detail {
        let (change, target) = describe(outcome.change)
        var ending = "completed"
        var error: String?
        switch outcome.ending {
        case .completed: break
        case .stopped: ending = "stopped"
        case .refused: ending = "refused"
        case .failed(let message):
            ending = "failed"
            error = message
        }
        return Detail(
            change: change, backend: outcome.backend?.name ?? "demo", target: target, scanned: outcome.totals.scanned,
            matched: outcome.totals.matched, deleted: outcome.totals.deleted, outcome: ending, error: error,
            elapsedMs: Int64(outcome.elapsed.inSeconds * 1000),
            servers: outcome.servers.map { Detail.Server(address: $0.address, deleted: $0.totals.deleted) })
    }

    /// One line: `invalidate-prefix 'user:' on redis: 1234 deleted of 1234 matched (completed in 0.84 s)`.
    static func summary(_ detail: Detail) -> String {
        let target = detail.target.isEmpty ? "" : " \(detail.target)"
        let ending = detail.error.map { "failed: \($0)" } ?? "\(detail.outcome) in \(DurationText.took(.milliseconds(detail.elapsedMs)))"
        return "\(detail.change)\(target) on \(detail.backend): \(detail.deleted) deleted of \(detail.matched) matched (\(ending))"
    }

    /// The change's kind and what it aimed at, keys in the escape form.
    private static func describe(_ change: Change) -> (String, String) {
        func key(_ bytes: [UInt8]) -> String { "'\(KeyEscaping.escape(bytes))'" }
        switch change {
        case .deleteKeys(let keys): return ("delete-keys", keys.count == 1 ? key(keys[0]) : "\(keys.count) keys")
        case .invalidatePrefix(let prefix): return ("invalidate-prefix", key(prefix))
        case .invalidateRoute(let path, _): return ("invalidate-route", "'\(path)'")
        case .invalidateMemoized(let function, _, let sweep): return ("invalidate-memoized", "'\(function)'\(sweep ? " with sweep" : "")")
        case .setExpiry(let bytes, let milliseconds):
            return ("set-expiry", "\(key(bytes)) to \(milliseconds.map { HumanUnits.ttl(milliseconds: $0) } ?? "no expiry")")
        case .clearDemoCache: return ("clear-demo-cache", "")
        case .killClient(let client): return ("kill-client", "\(client.id) (\(client.address)) on \(client.node)")
        }
    }
}

extension Recorder {
    /// Adds a change cachescope made (not a dry run) to the audit trail.
    package func noteChange(_ outcome: ChangeOutcome, at now: Date = Date()) {
        guard !outcome.dryRun else { return }
        let detail = ChangeAudit.detail(outcome)
        appendEvent(
            RecordedEvent(
                atMilliseconds: Self.milliseconds(now), backendID: nil, kind: .change, summary: ChangeAudit.summary(detail),
                detailJSON: Self.encoded(detail)),
            backend: outcome.backend?.name)
    }
}

extension Recorder {
    /// Adds the settings a traffic sample changed on its servers, and whether each was put back: a
    /// `setting-changed` event at the sample's start and a `setting-restored` one at its end — or, for one
    /// that could not be put back, a second `setting-changed` saying so (with the value to put back).
    package func noteSettings(of outcome: TrafficOutcome, at now: Date = Date()) {
        guard let report = outcome.report, !report.settingsChanged.isEmpty else { return }
        let name = outcome.details.backend.name
        let end = Self.milliseconds(now)
        let start = end - Int64(report.duration.inSeconds * 1000)
        for change in report.settingsChanged {
            let detail = ["server": change.server, "setting": change.name, "from": change.from, "to": change.to]
            appendEvent(
                RecordedEvent(
                    atMilliseconds: start, backendID: nil, kind: .settingChanged, summary: "\(name): \(change.description) for a traffic sample",
                    detailJSON: Self.encoded(detail)),
                backend: name)
            let notRestored = report.settingsNotRestored.first { $0.contains(change.server) && $0.contains(change.name) }
            appendEvent(
                RecordedEvent(
                    atMilliseconds: end, backendID: nil, kind: notRestored == nil ? .settingRestored : .settingChanged,
                    summary: notRestored.map { "\(name): NOT put back: \($0)" }
                        ?? "\(name): \(change.name) put back to \"\(change.from)\" on \(change.server)",
                    detailJSON: Self.encoded(detail)),
                backend: name)
        }
    }
}
