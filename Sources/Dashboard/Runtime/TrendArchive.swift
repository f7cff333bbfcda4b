import CacheMonitor

/// Where the backend panel's trends come from when zoomed out: a recording (the one `--record` writes, or
/// the one replayed).
package protocol TrendArchive: Sendable {
    /// `backend`'s trends over `zoom`'s span ending at `instant` (ms since 1970; `nil`: now), in `points`
    /// values each; `nil` when the recording has nothing of it.
    func trends(of backend: MonitoredBackend, zoom: TrendZoom, points: Int, endingAt instant: Int64?) async -> ZoomedTrends?
}

/// How far back the backend panel's trends reach.
package enum TrendZoom: Sendable, Hashable, CaseIterable {
    /// The poller's own histories (the last 300 readings).
    case live
    case hour, day

    /// How long, in seconds (`live`: the histories' own).
    package var seconds: Int64 {
        switch self {
        case .live: 0
        case .hour: 3_600
        case .day: 86_400
        }
    }

    package var title: String {
        switch self {
        case .live: "live"
        case .hour: "last hour"
        case .day: "last day"
        }
    }

    package var next: TrendZoom {
        switch self {
        case .live: .hour
        case .hour: .day
        case .day: .live
        }
    }
}

/// A backend's trends read from the archive for a zoom.
package struct ZoomedTrends: Sendable, Hashable {
    package var backend: BackendID
    package var zoom: TrendZoom
    package var hitRatio: [Double?]
    package var operationsPerSecond: [Double?]
    package var memoryBytes: [Double?]

    package init(backend: BackendID, zoom: TrendZoom, hitRatio: [Double?], operationsPerSecond: [Double?], memoryBytes: [Double?]) {
        self.backend = backend
        self.zoom = zoom
        self.hitRatio = hitRatio
        self.operationsPerSecond = operationsPerSecond
        self.memoryBytes = memoryBytes
    }
}
