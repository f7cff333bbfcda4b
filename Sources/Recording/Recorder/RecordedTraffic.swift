import CacheMonitor

/// A traffic sample as a recording keeps it for the replay's insights (samples of kind `traffic-report`):
/// the whole report, beside the `traffic --json` document (kind `traffic`).
package struct RecordedTraffic: RecordedInsight, Hashable {
    package static let kind = "traffic-report"

    package var report: TrafficReport

    package init(report: TrafficReport) {
        self.report = report
    }
}
