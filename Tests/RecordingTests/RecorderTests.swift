import Basics
import CacheMonitor
import Foundation
import Testing

@testable import Recording

@Suite struct RecorderTests {
    private let start = Date(timeIntervalSince1970: 1_765_000_000)

    private func record(_ snapshots: [(second: Int, backends: [BackendSnapshot])], to path: String, options: Recorder.Options = .init()) async throws
    {
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        let recorder = try await Recorder(store: store, options: options)
        for (second, backends) in snapshots {
            await recorder.record(Snapshot(backends: backends, takenAt: Double(second)), at: start.addingTimeInterval(Double(second)))
        }
        #expect(await recorder.stopReason == nil)
        await recorder.finish(at: start.addingTimeInterval(Double((snapshots.last?.second ?? 0) + 1)))
    }

    @Test func aReplayedInstantHasTheRecordedFiguresRatesAndHistories() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "sessions", tags: ["prod", "eu"])
        let memcached = RecordingFixtures.backend(1, name: "pages", kind: .memcached)
        // 150 seconds: crosses two minute boundaries; memcached goes down from 100 to 110.
        let snapshots = (0..<150).map { second -> (second: Int, backends: [BackendSnapshot]) in
            let sessions = RecordingFixtures.up(redis, second: second, reads: 100, ratio: 0.9, memory: 1_000_000 + UInt64(second) * 1_000)
            let pages: BackendSnapshot
            if (100..<110).contains(second) {
                pages = RecordingFixtures.down(memcached, second: second)
            } else {
                pages = RecordingFixtures.up(memcached, second: second, reads: 50, ratio: 0.5)
            }
            return (second, [sessions, pages])
        }
        try await record(snapshots, to: path)

        let reader = try await RecordingReader.open(path)
        let startMilliseconds = Int64(start.timeIntervalSince1970 * 1000)
        // The last reading at 149 s, the recording stopped at 150 s.
        #expect(try await reader.timeRange() == startMilliseconds...(startMilliseconds + 150_000))
        let at = startMilliseconds + 90_000
        let snapshot = try await reader.snapshot(at: at)
        #expect(snapshot.backends.map(\.name) == ["sessions", "pages"])
        let sessions = try #require(snapshot.backends.first)
        #expect(sessions.status == .up)
        #expect(sessions.backend.tags.map(\.name) == ["prod", "eu"])
        #expect(sessions.sample?.totalHits == 1_000 + 90 * 90)
        #expect(sessions.sample?.memoryBytes == 1_090_000)
        #expect(sessions.sample?.version == "7.0.15")
        #expect(sessions.sample?.latency == .microseconds(250))
        let hitsPerSecond = try #require(sessions.rates?.hitsPerSecond)
        #expect(abs(hitsPerSecond - 90) < 0.001)
        #expect(sessions.rates?.hitRatio.map { abs($0 - 0.9) < 0.001 } == true)
        // One history value per reading up to the instant (the first has no rate yet).
        #expect(sessions.memoryHistory.values.count == 91)
        #expect(sessions.hitRatioHistory.values.compactMap { $0 }.count == 90)

        let during = try await reader.snapshot(at: startMilliseconds + 105_000)
        let pages = try #require(during.backends.last)
        #expect(pages.status == .down)
        let expected: String? = "connection refused"
        #expect(pages.error == expected)
        let events = try await reader.events(in: startMilliseconds...(startMilliseconds + 200_000))
        let upAndDown: [RecordedEvent.Kind] = events.map(\.kind).filter { [.down, .up].contains($0) }
        #expect(upAndDown == [.down, .up])
        #expect(events.last?.kind == .recordingStopped)
        // Before the recording: nothing; long after its end: down, saying it was not recorded.
        #expect(try await reader.snapshot(at: startMilliseconds - 1).backends.isEmpty)
        let after = try await reader.snapshot(at: startMilliseconds + 3_600_000)
        #expect(after.backends.first?.status == .down)
        #expect(after.backends.first?.error?.hasPrefix("not recorded at this instant") == true)
        await reader.close()
    }

    @Test func attentionRaisedAndClearedAreEventsAndPartOfTheInstant() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "redis")
        let snapshots = (0..<20).map { second -> (Int, [BackendSnapshot]) in
            var snapshot = RecordingFixtures.up(redis, second: second)
            if (5..<12).contains(second) {
                snapshot.health?.attention = [Attention(rule: .fragmentation, message: "fragmentation 2.1", node: "10.0.0.1:6379")]
            }
            return (second, [snapshot])
        }
        try await record(snapshots, to: path)
        let reader = try await RecordingReader.open(path)
        let startMilliseconds = Int64(start.timeIntervalSince1970 * 1000)
        let events = try await reader.events(in: startMilliseconds...(startMilliseconds + 60_000))
        #expect(events.filter { $0.kind == .attentionRaised }.map(\.atMilliseconds) == [startMilliseconds + 5_000])
        #expect(events.filter { $0.kind == .attentionCleared }.map(\.atMilliseconds) == [startMilliseconds + 12_000])
        #expect(try await reader.snapshot(at: startMilliseconds + 8_000).backends.first?.health?.attention.map(\.rule) == [.fragmentation])
        #expect(try await reader.snapshot(at: startMilliseconds + 15_000).backends.first?.health?.attention.isEmpty == true)
        await reader.close()
    }

    @Test func blocksFillAPageEachAndSpanAtMostFifteenMinutes() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let noisy = RecordingFixtures.backend(0, name: "noisy")
        let quiet = RecordingFixtures.backend(1, name: "quiet")
        // An hour at one reading a second: one backend whose memory wanders, one whose figures never move.
        var generator = SplitMix(seed: 11)
        let snapshots = (0..<3_600).map { second in
            var unmoving = RecordingFixtures.up(quiet, second: 0)
            unmoving.sampledAt = Double(second)
            return (second, [RecordingFixtures.up(noisy, second: second, memory: 1_000_000 + generator.next() % 1_000_000), unmoving])
        }
        try await record(snapshots, to: path)
        let reader = try await RecordingReader.open(path)
        let startMilliseconds = Int64(start.timeIntervalSince1970 * 1000)
        for (id, name) in [(Int64(1), "noisy"), (Int64(2), "quiet")] {
            let blocks = try await reader.store.blocks(backend: id, overlapping: startMilliseconds...(startMilliseconds + 3_600_000))
            #expect(blocks.reduce(0) { $0 + $1.times.count } == 3_600, "\(name): every reading, once")
            for (index, block) in blocks.enumerated() {
                let first = try #require(block.times.first)
                let last = try #require(block.times.last)
                #expect(last - first < Recorder.blockMaxSpanMilliseconds, "\(name): at most fifteen minutes a block")
                let row = BlockRow(
                    backendID: id, node: block.node, startMilliseconds: first, endMilliseconds: last, readings: block.times.count,
                    fields: block.fields, data: block.block.encoded())
                // SQLite keeps a row of up to 4,061 bytes on a 4 KB page, and moves the rest of a longer one to a page of its own.
                #expect(row.weight <= 4_061, "\(name): block \(index) stays on its page (\(row.weight) bytes)")
                let full = row.weight > 3_500 || last - first >= Recorder.blockMaxSpanMilliseconds - 1_000
                #expect(full || index == blocks.count - 1, "\(name): block \(index) closed at \(row.weight) bytes after \(last - first) ms")
            }
            if name == "noisy" { #expect(blocks.count >= 6, "noisy readings fill a page in well under fifteen minutes: \(blocks.count)") }
            if name == "quiet" { #expect(blocks.count == 4, "unmoving readings: a block per fifteen minutes: \(blocks.count)") }
        }
        await reader.close()
    }

    @Test func aRecordingKeepsWithinItsSizeDroppingTheOldestFirst() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let backends = (0..<20).map { RecordingFixtures.backend($0, name: "b\($0)") }
        // Two hours of 20 backends at one reading per 5 s, with random-ish memory so blocks do not shrink to nothing.
        var generator = SplitMix(seed: 3)
        let snapshots = stride(from: 0, to: 7_200, by: 5).map { second in
            (second, backends.map { RecordingFixtures.up($0, second: second, memory: 1_000_000 + generator.next() % 1_000_000) })
        }
        try await record(snapshots, to: path, options: .init(keep: .seconds(86_400), maxBytes: 200_000, flushEvery: .seconds(30)))
        let reader = try await RecordingReader.open(path)
        let range = try #require(try await reader.timeRange())
        let startMilliseconds = Int64(start.timeIntervalSince1970 * 1000)
        #expect(range.lowerBound > startMilliseconds, "the oldest data was dropped")
        #expect(range.upperBound == startMilliseconds + 7_196_000, "the newest data was kept (the last reading, then the stop)")
        #expect(try await reader.store.sizeInBytes() <= 200_000)
        await reader.close()
    }

    @Test func aReplayedInstantWorksOutItsForecastsFromTheHourBefore() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "redis")
        // Memory filling 64 MB in 2 hours; 30 minutes recorded every 5 s.
        let limit: UInt64 = 64 * 1_048_576
        let snapshots = stride(from: 0, through: 1_800, by: 5).map { second -> (second: Int, backends: [BackendSnapshot]) in
            (second, [RecordingFixtures.up(redis, second: second, memory: limit * UInt64(second) / 7_200)])
        }
        try await record(snapshots, to: path)
        let reader = try await RecordingReader.open(path)
        let at = Int64(start.timeIntervalSince1970 * 1000) + 1_800_000
        let backend = try #require(try await reader.snapshot(at: at).backends.first)
        let forecast = try #require(backend.health?.attention.first { $0.rule == .memoryForecast })
        let eta = try #require(forecast.eta)
        #expect(abs(eta.seconds - 5_400) / 5_400 < 0.15, "forecast \(eta.seconds) s, truth 5400 s")
        // Not part of the recorded state (its figures move every reading): worked out again at the instant.
        let recordedState = try #require(try await reader.store.state(backend: 1, at: at))
        #expect(!recordedState.json.contains("memory-forecast"))
        await reader.close()
    }

    @Test func everyChangeMadeIsInTheAuditTrail() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "sessions")
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        let recorder = try await Recorder(store: store)
        await recorder.record(Snapshot(backends: [RecordingFixtures.up(redis, second: 0)], takenAt: 0), at: start)
        var outcome = ChangeOutcome(
            change: .invalidatePrefix(Array("user:".utf8)), backend: redis, dryRun: false,
            totals: DeletionTotals(scanned: 5_000, matched: 1_234, deleted: 1_234, finished: true), elapsed: .milliseconds(840))
        await recorder.noteChange(outcome, at: start.addingTimeInterval(1))
        outcome.dryRun = true
        await recorder.noteChange(outcome, at: start.addingTimeInterval(2))
        await recorder.finish(at: start.addingTimeInterval(3))
        let reader = try await RecordingReader.open(path)
        let changes = try await reader.events(in: 0...Int64.max).filter { $0.kind == .change }
        #expect(changes.count == 1, "a dry run changes nothing and is not in the trail")
        let change = try #require(changes.first)
        #expect(change.summary == "invalidate-prefix 'user:' on sessions: 1234 deleted of 1234 matched (completed in 0.84 s)")
        #expect(change.backendID != nil)
        let detail = try #require(change.detailJSON)
        #expect(
            detail.contains("\"deleted\":1234") && detail.contains("\"scanned\":5000") && detail.contains("\"outcome\":\"completed\""), "\(detail)")
        await reader.close()
    }
}

