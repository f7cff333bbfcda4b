/// The bottom line: the keys that work here, `key label` pairs from the key table; a key whose feature the
/// backend lacks (or its servers refused) is greyed out.
package enum Footer {
    /// One `key label` pair.
    package struct Hint: Sendable, Hashable {
        package var key: String
        package var label: String
        /// `false`: greyed out (pressing it says why).
        package var available: Bool

        package init(key: String, label: String, available: Bool = true) {
            self.key = key
            self.label = label
            self.available = available
        }
    }

    package static func draw(_ hints: [Hint], into canvas: inout Canvas, y: Int) {
        canvas.fill(Rect(x: 0, y: y, width: canvas.width, height: 1), role: .dim)
        var x = 1
        for hint in hints {
            let needed = CharacterWidth.of(hint.key) + 1 + CharacterWidth.of(hint.label) + 2
            guard x + needed - 2 <= canvas.width else { break }
            x += canvas.write(hint.key, x: x, y: y, role: hint.available ? .keyHint : .dim, attributes: hint.available ? .bold : [])
            x += 1
            x += canvas.write(hint.label, x: x, y: y, role: .dim)
            x += 2
        }
    }
}
