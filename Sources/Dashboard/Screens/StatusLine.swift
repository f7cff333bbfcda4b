import Basics

/// The line above the footer: the input being typed, a running job's progress, or the last message.
enum StatusLine {
    static func draw(_ state: AppState, into canvas: inout Canvas, y: Int) {
        let width = canvas.width
        if let input = state.input {
            var x = 1
            x += canvas.write("\(input.prompt): ", x: x, y: y, role: .accent, attributes: .bold, maxWidth: width / 2)
            let room = max(1, width - x - 22)
            // Keep the end of a long text (where the cursor is) in view.
            var text = input.text
            while CharacterWidth.of(text) > room - 1, !text.isEmpty { text.removeFirst() }
            x += canvas.write(text, x: x, y: y, role: .text)
            canvas.write(" ", x: x, y: y, role: .selection, attributes: .reverse)
            if input.purpose == .filter, let browser = state.keyBrowser, browser.window != nil {
                canvas.write("  \(HumanUnits.count(browser.rows.count)) match", x: x + 1, y: y, role: .dim)
            }
            return
        }
        if let job = state.job {
            let done = job.progress.deleted
            let stop = job.stopping ? "stopping after this batch (what is deleted stays deleted)" : "Esc stops"
            var label =
                "\(HumanUnits.count(done)) deleted · \(DurationText.latency(job.elapsed)) · \(stop) · "
                + "\(ChangeText.verb(job.change.change)) on \(job.change.backendName)"
            if job.progress.scanned > 0 { label += " · \(HumanUnits.count(job.progress.scanned)) scanned" }
            ProgressBar.draw(done: done, total: job.expected, label: label, into: &canvas, x: 1, y: y, width: width - 2)
            return
        }
        if let message = state.message {
            canvas.write(MessageText.line(message.content, asciiOnly: state.asciiOnly), x: 1, y: y, role: message.role, maxWidth: width - 2)
        }
    }
}
