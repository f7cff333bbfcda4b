/// The bytes at which keys are split into prefix groups (`user:` → `user:42:`): `:` `/` `_` `.` `-` `|` by
/// default, or a backend's own (`delimiters = ":/"` in the configuration file). A group's prefix ends with
/// its delimiter.
package struct KeyDelimiters: Sendable, Hashable {
    package let bytes: Set<UInt8>

    /// `:` `/` `_` `.` `-` `|`.
    package static let standard = KeyDelimiters(validated: ":/_.-|")

    /// The delimiters written as text (`":/"`): printable ASCII characters, at least one.
    /// - Throws: ``MonitorError/invalidDelimiters(_:)`` for an empty text, or a character that is not printable ASCII.
    package init(_ text: String) throws {
        guard !text.isEmpty else { throw MonitorError.invalidDelimiters("give at least one delimiter character, such as \":/\"") }
        guard let invalid = text.unicodeScalars.first(where: { !$0.isASCII || $0.value < 0x21 || $0.value == 0x7F }) else {
            self.init(validated: text)
            return
        }
        throw MonitorError.invalidDelimiters("'\(invalid.escaped(asASCII: true))' cannot be a delimiter: use printable ASCII characters (no spaces)")
    }

    private init(validated text: String) {
        bytes = Set(text.utf8)
        var table = [Bool](repeating: false, count: 256)
        for byte in text.utf8 { table[Int(byte)] = true }
        self.table = table
    }

    /// `bytes` as a lookup by byte value (what splitting millions of keys asks, byte by byte).
    private let table: [Bool]

    /// The characters, in byte order (`-./:_|`).
    package var text: String { String(decoding: bytes.sorted(), as: UTF8.self) }

    /// Whether `byte` ends a group.
    package func contains(_ byte: UInt8) -> Bool { table[Int(byte)] }

    /// `key` up to and including its last delimiter (`user:42:name` → `user:42:`), the whole key when it has
    /// none before its last byte.
    package func parentPrefix(of key: [UInt8]) -> [UInt8] {
        guard let last = key.dropLast().lastIndex(where: contains) else { return key }
        return Array(key[...last])
    }
}
