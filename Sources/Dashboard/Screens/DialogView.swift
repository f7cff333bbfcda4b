import Basics
import CacheMonitor

/// The confirmation dialog: what will change, on which backend, how many keys (counted live), and the keys
/// that answer it.
enum DialogView {
    static func draw(_ dialog: Dialog, state: AppState, into canvas: inout Canvas) {
        let width = min(76, canvas.width - 2)
        let rect = Box.centred(width: width, height: 7, in: canvas)
        Box.draw(rect, title: "Confirm", into: &canvas, role: .borderFocused)
        let x = rect.x + 2
        let inner = rect.width - 4
        var y = rect.y + 1
        var what = ChangeText.summary(dialog.change.change, keyText: state.keyText)
        what = what.prefix(1).uppercased() + what.dropFirst()
        canvas.write(what, x: x, y: y, role: .warning, attributes: .bold, maxWidth: inner)
        y += 1
        let place = dialog.change.backend.map { "on \($0.name) (\($0.address))" } ?? "on the demo's cache"
        canvas.write(place, x: x, y: y, role: .text, maxWidth: inner)
        y += 1
        let (count, role) = countLine(dialog.matchCount)
        canvas.write(count, x: x, y: y, role: role, maxWidth: inner)
        y += 1
        let hints = KeyMap.bindings(readOnly: state.readOnly).filter { binding in
            binding.contexts.contains(.dialog) && binding.action != .quit && binding.action != .monitorOnly
                && (dialog.offersTypedPrefix || binding.action != .typePrefix)
        }
        var hx = x
        for hint in hints {
            hx += canvas.write(hint.keys.joined(separator: "/"), x: hx, y: y, role: .keyHint, attributes: .bold)
            hx += 1
            hx += canvas.write(hint.footerLabel ?? hint.description, x: hx, y: y, role: .dim) + 3
        }
    }

    static func countLine(_ count: Dialog.MatchCount) -> (String, StyleRole) {
        switch count {
        case .notNeeded: ("", .text)
        case .counting(let soFar): ("counting matching keys… \(HumanUnits.count(soFar)) so far", .dim)
        case .counted(let count, let more):
            (
                "\(HumanUnits.count(count))\(more ? "+" : "") matching \(count == 1 && !more ? "key" : "keys") will be deleted",
                count == 0 ? .dim : .warning
            )
        case .failed(let error): ("could not count: \(error)", .error)
        }
    }
}