extension RecorderTests {
    @Test func trendsZoomedOutAreBucketsOfTheRecordedCounters() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "redis")
        // An hour, a reading every 10 s: 100 reads a second at 90 %, memory growing 1,000 bytes a second.
        let snapshots = stride(from: 0, through: 3_600, by: 10).map { second -> (second: Int, backends: [BackendSnapshot]) in
            (second, [RecordingFixtures.up(redis, second: second, reads: 100, ratio: 0.9, memory: 1_000_000 + UInt64(second) * 1_000)])
        }
        try await record(snapshots, to: path)
        let reader = try await RecordingReader.open(path)
        let end = Int64(start.timeIntervalSince1970 * 1000) + 3_600_000
        let trends = try #require(try await reader.trends(of: "redis", in: (end - 3_600_000)...end, points: 60))
        #expect(trends.hitRatio.count == 60)
        // Every bucket (a minute) has readings: its ratio, its rate, its last memory.
        #expect(trends.hitRatio.allSatisfy { $0.map { abs($0 - 0.9) < 0.001 } ?? false })
        #expect(trends.operationsPerSecond.allSatisfy { $0.map { abs($0 - 200) < 0.001 } ?? false })
        let memory = trends.memoryBytes.compactMap { $0 }
        #expect(memory.count == 60 && memory == memory.sorted() && (memory.last ?? 0) == 4_600_000)
        #expect(try await reader.trends(of: "nobody", in: (end - 3_600_000)...end, points: 60) == nil)
        await reader.close()
    }
}

