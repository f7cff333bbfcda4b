import Basics

/// The top line: product, backends up of total, refresh interval, clock, and the READ-ONLY / FROZEN badges.
enum HeaderView {
    static func draw(_ state: AppState, into canvas: inout Canvas) {
        canvas.fill(Rect(x: 0, y: 0, width: canvas.width, height: 1), role: .header)
        var x = 1
        x += canvas.write("cachescope", x: x, y: 0, role: .header, attributes: .bold) + 2
        let total = state.snapshot.backends.count
        let up = state.snapshot.upCount
        let upRole: StyleRole = total == 0 ? .header : (up == total ? .good : (up == 0 ? .error : .warning))
        x += canvas.write("\(up)/\(total) up", x: x, y: 0, role: upRole, attributes: .bold) + 2
        // A filter or the problems toggle: how many rows are left of how many.
        let options = state.overview.options
        if options.narrows {
            let shown = OverviewRows(state).shownIndices.count
            var narrowing = "\(shown) of \(total)"
            if !options.filter.isEmpty { narrowing += " · /\(options.filter)" }
            if options.problemsOnly { narrowing += " · problems" }
            let room = canvas.width - x - CharacterWidth.of(state.clockText) - 14
            x += canvas.write(narrowing, x: x, y: 0, role: .warning, attributes: .bold, maxWidth: max(0, room)) + 2
        }
        if state.replay == nil { x += canvas.write("every \(interval(state.refreshSeconds))", x: x, y: 0, role: .header) + 2 }
        var badges: [(String, StyleRole)] = []
        if state.replay != nil { badges.append((" REPLAY ", .accent)) }
        if state.frozen { badges.append((" FROZEN ", .warning)) }
        if state.readOnly { badges.append((" READ-ONLY ", .accent)) }
        // A replay shows the instant it replays, not the wall clock.
        let clock = state.replay?.instantText ?? state.clockText
        var right = canvas.width - 1 - CharacterWidth.of(clock)
        if right > x {
            canvas.write(clock, x: right, y: 0, role: state.replay == nil ? .header : .accent, attributes: state.replay == nil ? [] : .bold)
        }
        for (badge, role) in badges.reversed() {
            right -= badge.count + 1
            guard right > x else { break }
            canvas.write(badge, x: right, y: 0, role: role, attributes: [.bold, .reverse])
        }
    }

    static func interval(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(HumanUnits.oneDecimal(seconds))s"
    }
}
