/// `?`: every key that works (without the dangerous ones in `--read-only`), grouped as in the key table,
/// in one or two columns; long descriptions wrap.
enum HelpOverlay {
    private enum Line {
        case section(String)
        case binding(keys: String, text: String)
        case blank
    }

    static func draw(_ state: AppState, into canvas: inout Canvas) {
        let rect = Box.centred(width: min(120, canvas.width - 2), height: canvas.height - 2, in: canvas)
        Box.draw(rect, title: state.readOnly ? "Keys (read-only: changes are off)" : "Keys", into: &canvas, role: .borderFocused)
        let rowsPerColumn = max(1, rect.height - 3)
        let keysWidth = 14
        var columnCount = 1
        var lines = layout(state, textWidth: rect.width - 4 - keysWidth - 1)
        if lines.count > rowsPerColumn, rect.width >= 80 {
            columnCount = 2
            lines = layout(state, textWidth: (rect.width - 4) / 2 - keysWidth - 2)
            // Still too long: one line per key (descriptions cut with …) rather than keys left out.
            if lines.count > rowsPerColumn * 2 { lines = layout(state, textWidth: Int.max / 2) }
        }
        let columnWidth = (rect.width - 4) / columnCount
        for (index, line) in lines.enumerated() {
            let column = index / rowsPerColumn
            guard column < columnCount else { break }
            let x = rect.x + 2 + column * columnWidth
            let y = rect.y + 1 + index % rowsPerColumn
            switch line {
            case .section(let name):
                canvas.write(name, x: x, y: y, role: .header, attributes: .bold, maxWidth: columnWidth - 1)
            case .binding(let keys, let text):
                canvas.write(keys, x: x + 1, y: y, role: .keyHint, attributes: .bold, maxWidth: keysWidth - 1)
                canvas.write(text, x: x + keysWidth + 1, y: y, role: .text, maxWidth: columnWidth - keysWidth - 2)
            case .blank:
                break
            }
        }
        let hidden = lines.count - rowsPerColumn * columnCount
        let footer = hidden > 0 ? "any key closes this · \(hidden) more lines: make the terminal taller" : "any key closes this"
        canvas.write(footer, x: rect.x + 2, y: rect.y + rect.height - 2, role: .dim, maxWidth: rect.width - 4)
    }

    private static func layout(_ state: AppState, textWidth: Int) -> [Line] {
        var lines: [Line] = []
        var section = ""
        // The replay's keys only in a replay (live, they would only say where they work).
        for binding in KeyMap.bindings(readOnly: state.readOnly) where state.replay != nil || !binding.requiresReplay {
            if binding.section != section {
                if !lines.isEmpty { lines.append(.blank) }
                section = binding.section
                lines.append(.section(section))
            }
            for (index, part) in wrap(binding.description, width: max(10, textWidth)).enumerated() {
                lines.append(.binding(keys: index == 0 ? binding.keys.joined(separator: " ") : "", text: part))
            }
        }
        return lines
    }

    /// `text` in lines of at most `width` columns, broken between words.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if CharacterWidth.of(candidate) > width, !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
