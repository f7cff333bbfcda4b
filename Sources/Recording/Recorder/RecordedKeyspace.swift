import CacheMonitor

/// A keyspace analysis as a recording keeps it for the replay's insights (samples of kind
/// `keyspace-report`): the whole report, beside the `analyze --json` document (kind `keyspace`), which keeps
/// only the top groups and keys.
package struct RecordedKeyspace: RecordedInsight, Hashable {
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
}
