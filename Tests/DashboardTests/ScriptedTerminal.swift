import Dashboard
import Foundation
import Testing

/// An in-memory terminal for driving the real dashboard loop: it hands the loop keys and resizes from a
/// script, keeps every frame the loop presents, and waits (in real time, up to a limit) for a frame that
/// shows what the script expects before going on.
@MainActor
final class ScriptedTerminal: TerminalBackend {
    /// One step of the script.
    enum Step {
        /// A key press.
        case key(KeyPress)
        /// The terminal takes a new size.
        case resize(width: Int, height: Int)
        /// Wait until the frame on screen satisfies `condition` (named `what` in failures).
        case waitFor(_ what: String, _ condition: @MainActor (Canvas) -> Bool)
        /// Run `body` (change a fake backend under the loop).
        case run(@MainActor () -> Void)
    }

    private(set) var size: (width: Int, height: Int)
    let supportsUnicode: Bool
    /// The frame on screen, and how many were presented.
    private(set) var screen: Canvas
    private(set) var presented = 0
    /// Every frame presented, as text (the newest last).
    private(set) var frames: [String] = []
    /// Why the script could not go on, when it could not.
    private(set) var failure: String?
    private var steps: [Step]
    private let patience: Duration
    private var waitingSince: ContinuousClock.Instant?

    init(width: Int, height: Int, unicode: Bool = true, patience: Duration = .seconds(45), script: [Step]) {
        size = (width, height)
        supportsUnicode = unicode
        screen = Canvas(width: width, height: height)
        steps = script
        self.patience = patience
    }

    /// Whether every step ran.
    var finished: Bool { steps.isEmpty && failure == nil }

    func present(_ canvas: Canvas, theme: Theme) {
        screen = canvas
        presented += 1
        frames.append(canvas.text())
    }

    func read(timeoutMilliseconds: Int) -> TerminalInput? {
        while let step = steps.first {
            switch step {
            case .key(let key):
                steps.removeFirst()
                return .key(key)
            case .resize(let width, let height):
                steps.removeFirst()
                size = (width, height)
                return .resize(width: width, height: height)
            case .run(let body):
                steps.removeFirst()
                body()
            case .waitFor(let what, let condition):
                if condition(screen) {
                    steps.removeFirst()
                    waitingSince = nil
                    continue
                }
                let since = waitingSince ?? ContinuousClock.now
                waitingSince = since
                if ContinuousClock.now - since > patience {
                    failure = "never saw \(what); the screen was:\n\(screen.text())"
                    steps = []
                    return .key(.interrupt)
                }
                // Give the loop's background work time, as a real terminal's read would.
                Thread.sleep(forTimeInterval: Double(min(timeoutMilliseconds, 10)) / 1000)
                return nil
            }
        }
        Thread.sleep(forTimeInterval: Double(min(timeoutMilliseconds, 10)) / 1000)
        return nil
    }
}

extension Canvas {
    /// Whether any line of the frame contains `text`.
    func shows(_ text: String) -> Bool { self.text().contains(text) }

    /// The line `y` of the frame.
    func line(_ y: Int) -> String {
        let lines = text().split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.contains(y) ? String(lines[y]) : ""
    }
}
