/// One column of a ``Table``: how wide it may be and how important it is when space runs out.
package struct TableColumn: Sendable, Hashable {
    package enum Alignment: Sendable, Hashable { case left, right }

    package var title: String
    /// Never narrower than this (or the column is hidden).
    package var minWidth: Int
    /// Never wider than this; `nil` = takes any spare room its weight gives it.
    package var maxWidth: Int?
    /// Share of the spare room.
    package var weight: Int
    package var alignment: Alignment
    /// When the terminal is too narrow, columns with the lowest priority are hidden first.
    package var priority: Int

    package init(_ title: String, minWidth: Int, maxWidth: Int? = nil, weight: Int = 0, alignment: Alignment = .left, priority: Int = 0) {
        self.title = title
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.weight = weight
        self.alignment = alignment
        self.priority = priority
    }
}

/// One cell of a table row.
package struct TableCell: Sendable, Hashable {
    package var text: String
    package var role: StyleRole

    package init(_ text: String, role: StyleRole = .text) {
        self.text = text
        self.role = role
    }
}

/// Rows under a header, columns sized to the room there is: every column gets its minimum, the
/// least important columns are hidden when even that does not fit, spare room goes by weight, and text
/// too long for its column ends in `…`.
package enum Table {
    /// The width of each column, `nil` for a hidden one, for a table `width` columns wide (one space between columns).
    package static func layout(_ columns: [TableColumn], width: Int) -> [Int?] {
        var visible = Array(columns.indices)
        func needed() -> Int { visible.reduce(0) { $0 + columns[$1].minWidth } + max(0, visible.count - 1) }
        while needed() > width, let drop = visible.min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) {
            visible.removeAll { $0 == drop }
        }
        var widths: [Int?] = columns.indices.map { visible.contains($0) ? columns[$0].minWidth : nil }
        var spare = width - needed()
        while spare > 0 {
            let growable = visible.filter { index in
                columns[index].weight > 0 && (columns[index].maxWidth.map { (widths[index] ?? 0) < $0 } ?? true)
            }
            guard !growable.isEmpty else { break }
            let totalWeight = growable.reduce(0) { $0 + columns[$1].weight }
            var given = 0
            for index in growable {
                let share = max(1, spare * columns[index].weight / totalWeight)
                let cap = columns[index].maxWidth.map { $0 - (widths[index] ?? 0) } ?? share
                let step = min(share, cap, spare - given)
                guard step > 0 else { continue }
                widths[index] = (widths[index] ?? 0) + step
                given += step
            }
            guard given > 0 else { break }
            spare -= given
        }
        return widths
    }

    /// Draws the header and `rows` in `rect`; `selected` is highlighted. Rows beyond the rect's height are
    /// not drawn (the caller scrolls by passing the visible slice).
    package static func draw(
        _ columns: [TableColumn], rows: [[TableCell]], selected: Int? = nil, into canvas: inout Canvas, rect: Rect
    ) {
        guard rect.height > 0, rect.width > 0 else { return }
        let widths = layout(columns, width: rect.width)
        drawRow(
            columns.map { TableCell($0.title, role: .header) }, columns: columns, widths: widths, into: &canvas, x: rect.x, y: rect.y,
            attributes: .bold)
        for (offset, row) in rows.prefix(rect.height - 1).enumerated() {
            let y = rect.y + 1 + offset
            if offset == selected {
                canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selection)
            }
            drawRow(row, columns: columns, widths: widths, into: &canvas, x: rect.x, y: y, selectionRole: offset == selected ? .selection : nil)
        }
    }

    private static func drawRow(
        _ cells: [TableCell], columns: [TableColumn], widths: [Int?], into canvas: inout Canvas, x: Int, y: Int,
        attributes: CellAttributes = [], selectionRole: StyleRole? = nil
    ) {
        var column = x
        for (index, width) in widths.enumerated() {
            guard let width else { continue }
            let cell = index < cells.count ? cells[index] : TableCell("")
            let textWidth = CharacterWidth.of(cell.text)
            let start = columns[index].alignment == .right && textWidth < width ? column + width - textWidth : column
            canvas.write(cell.text, x: start, y: y, role: selectionRole ?? cell.role, attributes: attributes, maxWidth: width - (start - column))
            column += width + 1
        }
    }
}

extension Table {
    /// The x of each column's first cell (`nil` for hidden columns), for widgets drawn over a table's cells.
    package static func origins(_ widths: [Int?], x: Int) -> [Int?] {
        var column = x
        return widths.map { width in
            guard let width else { return nil }
            defer { column += width + 1 }
            return column
        }
    }
}
