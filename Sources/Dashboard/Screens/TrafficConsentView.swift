import Basics
import CacheMonitor

/// The question before a traffic sample that changes server settings: which, where, what the sample
/// costs, and the three answers.
enum TrafficConsentView {
    static func draw(_ consent: TrafficConsent, state: AppState, into canvas: inout Canvas) {
        let width = min(86, canvas.width - 2)
        let changes = consent.preflight.changes
        let shown = changes.prefix(3)
        let rect = Box.centred(width: width, height: 7 + shown.count, in: canvas)
        Box.draw(rect, title: "Traffic sample", into: &canvas, role: .borderFocused)
        let x = rect.x + 2
        let inner = rect.width - 4
        var y = rect.y + 1
        canvas.write(
            "Sample \(consent.backend.name)'s traffic for \(DurationText.limit(TrafficOptions.defaultDuration)) with key-miss events on:", x: x, y: y,
            role: .warning, attributes: .bold, maxWidth: inner)
        y += 1
        for change in shown {
            canvas.write("  " + change.description, x: x, y: y, role: .text, maxWidth: inner)
            y += 1
        }
        if changes.count > shown.count {
            canvas.write("  … and \(changes.count - shown.count) more", x: x, y: y - 1, role: .dim, maxWidth: inner)
        }
        canvas.write("put back afterwards, also on Esc, q or a lost connection", x: x, y: y, role: .dim, maxWidth: inner)
        y += 1
        if let cost = consent.preflight.cost { canvas.write(cost, x: x, y: y, role: .warning, maxWidth: inner) }
        y += 2
        let answers: [(String, String)] = [("y", "change and sample"), ("m", "sample without (hit ratios unknown)"), ("Esc", "cancel")]
        var hx = x
        for (key, label) in answers {
            hx += canvas.write(key, x: hx, y: y, role: .keyHint, attributes: .bold)
            hx += 1
            hx += canvas.write(label, x: hx, y: y, role: .dim) + 3
        }
    }
}
