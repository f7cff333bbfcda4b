/// A frame with rounded corners and an optional title: `╭─ Confirm ─╮` (`+- Confirm -+` on an ASCII canvas).
package enum Box {
    /// Draws the frame around `rect` (its border is inside the rect) and clears the inside.
    package static func draw(_ rect: Rect, title: String? = nil, into canvas: inout Canvas, role: StyleRole = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let (horizontal, vertical) = ("─", "│")
        let corners = ["╭", "╮", "╰", "╯"]
        canvas.fill(rect, role: .text)
        let inner = rect.width - 2
        canvas.write(corners[0] + String(repeating: horizontal, count: inner) + corners[1], x: rect.x, y: rect.y, role: role)
        for y in (rect.y + 1)..<(rect.y + rect.height - 1) {
            canvas.write(vertical, x: rect.x, y: y, role: role)
            canvas.write(vertical, x: rect.x + rect.width - 1, y: y, role: role)
        }
        canvas.write(corners[2] + String(repeating: horizontal, count: inner) + corners[3], x: rect.x, y: rect.y + rect.height - 1, role: role)
        if let title, inner > 4 {
            canvas.write(" \(title) ", x: rect.x + 2, y: rect.y, role: .header, attributes: .bold, maxWidth: inner - 2)
        }
    }

    /// A rect `width` × `height` centred in a canvas (shrunk to fit).
    package static func centred(width: Int, height: Int, in canvas: Canvas) -> Rect {
        let w = min(width, canvas.width)
        let h = min(height, canvas.height)
        return Rect(x: (canvas.width - w) / 2, y: (canvas.height - h) / 2, width: w, height: h)
    }
}
