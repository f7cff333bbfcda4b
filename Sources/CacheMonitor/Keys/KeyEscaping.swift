/// The one text form of keys, on the command line, in output and in JSON: bytes that are printable UTF-8
/// stand as themselves, `\\` is a backslash, and `\xNN` (two hex digits) is any other byte — control
/// bytes, invalid UTF-8, and line or paragraph separators.
///
/// `user:1` → `user:1`; `a\b` → `a\\b`; `line\n` → `line\x0A`; the bytes `FF 00` → `\xFF\x00`.
/// ``escape(_:)`` and ``parse(_:)`` are exact inverses, so a key printed by `cachescope keys` can be passed
/// back to `cachescope invalidate --key` and deletes exactly that key.
package enum KeyEscaping {
    /// The text form of `key`; with `asciiOnly` (a terminal that cannot show Unicode) every byte outside
    /// printable ASCII is written `\xNN`, so the text is pure ASCII and still parses back to `key`.
    package static func escape(_ key: [UInt8], asciiOnly: Bool = false) -> String {
        // Most keys are printable ASCII without a backslash: they stand as they are.
        if key.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) { return String(decoding: key, as: UTF8.self) }
        var out = ""
        out.reserveCapacity(key.count)
        var index = 0
        while index < key.count {
            let byte = key[index]
            if byte == UInt8(ascii: "\\") {
                out += "\\\\"
                index += 1
                continue
            }
            let length = asciiOnly && byte >= 0x80 ? 0 : Self.sequenceLength(key, at: index)
            if length > 0, let scalar = String(decoding: key[index..<index + length], as: UTF8.self).unicodeScalars.first, isPrintable(scalar) {
                out.unicodeScalars.append(scalar)
                index += length
            } else {
                out += "\\x" + hex(byte)
                index += 1
            }
        }
        return out
    }

    /// The bytes of a key written in the text form.
    /// - Throws: ``MonitorError/invalidKeyText(text:reason:)`` for a dangling `\`, a `\x` without two hex digits, or an unknown escape.
    package static func parse(_ text: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            guard index + 1 < utf8.count else {
                throw MonitorError.invalidKeyText(text: text, reason: "it ends with a lone backslash (write \\\\ for a backslash)")
            }
            switch utf8[index + 1] {
            case UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                index += 2
            case UInt8(ascii: "x"):
                guard index + 3 < utf8.count, let value = UInt8(String(decoding: utf8[index + 2...index + 3], as: UTF8.self), radix: 16) else {
                    throw MonitorError.invalidKeyText(text: text, reason: "\\x must be followed by two hex digits")
                }
                bytes.append(value)
                index += 4
            default:
                throw MonitorError.invalidKeyText(
                    text: text, reason: "unknown escape \\\(Character(UnicodeScalar(utf8[index + 1]))) (only \\\\ and \\xNN exist)")
            }
        }
        return bytes
    }

    /// Whether a scalar can be shown as itself.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: false
        default: true
        }
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when the bytes there are not one.
    static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<index + length], as: UTF8.self) == nil ? 0 : length
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
