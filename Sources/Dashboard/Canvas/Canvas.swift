/// One cell of the screen: a character's first scalar, its role and emphasis — plain data, so a frame of
/// 12,000 cells is copied and compared without reference counting. Combining marks and the other scalars
/// of a multi-scalar character are kept by the canvas (``Canvas/character(x:y:)``); the right half of a
/// wide character is a `continuation` cell.
package struct Cell: Sendable, Hashable {
    package var scalar: Unicode.Scalar
    package var role: StyleRole
    package var attributes: CellAttributes
    /// Whether this cell is covered by the wide character to its left.
    package var isContinuation: Bool
    /// Whether more scalars follow `scalar` (held by the canvas).
    package var hasMarks: Bool

    package init(scalar: Unicode.Scalar, role: StyleRole, attributes: CellAttributes, isContinuation: Bool, hasMarks: Bool = false) {
        self.scalar = scalar
        self.role = role
        self.attributes = attributes
        self.isContinuation = isContinuation
        self.hasMarks = hasMarks
    }

    /// The base character (without marks the canvas holds).
    package var character: Character { Character(scalar) }

    package static let blank = Cell(scalar: " ", role: .text, attributes: [], isContinuation: false)
}

/// A rectangle of cells in canvas coordinates.
package struct Rect: Sendable, Hashable {
    package var x: Int
    package var y: Int
    package var width: Int
    package var height: Int

    package init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// An in-memory grid of styled cells — what a frame looks like, before any terminal sees it. Widgets draw
/// into it; the ncurses backend presents it; tests read it back as text (``text()``) and roles (``roles()``).
/// Everything written is clipped to the canvas and escaped of control characters, so no data can move the
/// cursor or leave garbage on screen. In ASCII mode (a terminal without Unicode) every non-ASCII character
/// written becomes its one-column stand-in (``AsciiGlyphs``), so the frame keeps its layout.
package struct Canvas: Sendable, Hashable {
    package let width: Int
    package let height: Int
    /// Whether only ASCII is drawn.
    package let asciiOnly: Bool
    package private(set) var cells: [Cell]
    /// The scalars after the first of cells whose `hasMarks` is set, by cell index.
    package private(set) var marks: [Int: String] = [:]

    package init(width: Int, height: Int, asciiOnly: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.asciiOnly = asciiOnly
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    package subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// The whole character at (`x`, `y`), combining marks included.
    package func character(x: Int, y: Int) -> Character {
        let index = y * width + x
        let cell = cells[index]
        guard cell.hasMarks, let rest = marks[index] else { return cell.character }
        return Character(String(cell.scalar) + rest)
    }

    /// Writes `text` at (`x`, `y`), at most `maxWidth` columns (to the right edge by default); text that does
    /// not fit ends in `…`. Returns the columns used.
    @discardableResult
    package mutating func write(
        _ text: String, x: Int, y: Int, role: StyleRole = .text, attributes: CellAttributes = [], maxWidth: Int? = nil
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
        let text = asciiOnly ? AsciiGlyphs.ascii(text) : text
        if CharacterWidth.isPlainASCII(text) { return writeASCII(text, x: x, y: y, role: role, attributes: attributes, limit: limit) }
        let safe = Self.printable(text)
        let fits = CharacterWidth.of(safe) <= limit
        var column = x
        var used = 0
        for character in safe {
            let columns = CharacterWidth.of(character)
            if columns == 0 {
                // A combining mark joins the character before it.
                if column > x, column - 1 >= 0 { appendMark(character, at: column - 1, y: y) }
                continue
            }
            let room = fits ? limit - used : limit - used - 1
            if columns > room { break }
            if column >= 0 { put(character, x: column, y: y, role: role, attributes: attributes, wide: columns == 2) }
            column += columns
            used += columns
        }
        if !fits, used < limit {
            if column >= 0 { put(ellipsis, x: column, y: y, role: role, attributes: attributes, wide: false) }
            used += 1
        }
        return used
    }

    /// `write` for printable ASCII: one cell per byte, no grapheme or width work (most of what is drawn).
    private mutating func writeASCII(_ text: String, x: Int, y: Int, role: StyleRole, attributes: CellAttributes, limit: Int) -> Int {
        let count = text.utf8.count
        let fits = count <= limit
        let shown = fits ? count : limit - 1
        var column = x
        for byte in text.utf8.prefix(shown) {
            if column >= 0, column < width {
                let index = y * width + column
                if cells[index].isContinuation, column > 0 { set(index - 1, .blank) }
                if column + 1 < width, cells[index + 1].isContinuation { set(index + 1, .blank) }
                set(index, Cell(scalar: Unicode.Scalar(byte), role: role, attributes: attributes, isContinuation: false))
            }
            column += 1
        }
        if !fits, column >= 0 { put(ellipsis, x: column, y: y, role: role, attributes: attributes, wide: false) }
        return fits ? count : limit
    }

    /// What ends text cut short: `…`, or its stand-in in ASCII mode.
    private var ellipsis: Character { asciiOnly ? AsciiGlyphs.standIns["…"] ?? "~" : "…" }

    /// Fills `rect` with `character` in `role`.
    package mutating func fill(_ rect: Rect, character: Character = " ", role: StyleRole = .text, attributes: CellAttributes = []) {
        guard rect.y < height, rect.x < width else { return }
        let character = asciiOnly && !character.isASCII ? AsciiGlyphs.ascii(String(character)).first ?? "?" : character
        for y in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(width, rect.x + rect.width) {
                put(character, x: x, y: y, role: role, attributes: attributes, wide: false)
            }
        }
    }

    /// The characters, one line per row, trailing spaces kept (wide characters appear once).
    package func text() -> String {
        (0..<height).map { y in
            String(
                (0..<width).compactMap { x -> Character? in
                    self[x, y].isContinuation ? nil : character(x: x, y: y)
                })
        }.joined(separator: "\n")
    }

    /// One letter per cell naming its role (``StyleRole/letter``), one line per row.
    package func roles() -> String {
        (0..<height).map { y in String((0..<width).map { self[$0, y].role.letter }) }.joined(separator: "\n")
    }

    private mutating func put(_ character: Character, x: Int, y: Int, role: StyleRole, attributes: CellAttributes, wide: Bool) {
        guard x < width else { return }
        let index = y * width + x
        // Overwriting half of a wide character blanks its other half.
        if cells[index].isContinuation, x > 0 { set(index - 1, .blank) }
        if !wide, x + 1 < width, cells[index + 1].isContinuation { set(index + 1, .blank) }
        let scalars = character.unicodeScalars
        let first = scalars.first ?? " "
        var cell = Cell(scalar: first, role: role, attributes: attributes, isContinuation: false)
        if scalars.index(after: scalars.startIndex) != scalars.endIndex {
            cell.hasMarks = true
            set(index, cell)
            marks[index] = String(String.UnicodeScalarView(scalars.dropFirst()))
        } else {
            set(index, cell)
        }
        if wide, x + 1 < width {
            set(index + 1, Cell(scalar: " ", role: role, attributes: attributes, isContinuation: true))
        }
    }

    /// Stores a cell, dropping the marks of the one it replaces.
    private mutating func set(_ index: Int, _ cell: Cell) {
        if cells[index].hasMarks { marks[index] = nil }
        cells[index] = cell
    }

    private mutating func appendMark(_ mark: Character, at x: Int, y: Int) {
        var target = x
        while target > 0, cells[y * width + target].isContinuation { target -= 1 }
        let index = y * width + target
        marks[index, default: ""] += String(mark)
        cells[index].hasMarks = true
    }

    /// Control characters (C0, DEL, C1) replaced by `?`, so no value can move the cursor or change colours.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(isControl(scalar) ? "?" : scalar) }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
