import CacheMonitor

/// What the operator chose and what the dashboard holds for one moment: the screen, the selection, the
/// key browser, the open dialog or input line, freeze, theme — plus the latest data it was given. The
/// reducer changes it; the screens only read it.
package struct AppState: Sendable {
    /// The main screens.
    package enum Screen: Sendable, Hashable {
        case overview, keys, details, insights, health, capabilities
    }

    /// Options fixed at start.
    package var readOnly: Bool
    /// The refresh interval, for the header.
    package var refreshSeconds: Double
    /// The theme names `t` cycles through, and the one in use.
    package var themeNames: [String]
    package var themeIndex = 0
    /// Shown on the overview when there are no backends (until the demo runs).
    package var emptyMessage: String?
    /// Draw with ASCII only (the terminal's locale is not UTF-8).
    package var asciiOnly = false
    /// Whether the embedded demo's traffic keys apply.
    package var hasDemo = false
    /// The demo's routes panel (while the demo runs).
    package var demoTraffic: DemoTraffic?
    /// Warning and critical levels for colouring.
    package var thresholds: Thresholds

    /// The snapshot on screen, and the newest one (they differ while frozen).
    package var snapshot: Snapshot
    package var latestSnapshot: Snapshot
    package var frozen = false

    package var screen: Screen = .overview
    /// The selected backend (the first one until the operator picks another).
    package var selectedBackend: BackendID?
    /// Pools and clusters whose servers are listed under their row.
    package var expandedBackends: Set<BackendID> = []
    /// How the overview sorts, narrows, groups and scrolls its rows.
    package var overview = OverviewState()
    package var keyBrowser: KeyBrowserState?
    /// Each backend's insights, kept until re-sampled, and the backend whose insights are shown.
    package var insightsByBackend: [BackendID: InsightsState] = [:]
    package var insightsBackend: BackendID?
    /// The key whose details are open, and what was read about it.
    /// The health screen (kept when left, so it opens where it was).
    package var health: HealthState?
    /// Each backend's capabilities screen (kept when left), and the backend whose screen is shown.
    package var capabilitiesByBackend: [BackendID: CapabilitiesState] = [:]
    package var capabilitiesBackend: BackendID?
    /// The backend whose health the poller reads fully (its health screen is open).
    package var healthFocus: BackendID?
    package var details: KeyDetails?
    package var detailsError: String?
    package var detailsKey: BrowsedKey?

    package var dialog: Dialog?
    /// A traffic sample waiting for a yes to change the server settings it needs.
    package var trafficConsent: TrafficConsent?
    package var input: InputLine?
    package var job: JobState?
    package var showHelp = false
    package var message: StatusMessage?
    /// In a replay (`cachescope replay FILE`): where its time cursor is; `nil` when watching live.
    package var replay: ReplayPosition?
    /// How far back the backend panel's trends reach, and what the recording gave for the selected backend
    /// (`z` cycles; only with a recording: `hasTrendArchive`).
    package var trendZoom: TrendZoom = .live
    package var zoomedTrends: ZoomedTrends?
    package var hasTrendArchive = false
    /// When the zoomed trends were last asked for (the state's seconds), and for which replayed instant.
    package var trendsAskedAt: Double = -.infinity
    package var trendsAskedInstant: Int64?

    /// The terminal's size.
    package var width: Int
    package var height: Int
    /// Monotonic seconds (TTL countdowns) and the wall clock (`HH:MM:SS`), set by ticks.
    package var now: Double
    package var clockText: String
    /// The wall clock in Unix seconds (slow-log entries are stamped with it), set by ticks.
    package var unixTime: Int64 = 0
    package var isQuitting = false

    package init(
        readOnly: Bool = false, refreshSeconds: Double = 1, themeNames: [String] = ["default"], thresholds: Thresholds = Thresholds(),
        snapshot: Snapshot = Snapshot(backends: [], takenAt: 0), width: Int = 80, height: Int = 24, now: Double = 0, clockText: String = ""
    ) {
        self.readOnly = readOnly
        self.refreshSeconds = refreshSeconds
        self.themeNames = themeNames.isEmpty ? ["default"] : themeNames
        self.thresholds = thresholds
        self.snapshot = snapshot
        latestSnapshot = snapshot
        selectedBackend = snapshot.backends.first?.id
        self.width = width
        self.height = height
        self.now = now
        self.clockText = clockText
    }

    /// The theme in use.
    package var themeName: String { themeNames[themeIndex % themeNames.count] }

    /// Where the keyboard focus is.
    package var context: KeyContext {
        if input != nil { return .input }
        if dialog != nil || trafficConsent != nil { return .dialog }
        if job != nil { return .job }
        switch screen {
        case .overview: return .overview
        case .keys: return .keyBrowser
        case .details: return .details
        case .insights: return .insights
        case .health: return .health
        case .capabilities: return .capabilities
        }
    }

    /// The backend the keys act on: the selected one on the overview, the one whose keys, insights or health
    /// are open elsewhere.
    package var focusedBackend: MonitoredBackend? {
        switch screen {
        case .overview: selectedSnapshot?.backend
        case .keys, .details: keyBrowser?.backend
        case .insights: insights?.backend
        case .health: health?.backend ?? selectedSnapshot?.backend
        case .capabilities: capabilities?.backend ?? selectedSnapshot?.backend
        }
    }

    /// Whether `binding` can be used on the focused backend now (its feature offered and not refused).
    package func isAvailable(_ binding: KeyBinding) -> Bool {
        guard let feature = feature(of: binding.action), let backend = focusedBackend else { return true }
        return backend.availability(of: feature).isAvailable
    }

    /// The backend feature `action` uses here: none for the insights in a replay, which shows the keyspace
    /// analyses the recording kept instead of reading the server.
    package func feature(of action: DashboardAction) -> BackendFeature? {
        if replay != nil, action == .insights { return nil }
        return action.feature(in: context)
    }

    /// The insights shown (or last shown).
    package var insights: InsightsState? {
        get { insightsBackend.flatMap { insightsByBackend[$0] } }
        set {
            guard let newValue else { return }
            insightsByBackend[newValue.backend.id] = newValue
            insightsBackend = newValue.backend.id
        }
    }

    /// The capabilities screen shown (or last shown).
    package var capabilities: CapabilitiesState? {
        get { capabilitiesBackend.flatMap { capabilitiesByBackend[$0] } }
        set {
            guard let newValue else { return }
            capabilitiesByBackend[newValue.backend.id] = newValue
            capabilitiesBackend = newValue.backend.id
        }
    }

    /// The selected backend as last seen, if there is one (none while the overview's cursor is on a group's row).
    package var selectedSnapshot: BackendSnapshot? {
        if screen == .overview, overview.groupRow != nil { return nil }
        return selectedIndex.map { snapshot.backends[$0] }
    }

    /// Where the selected backend is in the list shown.
    var selectedIndex: Int? {
        guard let selectedBackend else { return snapshot.backends.isEmpty ? nil : 0 }
        return snapshot.backends.firstIndex { $0.id == selectedBackend } ?? (snapshot.backends.isEmpty ? nil : 0)
    }

    /// A key as text on this terminal: the escape form, pure ASCII when the terminal cannot show Unicode.
    package func keyText(_ key: [UInt8]) -> String {
        KeyEscaping.escape(key, asciiOnly: asciiOnly)
    }
}

