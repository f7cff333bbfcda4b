import Testing

@testable import Dashboard

/// Table column sizing, hiding and truncation.
@Suite struct TableTests {
    let columns = [
        TableColumn("NAME", minWidth: 6, maxWidth: 12, weight: 1, priority: 9),
        TableColumn("ADDRESS", minWidth: 10, weight: 2, priority: 8),
        TableColumn("HIT%", minWidth: 6, alignment: .right, priority: 7),
        TableColumn("LATENCY", minWidth: 8, alignment: .right, priority: 1),
    ]

    @Test func spareRoomGoesByWeightWithinMaximums() {
        let widths = Table.layout(columns, width: 60)
        #expect(widths.compactMap { $0 }.reduce(0, +) + 3 == 60)
        #expect(widths[0] == 12, "capped at its maximum")
        #expect(widths[2] == 6 && widths[3] == 8, "no weight, no growth")
    }

    @Test func theLeastImportantColumnsGoFirstWhenNarrow() {
        #expect(Table.layout(columns, width: 24) == [6, 10, 6, nil])
        #expect(Table.layout(columns, width: 17) == [6, 10, nil, nil])
        #expect(Table.layout(columns, width: 3) == [nil, nil, nil, nil])
    }

    @Test func rowsAreDrawnAlignedTruncatedAndSelected() {
        var canvas = Canvas(width: 40, height: 4)
        Table.draw(
            columns,
            rows: [
                [TableCell("redis"), TableCell("10.0.0.5:6379"), TableCell("97.5%", role: .hit), TableCell("0.4ms")],
                [TableCell("a-very-long-name"), TableCell("h:1"), TableCell("—", role: .dim), TableCell("—")],
            ], selected: 1, into: &canvas, rect: Rect(x: 0, y: 0, width: 40, height: 4))
        let lines = canvas.text().split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("NAME ") && lines[0].contains(" ADDRESS ") && lines[0].hasSuffix("LATENCY"), "\(lines[0])")
        #expect(lines[1].contains("10.0.0.5:6379") && lines[1].contains("97.5%") && lines[1].hasSuffix("0.4ms"), "\(lines[1])")
        #expect(lines[2].hasPrefix("a-very-l… h:1"), "\(lines[2])")
        #expect(canvas[0, 2].role == .selection && canvas[0, 0].role == .header)
    }
}
