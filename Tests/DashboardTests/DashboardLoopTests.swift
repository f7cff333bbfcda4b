import Basics
import CacheMonitor
import Dashboard
import TestSupport
import Testing

/// The real dashboard loop, driven by an in-memory terminal and fake backends: keys in, frames out.
@MainActor
@Suite(.serialized) struct DashboardLoopTests {
    /// Runs the loop on `sources` until the script quits it; returns the terminal (frames, failure).
    @discardableResult
    func drive(
        _ sources: [FakeSource], width: Int = 120, height: Int = 40, unicode: Bool = true, readOnly: Bool = false,
        _ script: [ScriptedTerminal.Step]
    ) async -> ScriptedTerminal {
        let terminal = ScriptedTerminal(width: width, height: height, unicode: unicode, script: script)
        let backends = MonitoredBackend.numbered(sources)
        let poller = Poller(backends: backends, configuration: .init(interval: .milliseconds(100), timeout: .seconds(1)))
        let loop = DashboardLoop(
            terminal: terminal, poller: poller, state: AppState(readOnly: readOnly, refreshSeconds: 0.1), changes: ChangeRunner(readOnly: readOnly),
            themes: { _ in (Theme.builtInDefault, nil) }, wallClock: { "12:00:00" }
        )
        await loop.run()
        #expect(terminal.failure == nil, "\(terminal.failure ?? "")")
        #expect(terminal.finished, "the script ran to its end")
        return terminal
    }

    @Test func aStoppedDeletionEndsWithWhatWasDeletedAndTheKeysReloaded() async {
        let source = FakeSource(name: "fake", batchSize: 50, batchPause: .milliseconds(10))
        source.add((0..<5000).map { "p:\($0)" } + ["keep:1"])
        let height = 40
        var stopLine = ""
        let terminal = await drive(
            [source], height: height,
            [
                .waitFor("the backend up", { $0.shows("● up") }),
                .key(.enter),
                .waitFor("the keys listed", { $0.shows("5,001 keys") }),
                .key(.character("v")),
                .waitFor("the tree", { $0.shows("▸ p:") }),
                .key(.down),
                .key(.character("D")),
                .waitFor("the counted dialog", { $0.shows("5,000 matching keys will be deleted") }),
                .key(.character("y")),
                .waitFor("the progress bar", { $0.line(height - 2).contains("deleted ·") && $0.line(height - 1).contains("stop") }),
                .key(.escape),
                .waitFor(
                    "the result line",
                    { canvas in
                        let line = canvas.line(height - 2)
                        if line.contains("stopped: deleted") { stopLine = line }
                        return line.contains("stopped: deleted")
                    }),
                .waitFor("the reloaded list", { _ in source.deletedCount > 0 }),
                .run({}),
                .waitFor("the list of what is left", { $0.shows("\(HumanUnits.count(source.keyCount)) keys") }),
                .key(.character("q")),
            ])
        let deleted = source.deletedCount
        #expect(deleted > 0 && deleted < 5000, "stopped part way: \(deleted)")
        #expect(stopLine.contains("stopped: deleted \(HumanUnits.count(deleted)) keys under 'p:' on fake before the stop ("), "\(stopLine)")
        let last = terminal.frames.last ?? ""
        let lines = last.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines[height - 2].contains("Esc stops"), "the progress bar is gone")
        #expect(!lines[height - 1].contains("stop"), "the footer no longer offers a stop: \(lines[height - 1])")
        #expect(source.contains("keep:1"), "nothing outside the prefix")
    }

    @Test func resizesRedrawAtEverySizeAndAnAsciiTerminalGetsOnlyAscii() async {
        let source = FakeSource(name: "fake")
        source.add(["user:1", "user:2", "日本:1"])
        let terminal = await drive(
            [source], unicode: false,
            [
                .waitFor("the backend up", { $0.shows("+ up") }),
                .resize(width: 60, height: 16),
                .waitFor("the compact layout", { $0.width == 60 && $0.shows("fake") && !$0.shows("+-") }),
                .resize(width: 30, height: 8),
                .waitFor("too small", { $0.shows("terminal too small") && $0.shows("30x8, need 40x10") }),
                .resize(width: 100, height: 30),
                .waitFor("the full layout again", { $0.width == 100 && $0.shows("+-") }),
                .key(.enter),
                .waitFor("keys in the escape form", { $0.shows("\\xE6\\x97\\xA5\\xE6\\x9C\\xAC:1") }),
                .key(.character("q")),
            ])
        for frame in terminal.frames {
            #expect(frame.unicodeScalars.allSatisfy { $0.isASCII }, "an ASCII terminal gets only ASCII:\n\(frame)")
        }
    }

    @Test func aBackendGoingDownShowsWhyAndComesBack() async {
        let healthy = FakeSource(name: "first")
        let flaky = FakeSource(name: "second", address: "fake:2")
        await drive(
            [healthy, flaky],
            [
                .waitFor("both up", { $0.shows("2/2 up") }),
                .run({ flaky.setFailure("cannot connect to fake:2: connection refused") }),
                .waitFor(
                    "the reason on its row",
                    { canvas in
                        canvas.text().split(separator: "\n").contains {
                            $0.contains("second") && $0.contains("connection refused") && $0.contains("retry in")
                        }
                    }),
                .waitFor("the header count", { $0.shows("1/2 up") }),
                .run({ flaky.setFailure(nil) }),
                .waitFor("up again", { $0.shows("2/2 up") }),
                .key(.character("q")),
            ])
    }

    @Test func refreshSamplesThroughThePollerAndQuitEndsTheLoop() async {
        let source = FakeSource(name: "fake")
        let terminal = await drive(
            [source],
            [
                .waitFor("the backend up", { $0.shows("● up") }),
                .key(.character("r")),
                .waitFor("the note", { $0.shows("refreshing") }),
                .key(.character("q")),
            ])
        #expect(terminal.presented > 0)
    }

    @Test func readOnlyRefusesAChangeKeyWithAReason() async {
        let source = FakeSource(name: "fake")
        source.add(["a"])
        await drive(
            [source], readOnly: true,
            [
                .waitFor("the backend up", { $0.shows("● up") }),
                .key(.enter),
                .waitFor("the key", { $0.shows("1 keys") }),
                .key(.character("d")),
                .waitFor("the reason", { $0.shows("read-only mode: 'd'") }),
                .key(.interrupt),
            ])
        #expect(source.contains("a"))
    }
}
