/// Where things go for a terminal size: the full layout from 80×24, a compact one below, and a "too
/// small" message under 40×10.
package enum Layout {
    package static let minimumWidth = 40
    package static let minimumHeight = 10

    /// Whether the terminal is too small to draw anything useful.
    package static func isTooSmall(width: Int, height: Int) -> Bool {
        width < minimumWidth || height < minimumHeight
    }

    /// Whether there is room for the full layout (details panel under the overview, every column).
    package static func isFull(width: Int, height: Int) -> Bool {
        width >= 80 && height >= 24
    }

    /// Whether the overview has room for the demo's routes panel.
    package static func showsRoutesPanel(width: Int, height: Int) -> Bool {
        width >= 100 && height >= 30
    }

    /// Rows of keys the browser shows: all but the header, the title, the table's header, the status line
    /// and the footer.
    package static func keyRows(height: Int) -> Int {
        max(1, height - 5)
    }

    /// Rows of groups (or big keys) the insights screen shows: all but the header, the title, the notes
    /// line, the table's header, the status line and the footer.
    package static func insightsRows(height: Int) -> Int {
        max(1, height - 6)
    }

    /// Rows of a health tab's table: all but the header, the title, the tab bar, the attention line, the
    /// table's header, the status line and the footer.
    package static func healthRows(height: Int) -> Int {
        max(1, height - 7)
    }

    /// Rows of the capabilities table: all but the header, the title, the summary line, the table's header,
    /// the detail lines of the selected row, the status line and the footer.
    package static func capabilityRows(height: Int) -> Int {
        max(1, height - 6 - capabilityDetailLines)
    }

    /// Lines under the capabilities table for the selected row's refusals and remedy.
    static let capabilityDetailLines = 4

    /// The rows between the header and the status line.
    /// Between the header and the status line; a replay's timeline takes the line above the status line.
    static func body(width: Int, height: Int, replay: Bool = false) -> Rect {
        Rect(x: 0, y: 1, width: width, height: max(0, height - (replay ? 4 : 3)))
    }
}
