import Basics
import CacheMonitor

/// One key: type, TTL (counting down), size, encoding and a bounded, safe preview of its value.
enum DetailsScreen {
    static func draw(_ state: AppState, into canvas: inout Canvas, rect: Rect) {
        guard let key = state.detailsKey else { return }
        let details = state.details
        let listed = details?.key ?? key
        var y = rect.y
        let x = rect.x + 2
        let width = rect.width - 4
        func field(_ label: String, _ value: String, role: StyleRole = .text) {
            guard y < rect.y + rect.height else { return }
            canvas.write(label, x: x, y: y, role: .dim, maxWidth: 10)
            canvas.write(value, x: x + 10, y: y, role: role, maxWidth: width - 10)
            y += 1
        }
        field("key", state.keyText(key.key), role: .accent)
        field("backend", state.keyBrowser?.backend.name ?? "")
        let prefix = state.keyBrowser?.backend.keyPrefix
        let kind = details?.kind ?? KeyKind.of(key.key, prefix: prefix)
        field("kind", kindText(kind, key: key.key, prefix: prefix))
        field("type", listed.type)
        let remaining = listed.remainingMilliseconds(at: state.now)
        let soon = remaining.map { Double($0) < state.thresholds.ttlWarningSeconds * 1000 } ?? false
        field("TTL", listed.ttlKnown ? HumanUnits.countdown(milliseconds: remaining) : "— (PTTL refused)", role: soon ? .warning : .text)
        if let fieldTTL = listed.fieldTTL {
            field("expiring", fieldTTL.text(countdown: { HumanUnits.countdown(milliseconds: $0) }), role: .warning)
        }
        field("size", listed.size.map { "\(HumanUnits.size($0)) (\(HumanUnits.count($0)) bytes)" } ?? "—")
        if let server = listed.server { field("server", server) }
        if let encoding = details?.encoding { field("encoding", encoding) }
        for fact in details?.facts ?? [] { field(fact.label, fact.value) }
        y += 1
        if let error = state.detailsError {
            canvas.write(error, x: x, y: y, role: .error, maxWidth: width)
            return
        }
        guard let value = details?.value else {
            canvas.write("reading…", x: x, y: y, role: .dim, maxWidth: width)
            return
        }
        var heading = "value · \(value.label) · \(HumanUnits.count(value.length)) bytes"
        if value.truncated { heading += " (first part shown)" }
        canvas.write(heading, x: x, y: y, role: .header, attributes: .bold, maxWidth: width)
        y += 1
        for line in value.lines where y < rect.y + rect.height {
            // Data, not our glyphs: on an ASCII terminal what is not ASCII shows as \xNN, never as `?`.
            canvas.write(state.asciiOnly ? AsciiGlyphs.escaped(line) : line, x: x + 2, y: y, role: .text, maxWidth: width - 2)
            y += 1
        }
    }

    static func kindText(_ kind: KeyKind, key: [UInt8], prefix: [UInt8]?) -> String {
        switch kind {
        case .view:
            return FlaskCachingKeyParts.route(of: key).map { "view — cached route \($0.path) (D invalidates the route)" }
                ?? "view — a cached route"
        case .memoize:
            return FlaskCachingKeyParts.memoizedFunction(of: key, keyPrefix: prefix).map { "memoize — result of \($0.function)" }
                ?? "memoize — a memoized result"
        case .version:
            return FlaskCachingKeyParts.memoizedFunction(of: key, keyPrefix: prefix).map {
                "version — of memoized \($0.function) (D = delete_memoized)"
            } ?? "version — a memoize version key"
        case .plain:
            return "plain"
        }
    }
}
