import CacheMonitor
import Dashboard
import Foundation
import Recording

/// The backend panel's zoomed-out trends read from a recording: the one `--record` writes (read while it is
/// written), or the one replayed.
struct RecordingTrendArchive: TrendArchive {
    let reader: RecordingReader

    func trends(of backend: MonitoredBackend, zoom: TrendZoom, points: Int, endingAt instant: Int64?) async -> ZoomedTrends? {
        let end = instant ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
        guard zoom != .live, let trends = try? await reader.trends(of: backend.name, in: (end - zoom.seconds * 1000)...end, points: points) else {
            return nil
        }
        return ZoomedTrends(
            backend: backend.id, zoom: zoom, hitRatio: trends.hitRatio, operationsPerSecond: trends.operationsPerSecond,
            memoryBytes: trends.memoryBytes)
    }
}
