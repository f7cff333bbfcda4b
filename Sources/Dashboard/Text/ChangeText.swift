import Basics
import CacheMonitor

/// Changes and their outcomes in words — the only place the dashboard writes sentences about them. Keys
/// are written by `keyText` (the escape form, pure ASCII on a terminal without Unicode).
enum ChangeText {
    /// What a change does, in one phrase: `delete key 'user:1'`.
    static func summary(_ change: Change, keyText: ([UInt8]) -> String) -> String {
        switch change {
        case .deleteKeys(let keys):
            keys.count == 1 ? "delete key '\(keyText(keys[0]))'" : "delete \(HumanUnits.count(keys.count)) keys"
        case .invalidatePrefix(let prefix): "delete every key under '\(keyText(prefix))'"
        case .invalidateRoute(let path, _): "invalidate route '\(path)' (the page and its query-string variants)"
        case .invalidateMemoized(let function, _, let sweep):
            "invalidate memoized function '\(function)' (delete_memoized\(sweep ? ", and its stored results" : ""))"
        case .setExpiry(let key, let milliseconds):
            milliseconds.map { "expire key '\(keyText(key))' in \(HumanUnits.ttl(milliseconds: $0))" }
                ?? "remove the TTL of key '\(keyText(key))' (it will never expire)"
        case .clearDemoCache: "clear the demo's cache (its own keys only)"
        case .killClient(let client): "close client \(client.id) \(client.name.map { "'\($0)' " } ?? "")(\(client.address)) on \(client.node)"
        }
    }

    /// The progress bar's verb: `deleting`, `invalidating`.
    static func verb(_ change: Change) -> String {
        switch change {
        case .deleteKeys: "deleting"
        case .invalidatePrefix, .invalidateRoute, .invalidateMemoized: "invalidating"
        case .setExpiry: "setting TTL"
        case .clearDemoCache: "clearing the demo cache"
        case .killClient: "closing a client"
        }
    }

    /// The result line: what happened, where, and how long it took.
    static func outcome(_ outcome: ChangeOutcome, keyText: ([UInt8]) -> String) -> String {
        let name = outcome.backend?.name ?? "demo"
        let took = DurationText.latency(outcome.elapsed)
        let deleted = outcome.totals.deleted
        switch outcome.ending {
        case .refused:
            return MonitorError.readOnly.description
        case .failed(let error):
            switch outcome.change {
            case .invalidateRoute(let path, _) where deleted == 0: return "invalidating route '\(path)' failed: \(error)"
            case .invalidateMemoized(let function, _, _) where deleted == 0: return "invalidating '\(function)' failed: \(error)"
            case .setExpiry(let key, _): return "setting the TTL of '\(keyText(key))' failed: \(error)"
            case .clearDemoCache: return "clearing the demo cache failed: \(error)"
            case .killClient(let client): return "closing client \(client.id) failed: \(error)"
            default: return "failed after deleting \(HumanUnits.count(deleted)) keys: \(error)"
            }
        case .stopped:
            return "stopped: deleted \(what(outcome, keyText: keyText)) on \(name) before the stop (\(took))"
        case .completed:
            break
        }
        switch (outcome.change, outcome.detail) {
        case (.deleteKeys(let keys), _) where keys.count == 1:
            let key = "'\(keyText(keys[0]))'"
            return deleted > 0 ? "deleted key \(key) on \(name) in \(took)" : "key \(key) was already gone on \(name); nothing deleted"
        case (.invalidateMemoized(let function, _, _), .memoized(let existed, _, let swept)):
            guard existed else { return "memoized '\(function)' had no version key on \(name): nothing cached under it" }
            let sweep = swept > 0 ? ", \(HumanUnits.count(swept)) stored results swept" : ""
            return "invalidated memoized '\(function)' on \(name): version key deleted, every cached result is stale\(sweep) (\(took))"
        case (.setExpiry(let key, let milliseconds), .expiry(let existed)):
            let text = "'\(keyText(key))'"
            guard existed else { return "key \(text) is gone on \(name); nothing changed" }
            return milliseconds.map { "key \(text) now expires in \(HumanUnits.countdown(milliseconds: $0))" } ?? "key \(text) now never expires"
        case (.killClient(let client), .killed(let existed)):
            return existed
                ? "closed client \(client.id) (\(client.address)) on \(client.node)" : "client \(client.id) had already gone from \(client.node)"
        case (.clearDemoCache, _):
            return "cleared the demo cache: \(HumanUnits.count(deleted)) keys removed"
        default:
            return "deleted \(what(outcome, keyText: keyText)) on \(name) in \(took)"
        }
    }

    /// `1,204 keys under 'p:'`, `3 keys of route '/api/users'`.
    private static func what(_ outcome: ChangeOutcome, keyText: ([UInt8]) -> String) -> String {
        let count = "\(HumanUnits.count(outcome.totals.deleted)) keys"
        switch outcome.change {
        case .invalidatePrefix(let prefix): return "\(count) under '\(keyText(prefix))'"
        case .invalidateRoute(let path, _): return "\(count) of route '\(path)'"
        case .invalidateMemoized(let function, _, _): return "\(count) of memoized '\(function)'"
        default: return count
        }
    }
}

/// The status line's content in words, and its colour.
enum MessageText {
    static func line(_ content: StatusMessage.Content, asciiOnly: Bool) -> String {
        let keyText = { (key: [UInt8]) in KeyEscaping.escape(key, asciiOnly: asciiOnly) }
        switch content {
        case .note(let text): return text
        case .change(let outcome): return ChangeText.outcome(outcome, keyText: keyText)
        case .demo(let result): return demo(result)
        }
    }

    static func role(of outcome: ChangeOutcome) -> StyleRole {
        switch outcome.ending {
        case .completed: .good
        case .stopped: .warning
        case .refused, .failed: .error
        }
    }

    static func role(of result: DemoActionResult) -> StyleRole {
        if case .updateFailed = result { return .error }
        return .text
    }

    private static func demo(_ result: DemoActionResult) -> String {
        switch result {
        case .paused: "demo traffic paused (p resumes)"
        case .resumed(let rate): "demo traffic resumed · \(HumanUnits.rate(rate)) req/s"
        case .rateChanged(let rate): "demo traffic: \(HumanUnits.rate(rate)) req/s"
        case .userUpdated(let id, let version, let keyExisted):
            keyExisted
                ? "updated user \(id) (v\(version)): user_\(id) invalidated, the next read misses"
                : "updated user \(id) (v\(version)): user_\(id) was not cached"
        case .updateFailed(let id, let reason): "updating user \(id) failed: \(reason)"
        }
    }
}
