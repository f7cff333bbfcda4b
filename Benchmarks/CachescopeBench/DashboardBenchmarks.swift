import ArgumentParser
import Basics
import CacheMonitor
import Caching
import Dashboard
import Foundation
import RESP
import TerminalNCurses

extension BenchCommand {
    /// The key browser as the dashboard runs it on a Redis server: Enter on the backend, keys streamed into
    /// the state, the frame drawn — the time until the first page is on the canvas, and until the whole
    /// window is loaded, sorted and drawn.
    struct DashboardFirstPage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dashboard-first-page")
        @Option var url: String

        func run() async throws {
            let source = RedisSource(name: "redis", url: try RedisURL(parsing: url))
            try await source.connect()
            let backend = MonitoredBackend(id: BackendID(0), source: source)
            var state = AppState(snapshot: Snapshot(backends: [BackendSnapshot(backend: backend, status: .up)], takenAt: 0), width: 120, height: 40)
            let clock = ContinuousClock()
            let started = clock.now
            state.now = MonotonicSeconds.now
            let effects = Reducer.reduce(&state, .key(.enter))
            guard case .loadKeys(let opened, let filter) = effects.first else { throw ValidationError("Enter did not ask for keys") }
            let backendID = opened.id
            var firstPage: Duration?
            var shownKeys = 0
            let window = try await KeyWindow.load(from: source, matching: filter) { window in
                guard firstPage == nil, !window.keys.isEmpty else { return true }
                _ = Reducer.reduce(&state, .keysLoaded(backend: backendID, filter: filter, window: window))
                shownKeys = DashboardView.render(state).text().split(separator: "\n").filter { $0.contains(":") }.count
                firstPage = clock.now - started
                return true
            }
            _ = Reducer.reduce(&state, .keysLoaded(backend: backendID, filter: filter, window: window))
            _ = DashboardView.render(state)
            let full = clock.now - started
            print(
                "{\"firstPageSeconds\":\(Pipeline.seconds(firstPage ?? full)),\"windowSeconds\":\(Pipeline.seconds(full)),"
                    + "\"rowsOnFirstPage\":\(shownKeys),\"keys\":\(window.keys.count),\"peakMB\":\(ResourceUse.peakMegabytes)}"
            )
            await source.close()
        }
    }

    /// Draws dashboard frames at a size and reports the time per frame: the overview of 3 backends with
    /// full 300-sample histories, and the key browser holding a full 10,000-key window. With `--terminal`
    /// the frames are also presented through ncurses (run it inside a terminal, such as tmux), alternating
    /// screens so every present rewrites most cells; the result goes to `--output`.
    struct DashboardRender: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dashboard-render")
        @Option var width = 200
        @Option var height = 60
        @Option var frames = 2000
        @Flag var terminal = false
        @Option var output: String?

        @MainActor
        func run() async throws {
            let overview = Self.overviewState(width: width, height: height)
            var keys = overview
            _ = Reducer.reduce(&keys, .key(.enter))
            let window = KeyWindow.complete(
                (0..<10_000).map { index in
                    BrowsedKey(
                        key: Array("flask_cache_view//api/users/\(index)".utf8), type: "string", ttlMilliseconds: Int64(index % 600) * 1000,
                        size: 120 + index % 900, readAt: keys.now)
                })
            _ = Reducer.reduce(&keys, .keysLoaded(backend: BackendID(0), filter: .all, window: window))
            var result = [
                ("overviewMs", Self.time(frames) { _ = DashboardView.render(overview) }),
                ("keysMs", Self.time(frames) { _ = DashboardView.render(keys) }),
            ]
            if terminal {
                let screen = NCursesTerminal(environment: ProcessInfo.processInfo.environment)
                let theme = Theme.builtInDefault
                let frames = [DashboardView.render(overview), DashboardView.render(keys)]
                var index = 0
                let presented = Self.time(self.frames) {
                    screen.present(frames[index % 2], theme: theme)
                    index += 1
                }
                screen.restore()
                result.append(("renderAndPresentMs", presented + (result[0].1 + result[1].1) / 2))
            }
            let json =
                "{\"width\":\(width),\"height\":\(height),\"frames\":\(frames)," + result.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
            if let output {
                try json.write(toFile: output, atomically: true, encoding: .utf8)
            } else {
                print(json)
            }
        }

        /// Milliseconds per call of `body`, averaged over `count` calls.
        @MainActor
        static func time(_ count: Int, _ body: () -> Void) -> Double {
            let clock = ContinuousClock()
            let started = clock.now
            for _ in 0..<max(1, count) { body() }
            return (clock.now - started).inSeconds * 1000 / Double(max(1, count))
        }

        static func overviewState(width: Int, height: Int) -> AppState {
            func backend(_ position: Int, _ name: String, _ kind: BackendKind, _ address: String, _ seed: Double) -> BackendSnapshot {
                var before = SourceSample(totalHits: 1_000_000, totalMisses: 100_000)
                before.operations = 3_000_000
                var after = SourceSample(totalHits: 1_004_000, totalMisses: 100_300)
                after.operations = 3_010_000
                after.keys = 1_000_000
                after.memoryBytes = 700_000_000
                after.maxMemoryBytes = 1_000_000_000
                after.latency = .microseconds(300)
                // Only drawn, never asked: the source is a stand-in.
                let described = MonitoredBackend(
                    id: BackendID(position), name: name, kind: kind, address: address, source: InProcessSource(name: name, backend: NullCache())
                )
                var snapshot = BackendSnapshot(
                    backend: described, status: .up, sample: after, rates: BackendRates(from: before, to: after, seconds: 1))
                for index in 0..<300 {
                    snapshot.hitRatioHistory.append(0.8 + 0.2 * sin(Double(index) / 10 + seed))
                    snapshot.operationsHistory.append(10_000 + 5_000 * cos(Double(index) / 7 + seed))
                    snapshot.memoryHistory.append(700_000_000)
                }
                return snapshot
            }
            let snapshot = Snapshot(
                backends: [
                    backend(0, "sessions", .redis, "cache-primary.internal:6379", 0),
                    backend(1, "pages", .memcached, "10.0.0.11:11211,10.0.0.12:11211", 1),
                    backend(2, "local", .inProcess, "this process (SimpleCache)", 2),
                ], takenAt: 300)
            return AppState(snapshot: snapshot, width: width, height: height, now: MonotonicSeconds.now, clockText: "12:00:00")
        }
    }
}
