/// One entry of the key table: which keys, what they do, where, and how they are shown.
package struct KeyBinding: Sendable, Hashable {
    /// The keys as people write them (`q`, `F10`, `Shift-Tab`, `1–9`).
    package var keys: [String]
    package var action: DashboardAction
    /// What it does, for the help overlay and the README.
    package var description: String
    /// The short word shown in the footer, when it is shown there.
    package var footerLabel: String?
    /// The help overlay's group.
    package var section: String
    package var contexts: Set<KeyContext>
    /// Deletes or changes data: absent with `--read-only`.
    package var isDangerous: Bool
    /// Acts on the embedded demo: offered (footer) only while it runs, and explained otherwise.
    package var requiresDemo: Bool
    /// Moves a replay's time cursor: offered only in a replay, and explained otherwise.
    package var requiresReplay: Bool

    package init(
        _ keys: [String], _ action: DashboardAction, _ description: String, footer: String? = nil, section: String,
        in contexts: Set<KeyContext>, dangerous: Bool = false, demo: Bool = false, replay: Bool = false
    ) {
        self.keys = keys
        self.action = action
        self.description = description
        footerLabel = footer
        self.section = section
        self.contexts = contexts
        isDangerous = dangerous
        requiresDemo = demo
        requiresReplay = replay
    }
}

