import Foundation

/// An insight sample as a recording keeps it for the replay: one JSON document in the samples table, under
/// its own kind, beside the document people read with `sqlite3` (`analyze --json`, `traffic --json`).
package protocol RecordedInsight: Codable, Sendable {
    /// The samples table's kind.
    static var kind: String { get }
}

extension RecordedInsight {
    /// As the samples table stores it: JSON.
    package var json: String? {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// From the samples table; `nil` for a document this version cannot read.
    package static func decode(_ json: String) -> Self? {
        try? JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }
}
