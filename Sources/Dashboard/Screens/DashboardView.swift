/// Draws one frame of the dashboard from the state alone: header, the current screen, the status line,
/// the footer, then a dialog or the help on top. Pure, so tests render it into a canvas and read it back.
package enum DashboardView {
    /// The frame for `state` at the state's terminal size.
    package static func render(_ state: AppState) -> Canvas {
        var canvas = Canvas(width: state.width, height: state.height, asciiOnly: state.asciiOnly)
        render(state, into: &canvas)
        return canvas
    }

    package static func render(_ state: AppState, into canvas: inout Canvas) {
        guard !Layout.isTooSmall(width: canvas.width, height: canvas.height) else {
            drawTooSmall(into: &canvas)
            return
        }
        HeaderView.draw(state, into: &canvas)
        let body = Layout.body(width: canvas.width, height: canvas.height, replay: state.replay != nil)
        if let replay = state.replay { ReplayBar.draw(replay, into: &canvas, y: canvas.height - 3) }
        switch state.screen {
        case .overview:
            OverviewScreen.draw(state, into: &canvas, rect: body)
        case .keys:
            if let browser = state.keyBrowser { KeyBrowserScreen.draw(state, browser, into: &canvas, rect: body) }
        case .details:
            DetailsScreen.draw(state, into: &canvas, rect: Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1))
        case .insights:
            if let insights = state.insights { InsightsScreen.draw(state, insights, into: &canvas, rect: body) }
        case .health:
            if let health = state.health { HealthScreen.draw(state, health, into: &canvas, rect: body) }
        case .capabilities:
            if let screen = state.capabilities { CapabilitiesScreen.draw(state, screen, into: &canvas, rect: body) }
        }
        StatusLine.draw(state, into: &canvas, y: canvas.height - 2)
        var hidden: Set<DashboardAction> = state.dialog.map { $0.offersTypedPrefix ? [.monitorOnly] : [.typePrefix, .monitorOnly] } ?? []
        if state.trafficConsent != nil { hidden.insert(.typePrefix) }
        let hints = KeyMap.footer(for: state.context, readOnly: state.readOnly, demo: state.hasDemo, replay: state.replay != nil, hiding: hidden)
        Footer.draw(
            hints.compactMap { binding in
                binding.footerLabel.map { Footer.Hint(key: binding.keys[0], label: $0, available: state.isAvailable(binding)) }
            },
            into: &canvas, y: canvas.height - 1)
        if let dialog = state.dialog { DialogView.draw(dialog, state: state, into: &canvas) }
        if let consent = state.trafficConsent { TrafficConsentView.draw(consent, state: state, into: &canvas) }
        if state.showHelp { HelpOverlay.draw(state, into: &canvas) }
    }

    private static func drawTooSmall(into canvas: inout Canvas) {
        let lines = ["terminal too small", "\(canvas.width)×\(canvas.height), need \(Layout.minimumWidth)×\(Layout.minimumHeight)", "q quits"]
        let top = max(0, (canvas.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let x = max(0, (canvas.width - CharacterWidth.of(line)) / 2)
            canvas.write(line, x: x, y: top + offset, role: offset == 0 ? .warning : .dim, attributes: offset == 0 ? .bold : [])
        }
    }
}
