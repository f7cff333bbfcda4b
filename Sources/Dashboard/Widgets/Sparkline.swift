/// A history as one row of block characters, newest on the right: `▁▂▃▄▅▆▇█` (`__.--==#` on an ASCII canvas).
/// Missing values (no traffic, a backend down) stay blank, so gaps look like gaps.
package struct Sparkline: Sendable {
    package static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The characters for the last `width` values, scaled between `minimum` and `maximum` (the values' own
    /// range when not given).
    package static func characters(
        _ values: [Double?], width: Int, minimum: Double? = nil, maximum: Double? = nil
    ) -> [Character] {
        guard width > 0 else { return [] }
        let shown = Array(values.suffix(width))
        let present = shown.compactMap { $0 }
        let low = minimum ?? present.min() ?? 0
        let high = maximum ?? present.max() ?? 1
        let palette = blocks
        let padding = Array(repeating: Character(" "), count: width - shown.count)
        return padding
            + shown.map { value in
                guard let value, value.isFinite else { return " " }
                let span = high - low
                let level = span > 0 ? (min(max(value, low), high) - low) / span : (value > 0 ? 1 : 0)
                return palette[min(palette.count - 1, Int((level * Double(palette.count - 1)).rounded()))]
            }
    }

    /// Draws the sparkline at (`x`, `y`).
    package static func draw(
        _ values: [Double?], into canvas: inout Canvas, x: Int, y: Int, width: Int, role: StyleRole = .accent,
        minimum: Double? = nil, maximum: Double? = nil
    ) {
        canvas.write(String(characters(values, width: width, minimum: minimum, maximum: maximum)), x: x, y: y, role: role, maxWidth: width)
    }
}
