/// One key the terminal read, independent of ncurses: a typed character or a named key.
package enum KeyPress: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Ctrl-C arrives as a key when the terminal is in raw mode.
    case interrupt

    /// The name the key table uses (`q`, `Enter`, `F10`, `↑`).
    package var name: String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .function(let number): "F\(number)"
        case .interrupt: "Ctrl-C"
        }
    }

    /// The names this key may be listed under: its own, plus `1–9` for a digit that selects a backend.
    var tableNames: [String] {
        if case .character(let character) = self, let digit = character.wholeNumberValue, (1...9).contains(digit), character.isASCII {
            return [name, "1–9"]
        }
        return [name]
    }
}
