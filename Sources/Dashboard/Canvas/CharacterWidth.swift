/// How many terminal columns a character takes: 0 for combining marks (they join the character before),
/// 2 for East Asian wide characters and emoji, 1 otherwise — what `wcwidth` says, without the C library's
/// locale dependence.
package enum CharacterWidth {
    package static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        guard let first = character.unicodeScalars.first else { return 0 }
        let scalars = character.unicodeScalars
        if scalars.index(after: scalars.startIndex) == scalars.endIndex {
            // Fast paths: Latin text below the combining marks, and box drawing / block elements.
            if first.value < 0x300 { return (0x80...0x9F).contains(first.value) ? 0 : 1 }
            if (0x2500...0x259F).contains(first.value) { return 1 }
        }
        if character.unicodeScalars.count == 1 {
            switch first.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            case .control: return 0
            default: break
            }
        }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return isWide(first.value) ? 2 : 1
    }

    /// The columns `text` takes.
    package static func of(_ text: String) -> Int {
        if isPlainASCII(text) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// Whether `text` is printable ASCII only (one column per byte) — the common case, checked fast.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        wideRanges.contains { $0.contains(value) }
    }
}