extension RecorderTests {
    @Test func settingsATrafficSampleChangedAndPutBackAreEvents() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let redis = RecordingFixtures.backend(0, name: "sessions")
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        let recorder = try await Recorder(store: store)
        await recorder.record(Snapshot(backends: [RecordingFixtures.up(redis, second: 0)], takenAt: 0), at: start)
        var aggregator = TrafficAggregator()
        aggregator.record(Array("user:1".utf8), .read(hit: true))
        var report = aggregator.report(method: .monitorKeymiss, duration: .seconds(10))
        report.settingsChanged = [
            SettingChange(server: "10.0.0.1:6379", name: "notify-keyspace-events", from: "", to: "Em"),
            SettingChange(server: "10.0.0.2:6379", name: "notify-keyspace-events", from: "Ex", to: "Exm"),
        ]
        report.settingsNotRestored = ["10.0.0.2:6379: notify-keyspace-events is still \"Exm\": CONFIG SET notify-keyspace-events Ex puts it back"]
        let outcome = TrafficOutcome(backend: redis, options: TrafficOptions(), report: report, ending: .completed, elapsed: .seconds(10))
        await recorder.noteSettings(of: outcome, at: start.addingTimeInterval(20))
        await recorder.finish(at: start.addingTimeInterval(21))
        let reader = try await RecordingReader.open(path)
        let events = try await reader.events(in: 0...Int64.max).filter { $0.kind == .settingChanged || $0.kind == .settingRestored }
        let startMilliseconds = Int64(start.timeIntervalSince1970 * 1000)
        #expect(events.map(\.kind) == [.settingChanged, .settingChanged, .settingRestored, .settingChanged])
        #expect(events.first?.atMilliseconds == startMilliseconds + 10_000, "changed when the sample began")
        #expect(events.first?.summary == "sessions: notify-keyspace-events \"\" → \"Em\" on 10.0.0.1:6379 for a traffic sample")
        #expect(events[2].summary == "sessions: notify-keyspace-events put back to \"\" on 10.0.0.1:6379")
        #expect(events[3].summary.hasPrefix("sessions: NOT put back: 10.0.0.2:6379"))
        await reader.close()
    }
}
