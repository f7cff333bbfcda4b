import CacheMonitor

/// Everything a key can ask the dashboard to do.
package enum DashboardAction: String, Sendable, Hashable, CaseIterable {
    case help, quit
    case nextBackend, previousBackend, selectBackend
    case moveUp, moveDown, pageUp, pageDown, home, end
    case open, back, expand
    case filter, toggleView, sort, freeze, refresh, nextTheme
    case insights, bigKeys, sampleTraffic, hotKeys
    case health, nextTab, previousTab, nextNode, previousNode, killClient
    case capabilities
    case reverseSort, problemsOnly, jump
    case deleteKey, invalidatePrefix, setTTL, clearDemoCache
    case pauseTraffic, fasterTraffic, slowerTraffic, updateUser
    case replayStepBack, replayStepForward, replayMinuteBack, replayMinuteForward, replayHourBack, replayHourForward
    case replayJump, replayPlay, replayFaster, replaySlower, replayNextEvent, replayPreviousEvent
    case zoomTrends
    case confirm, cancel, typePrefix, stopJob, monitorOnly
}

/// Where the keyboard focus is; a binding applies in some of them.
package enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case overview, keyBrowser, details, insights, health, capabilities, dialog, input
    /// A change is running: its progress bar has the focus.
    case job
}

extension DashboardAction {
    /// The backend feature the action uses in `context` (`nil`: none, or the screen's own data): where the
    /// focused backend lacks it or its servers refused it, the key is greyed out in the footer and says why.
    package func feature(in context: KeyContext) -> BackendFeature? {
        switch self {
        case .open where context == .overview: .keyBrowsing
        case .insights: .keyspace
        case .sampleTraffic: .traffic
        case .health: .health
        case .killClient: .clientControl
        case .deleteKey, .invalidatePrefix: .keyDeletion
        case .setTTL: .keyExpiry
        default: nil
        }
    }
}
