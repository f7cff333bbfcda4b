import Foundation
import Testing

@testable import Recording

@Suite struct RecordingStoreTests {
    @Test func aNewFileIsARecordingAndReadsBack() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        var batch = WriteBatch()
        batch.backends = [
            RecordedBackend(
                id: 1, name: "redis", type: "redis", address: "h:1", tagsJSON: "[\"prod\"]", firstMilliseconds: 1_000, lastMilliseconds: 5_000)
        ]
        var block = SeriesBlock(fieldCount: 2)
        block.append(time: 1_000, values: [1, 2])
        block.append(time: 2_000, values: [3, nil])
        batch.blocks = [
            BlockRow(
                backendID: 1, node: "", startMilliseconds: 1_000, endMilliseconds: 2_000, readings: 2, fields: ["a", "b"], data: block.encoded())
        ]
        batch.states = [StateRow(backendID: 1, atMilliseconds: 1_000, json: "{\"status\":\"up\"}")]
        batch.events = [RecordedEvent(atMilliseconds: 1_500, backendID: 1, kind: .up, summary: "redis up")]
        try await store.write(batch)
        await store.close()

        let reader = try await RecordingStore.openForReading(path)
        #expect(try await reader.backends().map(\.name) == ["redis"])
        #expect(try await reader.timeRange() == 1_000...2_000)
        #expect(try await reader.meta("interval_ms") == "1000")
        let blocks = try await reader.blocks(backend: 1, overlapping: 0...10_000)
        #expect(blocks.count == 1)
        #expect(blocks.first?.values(of: "b") == [2, nil])
        #expect(try await reader.state(backend: 1, at: 1_999)?.json == "{\"status\":\"up\"}")
        #expect(try await reader.state(backend: 1, at: 999) == nil)
        #expect(try await reader.events(in: 0...10_000).map(\.kind) == [.up])
        await reader.close()
    }

    @Test func aSecondRecorderOnTheSameFileIsRefused() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let first = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        await #expect(throws: RecordingError(.busy, "\(path): another cachescope records into it (one recorder per file)")) {
            try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        }
        // Reading while it records is fine.
        let reader = try await RecordingStore.openForReading(path)
        await reader.close()
        await first.close()
    }

    @Test func foreignMissingAndNewerFilesAreOneClearLine() async throws {
        let directory = try RecordingFixtures.directory()
        let text = directory.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not a database\n", count: 400).utf8).write(to: URL(fileURLWithPath: text))
        await #expect(throws: RecordingError.self) { try await RecordingStore.openForReading(text) }
        do {
            _ = try await RecordingStore.openForReading(text)
        } catch {
            #expect(error.code == .foreign)
            #expect(!error.message.contains("\n"))
        }
        do {
            _ = try await RecordingStore.openForWriting(text, intervalMilliseconds: 1000, writer: "test")
            Issue.record("a text file was opened for recording")
        } catch {
            #expect(error.code == .foreign)
        }
        do {
            _ = try await RecordingStore.openForReading(directory.appendingPathComponent("none").path)
            Issue.record("a missing file was opened")
        } catch {
            #expect(error.code == .missing)
        }
        // A recording from a newer version.
        let newer = directory.appendingPathComponent("newer.cachescope").path
        let store = try await RecordingStore.openForWriting(newer, intervalMilliseconds: 1000, writer: "test")
        try await store.setUserVersionForTests(RecordingSchema.version + 1)
        await store.close()
        do {
            _ = try await RecordingStore.openForReading(newer)
            Issue.record("a newer format was opened")
        } catch {
            #expect(error.code == .newerFormat)
        }
    }

    @Test func aTornFileIsOneLine() async throws {
        let directory = try RecordingFixtures.directory()
        let path = directory.appendingPathComponent("r.cachescope").path
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        var batch = WriteBatch()
        for index in 0..<400 {
            var block = SeriesBlock(fieldCount: 1)
            block.append(time: Int64(index) * 60_000, values: [Double(index)])
            batch.blocks.append(
                BlockRow(
                    backendID: 1, node: "", startMilliseconds: Int64(index) * 60_000, endMilliseconds: Int64(index) * 60_000, readings: 1,
                    fields: ["a"], data: block.encoded() + [UInt8](repeating: 0, count: 200)))
        }
        try await store.write(batch)
        await store.close()
        // Cut it in half, as a copy interrupted or a disk that failed would.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        do {
            let reader = try await RecordingStore.openForReading(path)
            _ = try await reader.blocks(backend: 1, overlapping: 0...Int64.max)
            await reader.close()
            Issue.record("a torn file read without an error")
        } catch {
            #expect([.damaged, .foreign].contains(error.code), "\(error)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func pruningKeepsTheStateInForceAtTheNewStart() async throws {
        let path = try RecordingFixtures.directory().appendingPathComponent("r.cachescope").path
        let store = try await RecordingStore.openForWriting(path, intervalMilliseconds: 1000, writer: "test")
        var batch = WriteBatch()
        batch.states = [
            StateRow(backendID: 1, atMilliseconds: 1_000, json: "{\"s\":1}"), StateRow(backendID: 1, atMilliseconds: 2_000, json: "{\"s\":2}"),
            StateRow(backendID: 1, atMilliseconds: 9_000, json: "{\"s\":3}"),
        ]
        batch.events = [
            RecordedEvent(atMilliseconds: 1_000, backendID: 1, kind: .up, summary: "old"),
            RecordedEvent(atMilliseconds: 8_000, backendID: 1, kind: .down, summary: "new"),
        ]
        try await store.write(batch)
        try await store.prune(before: 5_000)
        #expect(try await store.state(backend: 1, at: 5_000)?.json == "{\"s\":2}")
        #expect(try await store.state(backend: 1, at: 1_500) == nil)
        #expect(try await store.events(in: 0...10_000).map(\.summary) == ["new"])
        await store.close()
    }
}