/// When a figure turns yellow (warning) or red (critical).
package struct Thresholds: Sendable, Hashable {
    /// Hit ratios below these are warned about.
    package var hitRatioWarning: Double
    package var hitRatioCritical: Double
    /// Memory used / max above these.
    package var memoryWarning: Double
    package var memoryCritical: Double
    /// TTLs below this many seconds are highlighted.
    package var ttlWarningSeconds: Double
    /// Where the attention rules draw their lines (fragmentation, replica lag); their memory warning is
    /// ``memoryWarning``.
    package var fragmentationRatio: Double = 1.5
    package var fragmentationBytes: Int64 = 100 << 20
    package var replicaLagSeconds: Int64 = 10

    package init(
        hitRatioWarning: Double = 0.8, hitRatioCritical: Double = 0.5, memoryWarning: Double = 0.8, memoryCritical: Double = 0.95,
        ttlWarningSeconds: Double = 10
    ) {
        self.hitRatioWarning = hitRatioWarning
        self.hitRatioCritical = hitRatioCritical
        self.memoryWarning = memoryWarning
        self.memoryCritical = memoryCritical
        self.ttlWarningSeconds = ttlWarningSeconds
    }

    /// The attention rules' thresholds.
    package var attention: AttentionThresholds {
        AttentionThresholds(
            fragmentationRatio: fragmentationRatio, fragmentationBytes: fragmentationBytes, replicaLagSeconds: replicaLagSeconds,
            memoryWarning: memoryWarning)
    }

    /// The role for a hit ratio.
    package func role(forHitRatio ratio: Double?) -> StyleRole {
        guard let ratio else { return .dim }
        if ratio < hitRatioCritical { return .error }
        if ratio < hitRatioWarning { return .warning }
        return .good
    }
}
