@preconcurrency import CNCurses
import Dashboard
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGTERM, SIGHUP and SIGINT; the next read turns it into a quit, so the terminal is restored on
/// the normal way out.
private let terminationRequested = Atomic<Bool>(false)

/// The dashboard on a real terminal through ncursesw: wide characters, colours (256, else 8, else none —
/// and none with `NO_COLOR`), a short Esc delay, resizes, and the terminal restored on every way out
/// (`restore()` is idempotent; the command calls it on quit, on errors and after signals). Main actor only:
/// ncurses is not thread-safe.
@MainActor
package final class NCursesTerminal: TerminalBackend {
    /// How colours are shown.
    package enum ColorMode: String, Sendable {
        case full256, basic8, monochrome
    }

    package let colorMode: ColorMode
    package let supportsUnicode: Bool
    private var pairs: [PairKey: Int16] = [:]
    private var previous: Canvas?
    private var previousTheme: Theme?
    private var active = true
    /// Reads in a row that returned an error without waiting.
    private var failedAtOnce = 0
    private var buffer: [wchar_t] = Array(repeating: 0, count: 8)
    /// The curses attributes and colour pair of each (role, emphasis), for the theme last presented.
    private var looks: [(attributes: attr_t, pair: Int16)?] = Array(repeating: nil, count: StyleRole.allCases.count * 8)

    /// The last click, to tell a double click.
    private var lastClick: (x: Int32, y: Int32, at: ContinuousClock.Instant)?

    private struct PairKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    /// Takes over the terminal (alternate screen, no echo, raw keys; clicks and the wheel with `mouse`).
    /// - Parameter environment: for `NO_COLOR`.
    package init(environment: [String: String], mouse: Bool = true) {
        setlocale(LC_ALL, "")
        supportsUnicode = cn_locale_is_utf8() != 0
        set_escdelay(25)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        curs_set(0)
        cn_enable_mouse(mouse ? 1 : 0)
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            colorMode = cn_colors() >= 256 ? .full256 : .basic8
        } else {
            colorMode = .monochrome
        }
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            _ = Glibc.signal(signal) { _ in terminationRequested.store(true, ordering: .relaxed) }
        }
    }

    package var size: (width: Int, height: Int) {
        (Int(getmaxx(cn_stdscr())), Int(getmaxy(cn_stdscr())))
    }

    /// Gives the terminal back: leaves the alternate screen, shows the cursor, restores the modes.
    package func restore() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    package func present(_ canvas: Canvas, theme: Theme) {
        guard active else { return }
        if previousTheme != theme { looks = Array(repeating: nil, count: looks.count) }
        let old = previous.flatMap { $0.width == canvas.width && $0.height == canvas.height && previousTheme == theme ? $0 : nil }
        // Locals, not properties, in the per-cell loop: no exclusivity checks or reference counting per cell.
        var looks = self.looks
        var text = buffer
        let width = canvas.width
        canvas.cells.withUnsafeBufferPointer { cells in
            let before = old?.cells
            for index in cells.indices {
                let cell = cells[index]
                if cell.isContinuation { continue }
                if let before, before[index] == cell, !cell.hasMarks { continue }
                let slot = cell.role.ordinal * 8 + Int(cell.attributes.rawValue & 7)
                let look: (attributes: attr_t, pair: Int16)
                if let known = looks[slot] {
                    look = known
                } else {
                    look = resolve(cell, theme: theme)
                    looks[slot] = look
                }
                text[0] = wchar_t(bitPattern: cell.scalar.value)
                var count = 1
                if cell.hasMarks, let marks = canvas.marks[index] {
                    for scalar in marks.unicodeScalars where count < text.count - 1 {
                        text[count] = wchar_t(bitPattern: scalar.value)
                        count += 1
                    }
                }
                text[count] = 0
                text.withUnsafeBufferPointer { characters in
                    _ = cn_put_cell(Int32(index / width), Int32(index % width), characters.baseAddress, look.attributes, look.pair)
                }
            }
        }
        self.looks = looks
        buffer = text
        previous = canvas
        previousTheme = theme
        wrefresh(cn_stdscr())
    }

    package func read(timeoutMilliseconds: Int) -> TerminalInput? {
        if terminationRequested.load(ordering: .relaxed) { return .key(.interrupt) }
        wtimeout(cn_stdscr(), Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let started = ContinuousClock.now
        let result = wget_wch(cn_stdscr(), &character)
        if terminationRequested.load(ordering: .relaxed) { return .key(.interrupt) }
        if result == ERR {
            // A read that fails at once, again and again, means there is no terminal to read any more.
            let early = timeoutMilliseconds > 0 && ContinuousClock.now - started < .milliseconds(timeoutMilliseconds / 4)
            failedAtOnce = early ? failedAtOnce + 1 : 0
            return terminalIsGone() || failedAtOnce > 200 ? .key(.interrupt) : nil
        }
        failedAtOnce = 0
        if result == cn_key_code_yes() { return special(Int32(character)) }
        return typed(UInt32(character))
    }

    /// Whether the terminal went away (its window closed, the tmux server killed): reads then fail at once
    /// instead of waiting, and the dashboard must quit rather than spin.
    private func terminalIsGone() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) >= 0 else { return true }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 || isatty(STDIN_FILENO) == 0
    }

    private func special(_ code: Int32) -> TerminalInput? {
        switch code {
        case cn_key_mouse():
            return mouse()
        case KEY_RESIZE:
            previous = nil
            let size = size
            return .resize(width: size.width, height: size.height)
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_BTAB: return .key(.backTab)
        case (KEY_F0 + 1)...(KEY_F0 + 12): return .key(.function(Int(code - KEY_F0)))
        default: return nil
        }
    }

    /// The mouse event waiting: a press is a click, a second press on the same cell within 400 ms a double
    /// click.
    private func mouse() -> TerminalInput? {
        var x: Int32 = 0
        var y: Int32 = 0
        let kind: MouseEvent.Kind
        switch cn_read_mouse(&x, &y) {
        case 1:
            let now = ContinuousClock.now
            let double = lastClick.map { $0.x == x && $0.y == y && now - $0.at < .milliseconds(400) } ?? false
            lastClick = double ? nil : (x, y, now)
            kind = double ? .doubleClick : .click
        case 3: kind = .wheelUp
        case 4: kind = .wheelDown
        default: return nil
        }
        return .mouse(MouseEvent(kind, x: Int(x), y: Int(y)))
    }

    private func typed(_ value: UInt32) -> TerminalInput? {
        switch value {
        case 3: return .key(.interrupt)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        default:
            guard value >= 32, let scalar = Unicode.Scalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// How a role with some emphasis looks on this terminal: curses attributes and a colour pair.
    private func resolve(_ cell: Cell, theme: Theme) -> (attributes: attr_t, pair: Int16) {
        let style = theme.style(for: cell.role)
        var attributes = cell.attributes.union(style.attributes)
        var pair: Int16 = 0
        switch colorMode {
        case .monochrome:
            attributes.formUnion(Theme.monochromeAttributes(for: cell.role))
        case .full256:
            pair = pairNumber(style.foreground.index256, style.background.index256)
        case .basic8:
            pair = pairNumber(style.foreground.index8, style.background.index8)
        }
        var curses = cn_attr_normal()
        if attributes.contains(.bold) { curses |= cn_attr_bold() }
        if attributes.contains(.underline) { curses |= cn_attr_underline() }
        if attributes.contains(.reverse) { curses |= cn_attr_reverse() }
        return (curses, pair)
    }

    /// The colour pair for a foreground and background (`nil` = the terminal's default), made on first use.
    private func pairNumber(_ foreground: Int?, _ background: Int?) -> Int16 {
        let key = PairKey(foreground: Int16(foreground ?? -1), background: Int16(background ?? -1))
        if key.foreground == -1, key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        let number = Int16(pairs.count + 1)
        guard Int(number) < cn_color_pairs() else { return 0 }
        init_pair(number, key.foreground, key.background)
        pairs[key] = number
        return number
    }
}
