import CacheMonitor
import Foundation
import Testing

@testable import Recording

@Suite struct RecordingExportTests {
    private let start = Date(timeIntervalSince1970: 1_765_000_000.25)

    /// Ten seconds of a pool of two servers named with a comma and a quote, and a single Redis.
    private func recording() async throws -> String {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let pool = RecordingFixtures.backend(0, name: "pages, \"eu\"", kind: .memcached)
        let redis = RecordingFixtures.backend(1, name: "redis")
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        let recorder = try await Recorder(store: store)
        for second in 0..<10 {
            var pooled = RecordingFixtures.up(pool, second: second)
            pooled.sample?.servers = ["10.0.0.1:11211", "10.0.0.2:11211"].map { address in
                var server = ServerReading(address: address, up: true)
                server.keys = 100 + second
                server.hits = UInt64(second * 10)
                return server
            }
            let snapshot = Snapshot(backends: [pooled, RecordingFixtures.up(redis, second: second)], takenAt: Double(second))
            await recorder.record(snapshot, at: start.addingTimeInterval(Double(second)))
        }
        await recorder.finish(at: start.addingTimeInterval(10))
        return path
    }

    private func export(_ path: String, _ format: ExportFormat) async throws -> String {
        let reader = try await RecordingReader.open(path)
        let range = try #require(try await reader.timeRange())
        var text = ""
        try await RecordingExport(reader: reader, range: range).run(format) { text += $0 }
        await reader.close()
        return text
    }

    @Test func csvHasARowPerReadingWithQuotedNames() async throws {
        let lines = try await export(try await recording(), .csv).split(separator: "\n")
        #expect(lines.first?.hasPrefix("time,time_ms,backend,node,hits,misses,") == true)
        // 10 readings of the pool, 10 of each of its servers, 10 of the Redis.
        #expect(lines.count == 1 + 40)
        #expect(lines[1].hasPrefix("2025-12-06T05:46:40.250Z,1765000000250,\"pages, \"\"eu\"\"\",,"), "\(lines[1])")
        #expect(lines.contains { $0.contains(",10.0.0.2:11211,") })
    }

    @Test func ndjsonIsOneObjectPerReading() async throws {
        let lines = try await export(try await recording(), .ndjson).split(separator: "\n")
        #expect(lines.count == 40)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["backend"] is String && object["timeMs"] is NSNumber)
        }
        #expect(lines.first?.contains("\"backend\":\"pages, \\\"eu\\\"\"") == true, "\(lines.first ?? "")")
    }

    @Test func openMetricsKeepsEachFamilyAndSeriesTogetherInTimeOrder() async throws {
        let text = try await export(try await recording(), .openmetrics)
        #expect(text.hasSuffix("# EOF\n"))
        var familiesSeen: [String] = []
        var lastTime: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let name = String(line.split(separator: " ")[2])
                #expect(!familiesSeen.contains(name), "\(name) twice")
                familiesSeen.append(name)
                continue
            }
            guard !line.hasPrefix("#") else { continue }
            // `name{labels} value timestamp` (a label value may hold spaces).
            let parts = line.split(separator: " ")
            let series = parts.dropLast(2).joined(separator: " ")
            let time = try #require(parts.last.flatMap { Double($0) })
            #expect(time > (lastTime[series] ?? 0), "\(series) goes back in time")
            lastTime[series] = time
        }
        #expect(text.contains("cachescope_hits_total{backend=\"redis\"} "))
        #expect(text.contains("cachescope_node_keys{backend=\"pages, \\\"eu\\\"\",node=\"10.0.0.1:11211\"} 109 1765000009.250"))
        #expect(text.contains("# TYPE cachescope_memory_bytes gauge"))
    }
}
