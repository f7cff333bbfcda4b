import CacheMonitor

/// What "problems only" (`!`) keeps and what `/` matches.
enum BackendProblems {
    /// Whether `backend` has a problem: down or refusing the login, some of its servers down, something on
    /// its servers needing attention, evicting, or a hit ratio under the warning threshold. A backend not
    /// sampled yet has none.
    static func has(_ backend: BackendSnapshot, thresholds: Thresholds) -> Bool {
        switch BackendCondition(backend) {
        case .down, .partlyDown, .needsAttention: return true
        case .connecting: return false
        case .up:
            guard let rates = backend.rates else { return false }
            if rates.evictions > 0 { return true }
            return rates.hitRatio.map { $0 < thresholds.hitRatioWarning } ?? false
        }
    }

    /// The words of a filter, lowercased.
    static func terms(_ filter: String) -> [String] {
        filter.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// Whether every term is found in the backend's name, address, type, one of its tags or its status.
    static func matches(_ backend: BackendSnapshot, terms: [String]) -> Bool {
        guard !terms.isEmpty else { return true }
        var fields = [backend.name, backend.address, backend.backend.address, OverviewRow.kindText(backend.kind), backend.kind.rawValue]
        fields += backend.backend.tags.map(\.name)
        fields += statusWords(backend)
        let haystack = fields.map { $0.lowercased() }
        return terms.allSatisfy { term in haystack.contains { $0.contains(term) } }
    }

    private static func statusWords(_ backend: BackendSnapshot) -> [String] {
        switch BackendCondition(backend) {
        case .up: ["up"]
        case .connecting: ["connecting", "wait"]
        case .needsAttention: ["up", "attention"]
        case .partlyDown: ["up", "partial", "degraded"]
        case .down: backend.status == .authFailed ? ["auth", "auth_failed", "down"] : ["down"]
        }
    }
}
