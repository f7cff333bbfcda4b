import CacheMonitor

/// Typing into the input line, and what Enter does with the text.
enum InputEditing {
    static func edit(_ key: KeyPress, _ state: inout AppState) {
        guard var input = state.input else { return }
        switch key {
        case .backspace, .delete:
            if !input.text.isEmpty { input.text.removeLast() }
        case .character(let character):
            guard !character.isNewline, character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return }
            input.text.append(character)
        default:
            return
        }
        state.input = input
        switch input.purpose {
        case .filter: narrow(to: input.text, &state)
        case .backendFilter: OverviewActions.narrow(to: input.text, &state)
        case .jump:
            if !OverviewActions.jump(to: input.text, &state) {
                Actions.note("no backend shown is named like '\(input.text)'", role: .warning, &state)
            }
        default: break
        }
    }

    static func cancel(_ state: inout AppState) {
        guard let input = state.input else { return }
        state.input = nil
        switch input.purpose {
        case .filter: state.keyBrowser?.rebuild(at: state.now)
        case .backendFilter: OverviewActions.narrow(to: input.original, &state)
        case .jump(let from): if let from { OverviewActions.place(from, &state) }
        default: break
        }
    }

    /// Enter: use the text (or say why it cannot be used and stay in the input).
    static func apply(_ state: inout AppState) -> [DashboardEffect] {
        guard let input = state.input else { return [] }
        switch input.purpose {
        case .backendFilter:
            state.input = nil
            OverviewActions.narrow(to: input.text, &state)
            return []
        case .jump:
            state.input = nil
            return []
        case .replayTime:
            state.input = nil
            let text = input.text.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? [] : [.replay(.jump(text))]
        case .filter:
            guard var browser = state.keyBrowser else {
                state.input = nil
                return []
            }
            let match: KeyMatch
            do { match = try parseFilter(input.text) } catch {
                Actions.note("\(error)", role: .error, &state)
                return []
            }
            state.input = nil
            browser.filterText = input.text
            browser.filter = match
            browser.window = nil
            browser.loadError = nil
            browser.selection = 0
            browser.scroll = 0
            browser.treePath = []
            browser.rebuild(at: state.now)
            state.keyBrowser = browser
            return [.loadKeys(browser.backend, filter: match)]
        case .prefix(let backend):
            let prefix: [UInt8]
            do { prefix = try KeyEscaping.parse(input.text) } catch {
                Actions.note("\(error)", role: .error, &state)
                return []
            }
            guard !prefix.isEmpty else {
                Actions.note("type a prefix: an empty one would match every key", role: .warning, &state)
                return []
            }
            state.input = nil
            return ChangeRequests.open(PendingChange(.invalidatePrefix(prefix), on: backend), &state)
        case .ttl(let backend, let key):
            let text = input.text.filter { $0 != " " }
            let seconds: Int?
            if text.isEmpty {
                seconds = nil
            } else if let value = Int(text), value > 0 {
                seconds = value
            } else {
                Actions.note("'\(text)' is not a number of seconds above 0 (leave it empty to remove the TTL)", role: .error, &state)
                return []
            }
            state.input = nil
            return ChangeRequests.open(PendingChange(.setExpiry(key: key, milliseconds: seconds.map { Int64($0) * 1000 }), on: backend), &state)
        }
    }

    /// The filter typed: a glob when it has `*`, `?` or `[` (Redis glob syntax), else a prefix in the
    /// escape form (`\xNN`, `\\`); empty = every key.
    static func parseFilter(_ text: String) throws -> KeyMatch {
        if text.isEmpty { return .all }
        if text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { return .glob(Array(text.utf8)) }
        return .prefix(try KeyEscaping.parse(text))
    }

    private static func narrow(to text: String, _ state: inout AppState) {
        guard var browser = state.keyBrowser, let match = try? parseFilter(text) else { return }
        browser.selection = 0
        browser.scroll = 0
        browser.treePath = []
        browser.rebuild(at: state.now, narrowing: match)
        state.keyBrowser = browser
    }
}
