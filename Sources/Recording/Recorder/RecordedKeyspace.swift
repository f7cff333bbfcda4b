import CacheMonitor
import Foundation

/// A keyspace analysis as a recording keeps it for the replay's insights (samples of kind
/// `keyspace-report`): the whole report, beside the `analyze --json` document people read with `sqlite3`
/// (kind `keyspace`), which keeps only the top groups and keys.
package struct RecordedKeyspace: Codable, Sendable, Hashable {
    /// The samples table's kind.
    package static let kind = "keyspace-report"

    package var report: KeyspaceReport
    /// How long the analysis took.
    package var elapsedMilliseconds: Int64

    package init(report: KeyspaceReport, elapsed: Duration) {
        self.report = report
        elapsedMilliseconds = elapsed.milliseconds
    }

    /// The analysis's duration.
    package var elapsed: Duration { .milliseconds(elapsedMilliseconds) }

    /// As the samples table stores it: JSON.
    package var json: String? {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// From the samples table; `nil` for a document this version cannot read.
    package static func decode(_ json: String) -> RecordedKeyspace? {
        try? JSONDecoder().decode(RecordedKeyspace.self, from: Data(json.utf8))
    }
}
