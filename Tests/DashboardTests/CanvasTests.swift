import Testing

@testable import Dashboard

/// The in-memory canvas and the first widgets, read back as text and roles.
@Suite struct CanvasTests {
    @Test func textIsClippedAndTruncatedWithAnEllipsis() {
        var canvas = Canvas(width: 12, height: 2)
        #expect(canvas.write("hello", x: 0, y: 0) == 5)
        #expect(canvas.write("a long line of text", x: 0, y: 1, role: .accent) == 12)
        #expect(canvas.text() == "hello       \na long line…")
        #expect(canvas.roles().split(separator: "\n")[1] == "aaaaaaaaaaaa")
        var narrow = Canvas(width: 10, height: 1)
        narrow.write("abcdef", x: 2, y: 0, maxWidth: 3)
        #expect(narrow.text() == "  ab…     ")
        #expect(narrow.write("x", x: 10, y: 0) == 0 && narrow.write("x", x: 0, y: 5) == 0, "outside writes nothing")
    }

    @Test func wideCharactersTakeTwoCellsAndCombiningMarksJoinTheirBase() {
        var canvas = Canvas(width: 8, height: 1)
        #expect(canvas.write("日本x", x: 0, y: 0) == 5)
        #expect(canvas[1, 0].isContinuation && canvas[3, 0].isContinuation)
        #expect(canvas.text() == "日本x   ")
        var marks = Canvas(width: 4, height: 1)
        marks.write("e\u{301}a", x: 0, y: 0)
        #expect(marks.character(x: 0, y: 0) == "é" && marks[1, 0].character == "a")
        var tight = Canvas(width: 4, height: 1)
        tight.write("日本語", x: 0, y: 0)
        #expect(tight.text() == "日… ", "a wide character that does not fit is not split")
        #expect(CharacterWidth.of("🚀") == 2 && CharacterWidth.of("a") == 1 && CharacterWidth.of("\u{301}") == 0)
    }

    @Test func controlCharactersNeverReachTheScreen() {
        var canvas = Canvas(width: 12, height: 1)
        canvas.write("key\u{1B}[2J\n\u{7}", x: 0, y: 0)
        #expect(canvas.text() == "key?[2J??   ")
    }

    @Test func sparklinesScaleAndKeepGaps() {
        #expect(String(Sparkline.characters([0, 0.5, 1], width: 3, minimum: 0, maximum: 1)) == "▁▅█")
        #expect(String(Sparkline.characters([1, nil, 1], width: 5, minimum: 0, maximum: 1)) == "  █ █", "newest on the right, gaps blank")
        var ascii = Canvas(width: 2, height: 1, asciiOnly: true)
        Sparkline.draw([0, 1], into: &ascii, x: 0, y: 0, width: 2, minimum: 0, maximum: 1)
        #expect(ascii.text() == "_#", "an ASCII canvas draws the lowest and highest blocks as _ and #")
        let newest = String(Sparkline.characters((0..<10).map { Double($0) }, width: 3))
        #expect(newest == "▁▅█", "the newest values that fit, scaled to their own range")
    }

    @Test func gaugesFillAndColourByThreshold() {
        var canvas = Canvas(width: 12, height: 3)
        Gauge.draw(0.5, into: &canvas, x: 0, y: 0, width: 12)
        Gauge.draw(0.97, into: &canvas, x: 0, y: 1, width: 12)
        Gauge.draw(nil, into: &canvas, x: 0, y: 2, width: 12)
        let lines = canvas.text().split(separator: "\n").map(String.init)
        #expect(lines[0] == "████░░░░ 50%")
        #expect(lines[1].hasSuffix(" 97%") && canvas[0, 1].role == .error)
        #expect(canvas[0, 0].role == .good && lines[2].hasPrefix("—"))
    }

    @Test func addressesKeepTheirPort() {
        #expect(AddressText.fit("10.0.0.5:6379", width: 20) == "10.0.0.5:6379")
        #expect(AddressText.fit("cache-primary.internal.example.com:6379", width: 20) == "…al.example.com:6379")
        #expect(AddressText.fit("a.example:11211,b.example:11211,c.example:11211", width: 34) == "a.example:11211,b.example:11211,+1")
        #expect(AddressText.fit("/var/run/redis/redis-server.sock", width: 12) == "…server.sock")
        #expect(AddressText.fit("host:6379", width: 3) == "379")
    }

    @Test func anAsciiCanvasKeepsTheLayoutOfAUnicodeOne() {
        var unicode = Canvas(width: 24, height: 1)
        var ascii = Canvas(width: 24, height: 1, asciiOnly: true)
        for canvas in [0, 1] {
            let text = "now 52.2% · life 40.3%"
            if canvas == 0 { unicode.write(text, x: 0, y: 0) } else { ascii.write(text, x: 0, y: 0) }
        }
        #expect(ascii.text() == "now 52.2% | life 40.3%  ")
        #expect(ascii.text().count == unicode.text().count)
        var marks = Canvas(width: 20, height: 1, asciiOnly: true)
        marks.write("×146 ∞ — ● ✖ ▲ 日e\u{301}", x: 0, y: 0)
        #expect(marks.text() == "x146 - - + x ! ???  ", "stand-ins take one column; anything else is ? in each column it would take")
        var cut = Canvas(width: 6, height: 1, asciiOnly: true)
        cut.write("abcdefgh", x: 0, y: 0)
        #expect(cut.text() == "abcde~")
        #expect(marks.cells.allSatisfy { $0.scalar.isASCII })
    }

    @Test func dataOnAnAsciiTerminalIsEscapedNotHidden() {
        #expect(AsciiGlyphs.escaped("naïve") == "na\\xC3\\xAFve")
        #expect(AsciiGlyphs.escaped("plain") == "plain")
    }
}
