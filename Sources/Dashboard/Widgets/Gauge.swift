/// A filled bar for a fraction (memory used of max): `[████░░░░] 47%`, coloured by thresholds.
package struct Gauge: Sendable {
    /// Draws `fraction` (0…1, `nil` for unknown) in `width` columns: a bar, then the percentage.
    package static func draw(
        _ fraction: Double?, into canvas: inout Canvas, x: Int, y: Int, width: Int,
        warning: Double = 0.8, critical: Double = 0.95
    ) {
        guard width > 0 else { return }
        guard let fraction, fraction.isFinite else {
            canvas.write("—", x: x, y: y, role: .dim, maxWidth: width)
            return
        }
        let clamped = min(max(fraction, 0), 1)
        let label = " \(Int((clamped * 100).rounded()))%"
        let role: StyleRole = clamped >= critical ? .error : (clamped >= warning ? .warning : .good)
        let barWidth = width - label.count
        guard barWidth >= 3 else {
            canvas.write(String(label.dropFirst()), x: x, y: y, role: role, maxWidth: width)
            return
        }
        let filled = Int((clamped * Double(barWidth)).rounded())
        canvas.write(String(repeating: "█", count: filled), x: x, y: y, role: role, maxWidth: barWidth)
        canvas.write(String(repeating: "░", count: barWidth - filled), x: x + filled, y: y, role: .dim, maxWidth: barWidth - filled)
        canvas.write(label, x: x + barWidth, y: y, role: role, maxWidth: label.count)
    }
}