/// The one key table: dispatch, the footer hints, the help overlay, `cachescope keymap --markdown` and the
/// README's key list all come from it, so they cannot drift apart.
package enum KeyMap {
    static let browsing: Set<KeyContext> = [.overview, .keyBrowser, .details, .insights, .health, .capabilities]
    static let lists: Set<KeyContext> = [.overview, .keyBrowser, .insights, .health, .capabilities]
    /// Where a replay's time keys work (the health screen keeps `[` `]` `<` `>` for its tabs and servers).
    static let replaying: Set<KeyContext> = [.overview, .details, .insights]
    static let anywhereButInputs: Set<KeyContext> = [.overview, .keyBrowser, .details, .insights, .health, .capabilities, .dialog, .job]

    package static let all: [KeyBinding] = [
        KeyBinding(["?", "F1"], .help, "show or hide this help", footer: "help", section: "General", in: browsing),
        KeyBinding(
            ["q", "F10"], .quit, "quit (inside an input, Esc leaves the input first)", footer: "quit", section: "General", in: anywhereButInputs),
        KeyBinding(["f"], .freeze, "freeze or unfreeze the display (sampling goes on)", footer: "freeze", section: "General", in: browsing),
        KeyBinding(["r"], .refresh, "refresh now (on insights: read the keys again)", section: "General", in: browsing),
        KeyBinding(["t"], .nextTheme, "next theme", section: "General", in: browsing),
        KeyBinding(["Tab"], .nextBackend, "next backend", section: "Backends", in: browsing),
        KeyBinding(["Shift-Tab"], .previousBackend, "previous backend", section: "Backends", in: browsing),
        KeyBinding(["1–9"], .selectBackend, "backend by number", section: "Backends", in: browsing),
        KeyBinding(
            ["C"], .capabilities, "what each server allows: per feature the method used or why none, and the remedy (r asks again)",
            section: "Backends", in: [.overview, .keyBrowser, .details, .insights, .health]),
        KeyBinding(
            ["e"], .expand, "expand a pool or cluster row into its servers (on a group's row: fold or unfold the group)", section: "Backends",
            in: [.overview]),
        KeyBinding(
            ["z"], .zoomTrends,
            "zoom the backend's trends out: the last hour, the last day, then live (from a recording: --record FILE, or a replay)",
            section: "Backends", in: [.overview]),
        KeyBinding(["↑", "k"], .moveUp, "move up", section: "Moving", in: lists),
        KeyBinding(["↓", "j"], .moveDown, "move down", section: "Moving", in: lists),
        KeyBinding(["PgUp"], .pageUp, "page up", section: "Moving", in: lists),
        KeyBinding(["PgDn"], .pageDown, "page down", section: "Moving", in: lists),
        KeyBinding(["Home"], .home, "first row", section: "Moving", in: lists),
        KeyBinding(["End"], .end, "last row", section: "Moving", in: lists),
        KeyBinding(
            ["Enter"], .open, "open the backend's keys, a key's details, or a prefix group", footer: "open", section: "Moving",
            in: [.overview, .keyBrowser, .insights]),
        KeyBinding(
            ["Esc", "←"], .back, "back (up one level, then to the overview; stops a running analysis)", footer: "back", section: "Moving",
            in: [.keyBrowser, .details, .insights, .health, .capabilities]),
        KeyBinding(["/"], .filter, "filter keys by prefix or glob", footer: "filter", section: "Keys", in: [.keyBrowser]),
        KeyBinding(["v"], .toggleView, "list or tree view", footer: "tree", section: "Keys", in: [.keyBrowser]),
        KeyBinding(
            ["s"], .sort, "sort by key, TTL or size (insights: memory, keys, reads…; health: commands, clients)", footer: "sort",
            section: "Keys", in: [.keyBrowser, .insights, .health]),
        KeyBinding(
            ["i"], .insights, "insights: keys, memory and TTLs per prefix, and the biggest keys", footer: "insights", section: "Insights",
            in: [.overview, .keyBrowser]),
        KeyBinding(["b"], .bigKeys, "the biggest keys, or back to the prefix groups", footer: "big keys", section: "Insights", in: [.insights]),
        KeyBinding(
            ["w"], .sampleTraffic, "sample the traffic for 10 s: hit ratio per prefix", footer: "traffic",
            section: "Insights", in: [.insights]),
        KeyBinding(["H"], .hotKeys, "the hot keys and miss storms of the sample", footer: "hot keys", section: "Insights", in: [.insights]),
        KeyBinding(
            ["h"], .health, "server health: slow log, commands, clients, memory…", footer: "health", section: "Health",
            in: [.overview, .keyBrowser, .insights]),
        KeyBinding(["]"], .nextTab, "next health tab", footer: "tab", section: "Health", in: [.health]),
        KeyBinding(["["], .previousTab, "previous health tab", section: "Health", in: [.health]),
        KeyBinding([">"], .nextNode, "next server (all merged, then each)", footer: "server", section: "Health", in: [.health]),
        KeyBinding(["<"], .previousNode, "previous server", section: "Health", in: [.health]),
        KeyBinding(
            ["K"], .killClient, "close the selected client (never our own)", footer: "kill", section: "Health", in: [.health], dangerous: true),
        KeyBinding(
            ["d", "Del"], .deleteKey, "delete the selected key", footer: "delete", section: "Changes", in: [.keyBrowser, .details], dangerous: true),
        KeyBinding(
            ["D"], .invalidatePrefix, "invalidate a prefix (the tree node or group, or one you type)", footer: "invalidate", section: "Changes",
            in: [.keyBrowser, .insights], dangerous: true),
        KeyBinding(["T"], .setTTL, "set or remove the selected key's TTL", section: "Changes", in: [.keyBrowser, .details], dangerous: true),
        KeyBinding(
            ["c"], .clearDemoCache, "clear the demo's cache", footer: "clear demo", section: "Changes", in: [.overview], dangerous: true, demo: true),
        KeyBinding(["p"], .pauseTraffic, "pause or resume the demo traffic", footer: "pause", section: "Demo traffic", in: [.overview], demo: true),
        KeyBinding(["+"], .fasterTraffic, "more demo traffic", footer: "faster", section: "Demo traffic", in: [.overview], demo: true),
        KeyBinding(["-"], .slowerTraffic, "less demo traffic", footer: "slower", section: "Demo traffic", in: [.overview], demo: true),
        KeyBinding(
            ["u"], .updateUser, "update a demo user (invalidates its key)", footer: "update user", section: "Demo traffic", in: [.overview],
            dangerous: true, demo: true),
        KeyBinding(
            ["/"], .filter, "filter the backends as you type: name, address, type, tag, status", footer: "filter", section: "Many backends",
            in: [.overview]),
        KeyBinding(
            ["s"], .sort, "sort by the next column (the header marks it; remembered in the config's [ui])", footer: "sort", section: "Many backends",
            in: [.overview]),
        KeyBinding(["S"], .reverseSort, "reverse the sort", section: "Many backends", in: [.overview]),
        KeyBinding(
            ["!"], .problemsOnly, "problems only: down, needing attention, evicting, hit ratio under the warning", footer: "problems",
            section: "Many backends", in: [.overview]),
        KeyBinding(
            ["v"], .toggleView, "group view: by tag, by type, or one list (Enter or e folds a group)", footer: "group", section: "Many backends",
            in: [.overview]),
        KeyBinding(["g"], .jump, "go to a backend by name as you type", section: "Many backends", in: [.overview]),
        KeyBinding(["Esc"], .back, "clear the filter and problems only", section: "Many backends", in: [.overview]),
        KeyBinding([","], .replayStepBack, "one interval back", footer: "back", section: "Replay", in: replaying, replay: true),
        KeyBinding(["."], .replayStepForward, "one interval forward", footer: "fwd", section: "Replay", in: replaying, replay: true),
        KeyBinding(["["], .replayMinuteBack, "a minute back", section: "Replay", in: replaying, replay: true),
        KeyBinding(["]"], .replayMinuteForward, "a minute forward", section: "Replay", in: replaying, replay: true),
        KeyBinding(["{"], .replayHourBack, "an hour back", section: "Replay", in: replaying, replay: true),
        KeyBinding(["}"], .replayHourForward, "an hour forward", section: "Replay", in: replaying, replay: true),
        KeyBinding(
            [":"], .replayJump, "go to a time: 14:02, 14:02:30, -2h, -90s, 2026-12-06T03:10 (local time unless it names a zone)",
            footer: "go to", section: "Replay", in: replaying, replay: true),
        KeyBinding(["Space"], .replayPlay, "play or pause", footer: "play", section: "Replay", in: replaying, replay: true),
        KeyBinding([">"], .replayFaster, "play faster: 1×, 10×, 60×", section: "Replay", in: replaying, replay: true),
        KeyBinding(["<"], .replaySlower, "play slower", section: "Replay", in: replaying, replay: true),
        KeyBinding(
            ["n"], .replayNextEvent, "the next event (up, down, failover, attention, a change made)", footer: "event", section: "Replay",
            in: replaying, replay: true),
        KeyBinding(["N"], .replayPreviousEvent, "the previous event", section: "Replay", in: replaying, replay: true),
        KeyBinding(["y", "Enter"], .confirm, "confirm", footer: "confirm", section: "Dialogs", in: [.dialog]),
        KeyBinding(["n", "Esc"], .cancel, "cancel", footer: "cancel", section: "Dialogs", in: [.dialog]),
        KeyBinding(
            ["m"], .monitorOnly, "sample traffic without changing a setting", footer: "no change", section: "Dialogs",
            in: [.dialog]),
        KeyBinding(
            ["p"], .typePrefix, "type a prefix instead of the one offered", footer: "type prefix", section: "Dialogs", in: [.dialog],
            dangerous: true
        ),
        KeyBinding(["Esc"], .stopJob, "stop the running change (what is deleted stays deleted)", footer: "stop", section: "Dialogs", in: [.job]),
        KeyBinding(["Enter"], .confirm, "apply what was typed", footer: "apply", section: "Input lines", in: [.input]),
        KeyBinding(["Esc"], .cancel, "leave the input line", footer: "cancel", section: "Input lines", in: [.input]),
    ]

    /// The bindings in force: without the dangerous ones in `--read-only`.
    package static func bindings(readOnly: Bool) -> [KeyBinding] {
        readOnly ? all.filter { !$0.isDangerous } : all
    }

    /// The binding of `key` in `context`, if any.
    package static func binding(for key: String, in context: KeyContext, readOnly: Bool) -> KeyBinding? {
        bindings(readOnly: readOnly).first { $0.contexts.contains(context) && $0.keys.contains(key) }
    }

    /// The action `key` triggers in `context`, if any.
    package static func action(for key: String, in context: KeyContext, readOnly: Bool) -> DashboardAction? {
        binding(for: key, in: context, readOnly: readOnly)?.action
    }

    /// The footer hints for `context`, in table order: the bindings with a footer label, the demo's only
    /// with a demo, none of the actions in `hidden`.
    package static func footer(
        for context: KeyContext, readOnly: Bool, demo: Bool = false, replay: Bool = false, hiding hidden: Set<DashboardAction> = []
    ) -> [KeyBinding] {
        let offered = bindings(readOnly: readOnly).filter { binding in
            binding.contexts.contains(context) && binding.footerLabel != nil && !binding.keys.isEmpty
                && (demo || !binding.requiresDemo) && (replay || !binding.requiresReplay)
                && !(replay && binding.requiresDemo) && !hidden.contains(binding.action)
        }
        // In a replay its keys come first: they are what the screen is for.
        return offered.filter(\.requiresReplay) + offered.filter { !$0.requiresReplay }
    }

    /// The key list as Markdown, grouped by section — `cachescope keymap --markdown` and the README.
    package static func markdown(readOnly: Bool = false) -> String {
        var sections: [String] = []
        var lines: [String: [String]] = [:]
        for binding in bindings(readOnly: readOnly) {
            if lines[binding.section] == nil { sections.append(binding.section) }
            let keys = binding.keys.map { "`\($0)`" }.joined(separator: " / ")
            let note = binding.isDangerous ? " (not in `--read-only`)" : ""
            lines[binding.section, default: []].append("| \(keys) | \(binding.description)\(note) |")
        }
        return sections.map { section in
            "**\(section)**\n\n| keys | what it does |\n|---|---|\n" + (lines[section] ?? []).joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }
}
