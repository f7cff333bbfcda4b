/// Renders keys for error messages: quoted, shortened, with unprintable bytes escaped.
enum KeyText {
    /// `"user_1"`, or `"very/long/key…" ` cut at 60 characters, with control characters as `\xNN`.
    static func quoted(_ key: String, limit: Int = 60) -> String {
        var text = ""
        for scalar in key.unicodeScalars.prefix(limit) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else if scalar == "\\" || scalar == "\"" {
                text += "\\" + String(scalar)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        if key.unicodeScalars.count > limit { text += "…" }
        return "\"" + text + "\""
    }

    /// A readable name for a byte that is not allowed in a key.
    static func byteName(_ byte: UInt8) -> String {
        switch byte {
        case 0x20: return "a space"
        case 0x09: return "a tab"
        case 0x0A: return "a newline"
        case 0x0D: return "a carriage return"
        default: return "the control byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
