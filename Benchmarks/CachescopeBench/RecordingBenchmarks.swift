import ArgumentParser
import Basics
import CacheMonitor
import Caching
import Dashboard
import Foundation
import Recording

extension BenchCommand {
    /// A synthetic recording for `scripts/bench-record.sh`: `backends` backends read every `interval` seconds
    /// for `hours` hours, ending now — steady traffic with noise, memory wandering (and filling on one), a
    /// backend down for five minutes every six hours — written through the recorder, as `record` writes.
    struct RecordingGenerate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "recording-generate")
        @Option var to: String
        @Option var backends = 10
        @Option var hours = 24.0
        @Option var interval = 1.0

        func run() async throws {
            let store = try await RecordingStore.openForWriting(to, intervalMilliseconds: Int(interval * 1000), writer: "cachescope-bench")
            let recorder = try await Recorder(store: store, options: .init(keep: .seconds(30 * 86_400)))
            let described = (0..<backends).map { index -> MonitoredBackend in
                let kind: BackendKind = index % 3 == 2 ? .memcached : .redis
                let name = "\(["sessions", "pages", "carts", "search"][index % 4])-\(index)"
                return MonitoredBackend(
                    id: BackendID(index), name: name, kind: kind, address: "10.0.0.\(index + 1):\(kind == .redis ? 6379 : 11211)",
                    tags: [index % 2 == 0 ? "prod" : "staging"].compactMap(BackendTag.init), source: InProcessSource(name: name, backend: NullCache())
                )
            }
            let steps = Int(hours * 3_600 / interval)
            let end = Date()
            let start = end.addingTimeInterval(-Double(steps) * interval)
            var generator = SystemRandomNumberGenerator()
            var hits = [UInt64](repeating: 1_000_000, count: backends)
            var misses = [UInt64](repeating: 100_000, count: backends)
            var operations = [UInt64](repeating: 5_000_000, count: backends)
            var memory = (0..<backends).map { 200_000_000 + Double($0) * 10_000_000 }
            let limit: UInt64 = 1_073_741_824
            let clock = ContinuousClock()
            let began = clock.now
            for step in 0..<steps {
                let second = Double(step) * interval
                let snapshots = (0..<backends).map { index -> BackendSnapshot in
                    let down = index == 3 && Int(second) % 21_600 < 300
                    guard !down else {
                        return BackendSnapshot(backend: described[index], status: .down, error: "connection refused", sampledAt: second)
                    }
                    let reads = UInt64(Double(200 + 100 * index) * interval * Double.random(in: 0.8...1.2, using: &generator))
                    let ratio = 0.9 + Double.random(in: -0.05...0.05, using: &generator)
                    hits[index] += UInt64(Double(reads) * ratio)
                    misses[index] += reads - UInt64(Double(reads) * ratio)
                    operations[index] += reads * 2
                    // Backend 0 fills its memory over the recording; the others wander.
                    memory[index] =
                        index == 0
                        ? 100_000_000 + Double(limit - 100_000_000) * second / (hours * 3_600) + Double.random(in: -2e6...2e6, using: &generator)
                        : max(1e8, memory[index] + Double.random(in: -1e5...1e5, using: &generator))
                    var sample = SourceSample(totalHits: hits[index], totalMisses: misses[index])
                    sample.operations = operations[index]
                    sample.keys = 50_000 + index * 1_000 + Int(second) % 1_000
                    sample.memoryBytes = UInt64(max(0, memory[index]))
                    sample.maxMemoryBytes = limit
                    sample.uptimeSeconds = 86_400 + UInt64(second)
                    sample.latency = .microseconds(Int64.random(in: 200...900, using: &generator))
                    sample.clients = 10 + index
                    sample.version = "7.2.4"
                    sample.flavor = .redis
                    var snapshot = BackendSnapshot(backend: described[index], status: .up, sample: sample, sampledAt: second)
                    snapshot.health = BackendHealth()
                    return snapshot
                }
                await recorder.record(Snapshot(backends: snapshots, takenAt: second), at: start.addingTimeInterval(second))
            }
            await recorder.finish(at: end)
            let seconds = (clock.now - began).inSeconds
            let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
            print("{\"backends\":\(backends),\"hours\":\(hours),\"readings\":\(steps * backends),\"seconds\":\(seconds),\"bytes\":\(size)}")
        }
    }

    /// Jumps through a recording as the replay does: the reader opened and the first instant's frame drawn,
    /// then `jumps` instants spread over the recording, each read (the snapshot of that instant, with its
    /// histories and forecasts) and drawn on a 120×40 screen.
    struct ReplayJumps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "replay-jumps")
        @Option var file: String
        @Option var jumps = 50

        @MainActor
        func run() async throws {
            let clock = ContinuousClock()
            let opened = clock.now
            let reader = try await RecordingReader.open(file)
            guard let range = try await reader.timeRange() else { throw ValidationError("\(file) holds no readings") }
            var state = AppState(readOnly: true, width: 120, height: 40, now: 0, clockText: "")
            _ = Reducer.reduce(&state, .snapshot(try await reader.snapshot(at: range.upperBound)))
            _ = DashboardView.render(state)
            let firstFrame = (clock.now - opened).inSeconds * 1000
            var times: [Double] = []
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<jumps {
                let instant = Int64.random(in: range, using: &generator)
                let started = clock.now
                _ = Reducer.reduce(&state, .snapshot(try await reader.snapshot(at: instant)))
                _ = DashboardView.render(state)
                times.append((clock.now - started).inSeconds * 1000)
            }
            await reader.close()
            times.sort()
            print("{\"firstFrameMs\":\(firstFrame),\"jumpMedianMs\":\(times[times.count / 2]),\"jumpMaxMs\":\(times.last ?? 0)}")
        }
    }

    /// How close the memory forecast comes on linear fills once a tenth of each is seen: fills of 1, 6 and
    /// 24 hours read every second with noise of ±0.5 % of the limit; the worst error over `runs` runs each.
    struct ForecastAccuracy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "forecast-accuracy")
        @Option var runs = 20

        func run() async throws {
            var worst = 0.0
            var generator = SystemRandomNumberGenerator()
            let limit = 4.0 * 1_073_741_824
            for fillHours in [1.0, 6.0, 24.0] {
                let fill = fillHours * 3_600
                for _ in 0..<runs {
                    var window = TrendWindow()
                    // The last hour the window keeps, up to a tenth of the fill.
                    let seen = fill / 10
                    var second = max(0, seen - 3_600)
                    while second <= seen {
                        let memory = limit * second / fill + Double.random(in: -0.005...0.005, using: &generator) * limit
                        window.add(.init(time: second, memoryBytes: max(0, memory), maxMemoryBytes: limit, hits: 0, misses: 0, evictions: 0))
                        second += 1
                    }
                    guard let eta = Forecasts.memoryFull(window) else {
                        worst = .infinity
                        continue
                    }
                    let truth = fill - seen
                    worst = max(worst, abs(eta.seconds - truth) / truth * 100)
                }
            }
            print("{\"runs\":\(runs * 3),\"worstErrorPercent\":\(worst)}")
        }
    }
}
