import Foundation

/// A safe, bounded rendering of the first bytes of a value, for the details pane: what it is and a few
/// lines of it — text as text, JSON pretty-printed, binary as hex, Python pickles named, never dumped.
package struct ValueDescription: Sendable, Hashable {
    /// `text`, `json`, `integer`, `binary`, `Flask-Caching pickle`, `Python pickle`.
    package var label: String
    /// The lines to show (at most `maxLines`).
    package var lines: [String]
    /// The value's full length in bytes.
    package var length: Int
    /// Whether the preview stops before the end of the value.
    package var truncated: Bool

    /// Describes a value from its first bytes.
    /// - Parameters:
    ///   - prefix: the first bytes read (at most a few hundred).
    ///   - length: the whole value's length.
    ///   - flags: memcached's client flags, when known (1 = a pickle from a Python client).
    package init(prefix: [UInt8], length: Int, flags: UInt32? = nil, maxLines: Int = 12) {
        self.length = length
        truncated = prefix.count < length
        if prefix.first == UInt8(ascii: "!"), prefix.count > 1, prefix[1] == 0x80 {
            label = "Flask-Caching pickle"
            lines = ["Flask-Caching pickle, \(length) bytes (Python objects are not decoded)"]
            return
        }
        if flags == 1 || prefix.first == 0x80 && prefix.count > 1 && (2...5).contains(prefix[1]) {
            label = "Python pickle"
            lines = ["Python pickle, \(length) bytes (Python objects are not decoded)"]
            return
        }
        var body = prefix
        if body.count >= 2, body[0] == 0, body[1] == UInt8(ascii: "J") { body.removeFirst(2) }
        if let text = String(validating: body, as: UTF8.self) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !truncated, trimmed.first == "{" || trimmed.first == "[",
                let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
                let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            {
                label = "json"
                lines = Self.limit(String(decoding: pretty, as: UTF8.self).split(separator: "\n").map(String.init), maxLines)
                return
            }
            label = !trimmed.isEmpty && Int64(trimmed) != nil && !truncated ? "integer" : "text"
            lines = Self.limit(text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.printable(String($0)) }, maxLines)
            return
        }
        label = "binary"
        lines = Self.limit(
            stride(from: 0, to: body.count, by: 16).map { offset in
                let row = body[offset..<min(offset + 16, body.count)]
                let hex = row.map { String($0, radix: 16).leftPaddedZero(2) }.joined(separator: " ")
                let ascii = String(row.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
                return String(offset, radix: 16).leftPaddedZero(4) + "  " + hex.padding(toLength: 47, withPad: " ", startingAt: 0) + "  " + ascii
            }, maxLines)
    }

    private static func limit(_ lines: [String], _ maxLines: Int) -> [String] {
        lines.count <= maxLines ? lines : Array(lines.prefix(maxLines - 1)) + ["… (\(lines.count - maxLines + 1) more lines)"]
    }

    /// Control characters shown as `\xNN`, so a value can never move the cursor or change colours.
    private static func printable(_ line: String) -> String {
        var out = ""
        for scalar in line.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPaddedZero(2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func leftPaddedZero(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
