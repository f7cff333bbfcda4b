/// The ASCII stand-ins of every non-ASCII character the dashboard draws, one column for one column, so a
/// frame on a terminal without Unicode (a `C` or `POSIX` locale) has the same layout as on a UTF-8 one.
/// The screens always write their Unicode text; a canvas in ASCII mode puts it through ``ascii(_:)``.
package enum AsciiGlyphs {
    /// Each glyph and its stand-in.
    package static let standIns: [Character: Character] = [
        // Punctuation in sentences and figures.
        "·": "|", "Σ": "=", "—": "-", "–": "-", "…": "~", "×": "x", "∞": "-", "≥": ">", "≤": "<", "›": ">", "‹": "<",
        // Status marks.
        "●": "+", "○": "~", "✖": "x", "▲": "!", "⚠": "!", "✓": "v", "▸": "+", "▾": "v", "▴": "^", "▶": ">", "‖": "|",
        // Keys.
        "↑": "^", "↓": "v", "▼": "v", "µ": "u", "←": "<", "→": ">",
        // Frames and tree branches.
        "─": "-", "│": "|", "╭": "+", "╮": "+", "╰": "+", "╯": "+", "└": "`", "├": "+", "┌": "+", "┐": "+", "┘": "+",
        // Bars and sparklines, lowest to highest.
        "▁": "_", "▂": "_", "▃": ".", "▄": "-", "▅": "-", "▆": "=", "▇": "=", "█": "#", "░": ".",
    ]

    /// `text` with each non-ASCII character replaced: a glyph by its stand-in, anything else by `?` in
    /// each column it would take (combining marks, which take none, are dropped).
    package static func ascii(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if character.isASCII {
                out.append(character)
            } else if let standIn = standIns[character] {
                out.append(standIn)
            } else {
                out += String(repeating: "?", count: CharacterWidth.of(character))
            }
        }
        return out
    }

    /// `text` with every non-ASCII character written as the `\xNN` escapes of its UTF-8 bytes — for data
    /// (key names, values) on an ASCII terminal, where a `?` would hide what is there.
    package static func escaped(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
            }
        }
        return out
    }
}
