/// One cell of the screen: a character (with any combining marks), its role and emphasis. The right half of
/// a wide character is a `continuation` cell.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var role: StyleRole
    public var attributes: CellAttributes
    /// Whether this cell is covered by the wide character to its left.
    public var isContinuation: Bool

    public static let blank = Cell(character: " ", role: .text, attributes: [], isContinuation: false)
}

/// A rectangle of cells in canvas coordinates.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// An in-memory grid of styled cells — what a frame looks like, before any terminal sees it. Widgets draw
/// into it; the ncurses backend presents it; tests read it back as text (``text()``) and roles (``roles()``).
/// Everything written is clipped to the canvas and escaped of control characters, so no data can move the
/// cursor or leave garbage on screen.
public struct Canvas: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes `text` at (`x`, `y`), at most `maxWidth` columns (to the right edge by default); text that does
    /// not fit ends in `…`. Returns the columns used.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, role: StyleRole = .text, attributes: CellAttributes = [], maxWidth: Int? = nil
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
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
            if column >= 0 { put("…", x: column, y: y, role: role, attributes: attributes, wide: false) }
            used += 1
        }
        return used
    }

    /// Fills `rect` with `character` in `role`.
    public mutating func fill(_ rect: Rect, character: Character = " ", role: StyleRole = .text, attributes: CellAttributes = []) {
        for y in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(width, rect.x + rect.width) {
                cells[y * width + x] = Cell(character: character, role: role, attributes: attributes, isContinuation: false)
            }
        }
    }

    /// The characters, one line per row, trailing spaces kept (wide characters appear once).
    public func text() -> String {
        (0..<height).map { y in
            String((0..<width).compactMap { x -> Character? in
                let cell = self[x, y]
                return cell.isContinuation ? nil : cell.character
            })
        }.joined(separator: "\n")
    }

    /// One letter per cell naming its role (``StyleRole/letter``), one line per row.
    public func roles() -> String {
        (0..<height).map { y in String((0..<width).map { self[$0, y].role.letter }) }.joined(separator: "\n")
    }

    private mutating func put(_ character: Character, x: Int, y: Int, role: StyleRole, attributes: CellAttributes, wide: Bool) {
        guard x < width else { return }
        // Overwriting half of a wide character blanks its other half.
        if cells[y * width + x].isContinuation, x > 0 { cells[y * width + x - 1] = Cell.blank }
        if !wide, x + 1 < width, cells[y * width + x + 1].isContinuation { cells[y * width + x + 1] = Cell.blank }
        cells[y * width + x] = Cell(character: character, role: role, attributes: attributes, isContinuation: false)
        if wide, x + 1 < width {
            cells[y * width + x + 1] = Cell(character: " ", role: role, attributes: attributes, isContinuation: true)
        }
    }

    private mutating func appendMark(_ mark: Character, at x: Int, y: Int) {
        var target = x
        while target > 0, cells[y * width + target].isContinuation { target -= 1 }
        var cell = cells[y * width + target]
        cell.character = Character(String(cell.character) + String(mark))
        cells[y * width + target] = cell
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
