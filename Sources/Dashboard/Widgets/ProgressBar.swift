/// Progress of a job: `[██████░░░░] 60%` when the total is known, else a count that grows.
package enum ProgressBar {
    /// Draws `done` of `total` at (`x`, `y`) in `width` columns, followed by `label`.
    package static func draw(done: Int, total: Int?, label: String, into canvas: inout Canvas, x: Int, y: Int, width: Int) {
        guard width > 0 else { return }
        var used = 0
        if let total, total > 0, width >= 30 {
            let fraction = min(1, Double(done) / Double(total))
            let barWidth = min(30, width / 3)
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            canvas.write(String(repeating: "█", count: filled), x: x, y: y, role: .accent, maxWidth: barWidth)
            canvas.write(String(repeating: "░", count: barWidth - filled), x: x + filled, y: y, role: .dim, maxWidth: barWidth - filled)
            let percent = " \(Int((fraction * 100).rounded(.down)))% "
            canvas.write(percent, x: x + barWidth, y: y, role: .accent, attributes: .bold)
            used = barWidth + percent.count
        }
        canvas.write(label, x: x + used, y: y, role: .text, maxWidth: width - used)
    }
}
