/// Everything a key can ask the dashboard to do.
package enum DashboardAction: String, Sendable, Hashable, CaseIterable {
    case help, quit
    case nextBackend, previousBackend, selectBackend
    case moveUp, moveDown, pageUp, pageDown, home, end
    case open, back, expand
    case filter, toggleView, sort, freeze, refresh, nextTheme
    case insights, bigKeys, sampleTraffic, hotKeys
    case health, nextTab, previousTab, nextNode, previousNode, killClient
    case deleteKey, invalidatePrefix, setTTL, clearDemoCache
    case pauseTraffic, fasterTraffic, slowerTraffic, updateUser
    case confirm, cancel, typePrefix, stopJob, monitorOnly
}

/// Where the keyboard focus is; a binding applies in some of them.
package enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case overview, keyBrowser, details, insights, health, dialog, input
    /// A change is running: its progress bar has the focus.
    case job
}
