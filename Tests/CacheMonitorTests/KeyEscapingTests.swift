import CacheMonitor
import Testing

/// The one text form of keys: printable UTF-8 as itself, `\\`, `\xNN` — exact inverses.
@Suite struct KeyEscapingTests {
    @Test func printableKeysStandAsThemselves() {
        #expect(KeyEscaping.escape(Array("user:1".utf8)) == "user:1")
        #expect(KeyEscaping.escape(Array("héllo wörld ✓ 日本".utf8)) == "héllo wörld ✓ 日本")
        #expect(KeyEscaping.escape(Array("flask_cache_view//api/users".utf8)) == "flask_cache_view//api/users")
    }

    @Test func backslashesControlBytesAndInvalidUTF8AreEscaped() {
        #expect(KeyEscaping.escape(Array("a\\b".utf8)) == "a\\\\b")
        #expect(KeyEscaping.escape(Array("line\nbreak\t".utf8)) == "line\\x0Abreak\\x09")
        #expect(KeyEscaping.escape([0xFF, 0x00, 0x41]) == "\\xFF\\x00A")
        #expect(KeyEscaping.escape([0xE2, 0x82]) == "\\xE2\\x82", "a truncated sequence")
        #expect(KeyEscaping.escape(Array("\u{2028}".utf8)) == "\\xE2\\x80\\xA8", "a line separator")
        #expect(KeyEscaping.escape([0x7F]) == "\\x7F")
    }

    @Test func parseInvertsEscapeForEveryByte() throws {
        let everyByte = (0...255).map { UInt8($0) }
        #expect(try KeyEscaping.parse(KeyEscaping.escape(everyByte)) == everyByte)
        for _ in 0..<200 {
            let random = (0..<Int.random(in: 0...40)).map { _ in UInt8.random(in: 0...255) }
            #expect(try KeyEscaping.parse(KeyEscaping.escape(random)) == random)
        }
        #expect(try KeyEscaping.parse("a\\x2Ab") == Array("a*b".utf8))
        #expect(try KeyEscaping.parse("\\xff") == [0xFF])
    }

    @Test(arguments: ["trailing\\", "\\x4", "\\xZZ", "\\n", "\\q"])
    func malformedEscapesAreErrors(text: String) {
        #expect(throws: MonitorError.self) { try KeyEscaping.parse(text) }
    }
}
