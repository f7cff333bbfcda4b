/// `?`: every key that works (without the dangerous ones in `--read-only`), grouped as in the key table.
enum HelpOverlay {
    static func draw(_ state: AppState, into canvas: inout Canvas) {
        let bindings = KeyMap.bindings(readOnly: state.readOnly)
        var lines: [(String, String, Bool)] = []
        var section = ""
        for binding in bindings {
            if binding.section != section {
                if !lines.isEmpty { lines.append(("", "", false)) }
                section = binding.section
                lines.append((section, "", true))
            }
            lines.append((binding.keys.joined(separator: " "), binding.description, false))
        }
        let rect = Box.centred(width: min(100, canvas.width - 2), height: canvas.height - 2, in: canvas)
        Box.draw(rect, title: state.readOnly ? "Keys (read-only: changes are off)" : "Keys", into: &canvas, role: .borderFocused, ascii: state.asciiOnly)
        let rowsPerColumn = max(1, rect.height - 3)
        let columnCount = lines.count > rowsPerColumn && rect.width >= 80 ? 2 : 1
        let columnWidth = (rect.width - 4) / columnCount
        for (index, line) in lines.enumerated() {
            let column = index / rowsPerColumn
            guard column < columnCount else { break }
            let x = rect.x + 2 + column * columnWidth
            let y = rect.y + 1 + index % rowsPerColumn
            if line.2 {
                canvas.write(line.0, x: x, y: y, role: .header, attributes: .bold, maxWidth: columnWidth - 1)
            } else if !line.0.isEmpty {
                canvas.write(line.0, x: x + 1, y: y, role: .keyHint, attributes: .bold, maxWidth: 13)
                canvas.write(line.1, x: x + 15, y: y, role: .text, maxWidth: columnWidth - 16)
            }
        }
        canvas.write("any key closes this", x: rect.x + 2, y: rect.y + rect.height - 2, role: .dim, maxWidth: rect.width - 4)
    }
}
