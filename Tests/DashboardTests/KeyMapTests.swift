import Testing

@testable import Dashboard

/// The one key table.
@Suite struct KeyMapTests {
    @Test func noKeyIsBoundTwiceInOneContext() {
        for context in KeyContext.allCases {
            var seen: [String: DashboardAction] = [:]
            for binding in KeyMap.all where binding.contexts.contains(context) {
                for key in binding.keys {
                    if let other = seen[key], other != binding.action {
                        Issue.record("\(key) is bound to \(other) and \(binding.action) in \(context)")
                    }
                    seen[key] = binding.action
                }
            }
        }
    }

    @Test func everyActionIsReachable() {
        let bound = Set(KeyMap.all.map(\.action))
        for action in DashboardAction.allCases { #expect(bound.contains(action), "\(action) has no key") }
    }

    @Test func readOnlyDropsTheKeysThatChangeData() {
        #expect(KeyMap.action(for: "d", in: .keyBrowser, readOnly: false) == .deleteKey)
        #expect(KeyMap.action(for: "d", in: .keyBrowser, readOnly: true) == nil)
        #expect(KeyMap.footer(for: .keyBrowser, readOnly: false).contains { $0.action == .deleteKey })
        #expect(!KeyMap.footer(for: .keyBrowser, readOnly: true).contains { $0.action == .deleteKey })
        #expect(!KeyMap.markdown(readOnly: true).contains("delete the selected key"))
        #expect(KeyMap.action(for: "q", in: .input, readOnly: false) == nil, "q types a q in an input")
        #expect(KeyMap.action(for: "n", in: .input, readOnly: false) == nil, "n types an n in an input")
        #expect(KeyMap.action(for: "Esc", in: .input, readOnly: false) == .cancel)
    }

    @Test func demoKeysSayThemselvesThatTheyNeedTheDemo() {
        let demoActions: Set<DashboardAction> = [.clearDemoCache, .pauseTraffic, .fasterTraffic, .slowerTraffic, .updateUser]
        #expect(Set(KeyMap.all.filter(\.requiresDemo).map(\.action)) == demoActions)
        #expect(KeyMap.footer(for: .overview, readOnly: false, demo: false).allSatisfy { !$0.requiresDemo })
        #expect(KeyMap.footer(for: .overview, readOnly: false, demo: true).contains { $0.action == .pauseTraffic })
    }

    @Test func footerHintsAreHiddenByAction() {
        let all = KeyMap.footer(for: .dialog, readOnly: false)
        let hidden = KeyMap.footer(for: .dialog, readOnly: false, hiding: [.typePrefix])
        #expect(all.contains { $0.action == .typePrefix })
        #expect(hidden.map(\.action) == all.map(\.action).filter { $0 != .typePrefix })
    }
}
