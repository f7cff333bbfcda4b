/// What the replay keys do: each asks the replay to move its cursor (the answer comes back as
/// `.replayMoved`); outside a replay they say where they work.
enum ReplayActions {
    static func perform(_ action: DashboardAction, _ state: inout AppState) -> [DashboardEffect] {
        guard state.replay != nil else {
            Actions.note("only in a replay of a recording: cachescope replay FILE", role: .warning, &state)
            return []
        }
        let command: ReplayMove
        switch action {
        case .replayStepBack: command = .step(-1)
        case .replayStepForward: command = .step(1)
        case .replayMinuteBack: command = .move(seconds: -60)
        case .replayMinuteForward: command = .move(seconds: 60)
        case .replayHourBack: command = .move(seconds: -3_600)
        case .replayHourForward: command = .move(seconds: 3_600)
        case .replayPlay: command = .togglePlay
        case .replayFaster: command = .faster
        case .replaySlower: command = .slower
        case .replayNextEvent: command = .nextEvent
        case .replayPreviousEvent: command = .previousEvent
        case .replayJump:
            state.input = InputLine(purpose: .replayTime)
            return []
        default: return []
        }
        return [.replay(command)]
    }
}
