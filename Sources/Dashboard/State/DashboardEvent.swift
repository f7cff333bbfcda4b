import Basics
import CacheMonitor
import ConnectionSupport

/// Everything that changes the dashboard's state: keys, time, the terminal's size, and results of the
/// work the loop ran for an earlier effect.
public enum DashboardEvent: Sendable {
    case key(KeyPress)
    /// A second passed (TTL countdowns, the clock): monotonic seconds and the wall clock text.
    case tick(now: Double, clock: String)
    case resize(width: Int, height: Int)
    case snapshot(Snapshot)
    /// The key browser's window grew (`complete` when loading ended) — for the backend and filter asked.
    case keysLoaded(backend: Int, filter: KeyMatch, window: KeyWindow)
    case keysFailed(backend: Int, error: String)
    /// A key's details were read (`nil` = the key is gone).
    case detailsLoaded(key: BrowsedKey, details: KeyDetails?)
    case detailsFailed(key: BrowsedKey, error: String)
    /// The count for an open dialog.
    case matchCount(change: PendingChange, count: Dialog.MatchCount)
    case jobProgress(DeletionTotals, elapsed: Duration)
    /// A change finished: the result line, the keys known deleted (removed from the browser), whether it failed.
    case jobFinished(message: String, deletedKeys: [[UInt8]], failed: Bool)
    /// A one-line note from the loop (a theme file problem, a demo action done).
    case notice(String, role: StyleRole)
    /// The embedded demo's routes and traffic (each second while the demo runs).
    case demoTraffic(DemoTraffic)
}

/// Work the reducer asks the loop to do; the loop answers with events.
public enum DashboardEffect: Sendable, Hashable {
    case quit
    case refreshNow
    /// (Re)load the key browser's window.
    case loadKeys(backend: Int, filter: KeyMatch)
    case loadDetails(backend: Int, key: BrowsedKey)
    /// Count what a dialog's change would touch.
    case count(PendingChange)
    /// Run a confirmed change.
    case run(PendingChange, expected: Int?)
    case cancelJob
    case applyTheme(String)
    /// Demo traffic controls.
    case traffic(TrafficCommand)
}

/// What the demo's traffic keys ask for.
public enum TrafficCommand: String, Sendable, Hashable {
    case pauseOrResume, faster, slower, updateRandomUser
}
