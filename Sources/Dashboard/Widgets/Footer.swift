/// The bottom line: the keys that work here, `key label` pairs from the key table.
package enum Footer {
    package static func draw(_ hints: [(key: String, label: String)], into canvas: inout Canvas, y: Int) {
        canvas.fill(Rect(x: 0, y: y, width: canvas.width, height: 1), role: .dim)
        var x = 1
        for hint in hints {
            let needed = CharacterWidth.of(hint.key) + 1 + CharacterWidth.of(hint.label) + 2
            guard x + needed - 2 <= canvas.width else { break }
            x += canvas.write(hint.key, x: x, y: y, role: .keyHint, attributes: .bold)
            x += 1
            x += canvas.write(hint.label, x: x, y: y, role: .dim)
            x += 2
        }
    }
}
