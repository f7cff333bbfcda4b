/// What the terminal gave the loop: a key, a mouse action, or a new size.
package enum TerminalInput: Sendable, Hashable {
    case key(KeyPress)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
}

/// The one seam between the dashboard and a real terminal (ncurses) or a test's in-memory one. Everything
/// runs on the main actor, so a terminal library that is not thread-safe is only ever called from one
/// thread.
@MainActor
package protocol TerminalBackend: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Whether the terminal shows Unicode (a UTF-8 locale); otherwise the dashboard draws ASCII.
    var supportsUnicode: Bool { get }
    /// Shows `canvas` with `theme`'s colours.
    func present(_ canvas: Canvas, theme: Theme)
    /// Waits at most `timeoutMilliseconds` for a key or a resize.
    func read(timeoutMilliseconds: Int) -> TerminalInput?
}
