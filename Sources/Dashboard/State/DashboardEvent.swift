import Basics
import CacheMonitor

/// Everything that changes the dashboard's state: keys, time, the terminal's size, and results of the
/// work the loop ran for an earlier effect.
package enum DashboardEvent: Sendable {
    case key(KeyPress)
    /// A click or the wheel (when the mouse is on).
    case mouse(MouseEvent)
    /// A second passed (TTL countdowns, the clock): monotonic seconds and the wall clock text.
    case tick(now: Double, clock: String, unixTime: Int64 = 0)
    case resize(width: Int, height: Int)
    case snapshot(Snapshot)
    /// The key browser's window grew (`complete` when loading ended) — for the backend and filter asked.
    case keysLoaded(backend: BackendID, filter: KeyMatch, window: KeyWindow)
    case keysFailed(backend: BackendID, error: String)
    /// A key's details were read (`nil` = the key is gone).
    case detailsLoaded(key: BrowsedKey, details: KeyDetails?)
    case detailsFailed(key: BrowsedKey, error: String)
    /// The count for an open dialog.
    case matchCount(change: PendingChange, count: Dialog.MatchCount)
    /// The running change's totals so far.
    case jobProgress(DeletionTotals, elapsed: Duration)
    /// The running change ended (completed, stopped, refused or failed).
    case jobFinished(ChangeOutcome)
    /// A keyspace analysis read more keys.
    case keyspaceProgress(backend: BackendID, KeyspaceProgress)
    /// A keyspace analysis ended.
    case keyspaceAnalyzed(KeyspaceOutcome)
    /// The insights a replay's recording kept of a backend by the cursor.
    case insightsReplayed(MonitoredBackend, ReplayedInsights)
    /// What a traffic sample on a backend needs (settings to change first), or why it cannot run.
    case trafficPreflight(MonitoredBackend, TrafficPreflight)
    case trafficUnavailable(backend: BackendID, reason: String)
    /// A traffic sample listened a while longer.
    case trafficProgress(backend: BackendID, TrafficProgress)
    /// A traffic sample ended.
    case trafficSampled(TrafficOutcome)
    /// What a backend's servers allow (its capabilities screen), or why none answered.
    case capabilitiesChecked(backend: BackendID, CapabilityReport)
    case capabilitiesFailed(backend: BackendID, error: String)
    /// A one-line note from the loop (a theme file problem).
    case notice(String, role: StyleRole)
    /// A replay's cursor moved (or the replay said why it could not).
    case replayMoved(ReplayPosition)
    /// A backend's zoomed-out trends, read from the recording (`nil`: it has none of that backend).
    case trendsLoaded(ZoomedTrends?, zoom: TrendZoom)
    /// A demo key's work ended.
    case demoAction(DemoActionResult)
    /// The embedded demo's routes and traffic (each second while the demo runs).
    case demoTraffic(DemoTraffic)
}

/// Work the reducer asks the loop to do; the loop answers with events.
package enum DashboardEffect: Sendable, Hashable {
    case quit
    /// Sample every backend now (the poller's own sampling, woken early).
    case refreshNow
    /// (Re)load the key browser's window.
    case loadKeys(MonitoredBackend, filter: KeyMatch)
    case loadDetails(MonitoredBackend, key: BrowsedKey)
    /// Count what a dialog's change would touch.
    case count(PendingChange)
    /// Run a confirmed change.
    case run(PendingChange, expected: Int?)
    /// Ask the running change to stop after the batch in flight.
    case stopJob
    /// Stop counting for a dialog that closed.
    case stopCount
    /// Analyse a backend's keyspace (its insights).
    case analyzeKeyspace(MonitoredBackend)
    /// Read the insights the replay's recording kept of a backend by the cursor.
    case replayInsights(MonitoredBackend)
    /// Stop the running analysis of a backend (what was read is kept).
    case stopAnalysis(BackendID)
    /// Learn what a traffic sample on a backend needs (nothing is changed).
    case preflightTraffic(MonitoredBackend)
    /// Sample a backend's traffic, changing the settings it needs only when allowed.
    case sampleTraffic(MonitoredBackend, mayChangeSettings: Bool)
    /// Stop a backend's running traffic sample (what was counted is kept, settings are put back).
    case stopTraffic(BackendID)
    case applyTheme(String)
    /// Keep the overview's sort and grouping in the config's `[ui]` for the next run.
    case rememberOverview(RememberedOverview)
    /// Ask a backend's servers what they allow (`readOnly`: invalidation is not asked about).
    case checkCapabilities(MonitoredBackend, readOnly: Bool)
    /// Read this backend's health fully every interval (its health screen is open); `nil`: none.
    case focusHealth(BackendID?)
    /// Demo traffic controls.
    case traffic(TrafficCommand)
    /// Moves a replay's time cursor.
    case replay(ReplayMove)
    /// Reads a backend's zoomed-out trends from the recording.
    case loadTrends(MonitoredBackend, TrendZoom, points: Int, endingAt: Int64?)
}

/// What the demo's traffic keys ask for.
package enum TrafficCommand: String, Sendable, Hashable {
    case pauseOrResume, faster, slower, updateRandomUser
}

/// What a demo traffic key did, for the status line.
package enum DemoActionResult: Sendable, Hashable {
    case paused
    case resumed(rate: Double)
    case rateChanged(Double)
    /// A user's record was updated through the app, which invalidates its cached key.
    case userUpdated(id: Int, version: Int, keyExisted: Bool)
    case updateFailed(id: Int, reason: String)
}
