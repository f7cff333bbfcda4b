import Foundation
import NIOCore
import SQLiteNIO

/// A recording file: SQLite in WAL mode, one writer (held by a ``FileLock``), any number of readers.
///
/// Writes come in batches, one transaction each (``WriteBatch``): a process killed mid-recording loses only
/// the batch under way. Every SQLite failure becomes one ``RecordingError`` line naming the file.
package actor RecordingStore {
    package let path: String
    private let connection: SQLiteConnection
    /// Held by the writer until it closes.
    private let lock: FileLock?
    private var closed = false

    private init(path: String, connection: SQLiteConnection, lock: FileLock?) {
        self.path = path
        self.connection = connection
        self.lock = lock
    }

    /// Opens (or creates) `path` to record into it; refuses a file another recorder writes, a foreign file
    /// and a newer format.
    package static func openForWriting(_ path: String, intervalMilliseconds: Int, writer: String) async throws(RecordingError) -> RecordingStore {
        let existed = FileManager.default.fileExists(atPath: path)
        let lock: FileLock?
        do {
            lock = try FileLock(path: path)
        } catch {
            throw error
        }
        guard let lock else { throw RecordingError(.busy, "\(path): another cachescope records into it (one recorder per file)") }
        let connection = try await connect(path)
        let store = RecordingStore(path: path, connection: connection, lock: lock)
        do {
            try await store.prepareForWriting(existed: existed, intervalMilliseconds: intervalMilliseconds, writer: writer)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Opens `path` to read it (replay, export), while a recorder may still write it.
    package static func openForReading(_ path: String) async throws(RecordingError) -> RecordingStore {
        guard FileManager.default.fileExists(atPath: path) else { throw RecordingError(.missing, "\(path): no such recording") }
        let connection = try await connect(path)
        let store = RecordingStore(path: path, connection: connection, lock: nil)
        do {
            try await store.checkFormat(allowEmpty: false)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    private static func connect(_ path: String) async throws(RecordingError) -> SQLiteConnection {
        do {
            return try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw describe(error, path: path)
        }
    }

    /// Closes the file (the writer's lock last, after SQLite let go of it).
    package func close() async {
        guard !closed else { return }
        closed = true
        if lock != nil { _ = try? await connection.query("PRAGMA wal_checkpoint(TRUNCATE)") }
        try? await connection.close()
    }

    // MARK: format

    private func prepareForWriting(existed: Bool, intervalMilliseconds: Int, writer: String) async throws(RecordingError) {
        let fresh = try await checkFormat(allowEmpty: true)
        if fresh {
            for pragma in RecordingSchema.creationPragmas { try await run(pragma) }
        }
        try await run("PRAGMA journal_mode = WAL")
        // A committed batch survives the process dying; only a power cut may lose the last ones.
        try await run("PRAGMA synchronous = NORMAL")
        try await run("PRAGMA journal_size_limit = 16777216")
        try await run("PRAGMA busy_timeout = 2000")
        try await run("BEGIN IMMEDIATE")
        for table in RecordingSchema.tables { try await run(table) }
        if fresh {
            try await run("PRAGMA application_id = \(RecordingSchema.applicationID)")
            try await run("PRAGMA user_version = \(RecordingSchema.version)")
            let now = String(Int64(Date().timeIntervalSince1970 * 1000))
            for (key, value) in [("format", String(RecordingSchema.version)), ("created_ms", now), ("writer", writer)] {
                try await run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [.text(key), .text(value)])
            }
        }
        try await run("INSERT OR REPLACE INTO meta (key, value) VALUES ('interval_ms', ?)", [.text(String(intervalMilliseconds))])
        try await run("COMMIT")
    }

    /// Checks the file is a recording this version reads; returns whether it is a new, empty database.
    @discardableResult
    private func checkFormat(allowEmpty: Bool) async throws(RecordingError) -> Bool {
        let application = try await integer("PRAGMA application_id") ?? 0
        let version = try await integer("PRAGMA user_version") ?? 0
        let tables = try await integer("SELECT count(*) FROM sqlite_schema") ?? 0
        if application == 0, version == 0, tables == 0 {
            guard allowEmpty else { throw RecordingError(.foreign, "\(path): an empty database, not a cachescope recording") }
            return true
        }
        guard application == RecordingSchema.applicationID else {
            throw RecordingError(.foreign, "\(path): an SQLite database, but not a cachescope recording")
        }
        guard version <= RecordingSchema.version else {
            throw RecordingError(
                .newerFormat,
                "\(path): recorded by a newer cachescope (format \(version)); this one reads format \(RecordingSchema.version) and older")
        }
        // A quick look at the pages: a torn or truncated file says so here, not halfway through a replay.
        let check = try await rows("PRAGMA quick_check(1)").first?.column("quick_check")?.string ?? "ok"
        guard check == "ok" else { throw RecordingError(.damaged, "\(path): damaged (\(check))") }
        return false
    }

    // MARK: writing

    /// Applies a batch in one transaction. A failure rolls the whole batch back.
    package func write(_ batch: WriteBatch) async throws(RecordingError) {
        guard !batch.isEmpty else { return }
        try await run("BEGIN IMMEDIATE")
        do {
            for backend in batch.backends {
                try await run(
                    """
                    INSERT INTO backends (id, name, type, address, tags, first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET type = excluded.type, address = excluded.address, tags = excluded.tags,
                    last_ms = excluded.last_ms
                    """,
                    [
                        .integer(SQLiteInt64(backend.id)), .text(backend.name), .text(backend.type), .text(backend.address),
                        .text(backend.tagsJSON), .integer(SQLiteInt64(backend.firstMilliseconds)),
                        .integer(SQLiteInt64(backend.lastMilliseconds)),
                    ])
            }
            for block in batch.blocks {
                try await run(
                    // In place (an open block's row keeps its place as it grows).
                    """
                    INSERT INTO blocks (backend_id, node, start_ms, end_ms, readings, fields, data) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (backend_id, node, start_ms) DO UPDATE SET end_ms = excluded.end_ms, readings = excluded.readings,
                    fields = excluded.fields, data = excluded.data
                    """,
                    [
                        .integer(SQLiteInt64(block.backendID)), .text(block.node), .integer(SQLiteInt64(block.startMilliseconds)),
                        .integer(SQLiteInt64(block.endMilliseconds)), .integer(SQLiteInt64(block.readings)),
                        .text(block.fields.joined(separator: ",")), .blob(ByteBuffer(bytes: block.data)),
                    ])
            }
            for state in batch.states {
                try await run(
                    "INSERT OR REPLACE INTO states (backend_id, at_ms, state) VALUES (?, ?, ?)",
                    [.integer(SQLiteInt64(state.backendID)), .integer(SQLiteInt64(state.atMilliseconds)), .text(state.json)])
            }
            for event in batch.events {
                try await run(
                    "INSERT INTO events (at_ms, backend_id, kind, summary, detail) VALUES (?, ?, ?, ?, ?)",
                    [
                        .integer(SQLiteInt64(event.atMilliseconds)), event.backendID.map { .integer(SQLiteInt64($0)) } ?? .null,
                        .text(event.kind.rawValue), .text(event.summary), event.detailJSON.map { .text($0) } ?? .null,
                    ])
            }
            for sample in batch.samples {
                try await run(
                    "INSERT INTO samples (at_ms, backend_id, kind, document) VALUES (?, ?, ?, ?)",
                    [
                        .integer(SQLiteInt64(sample.atMilliseconds)), .integer(SQLiteInt64(sample.backendID)), .text(sample.kind),
                        .text(sample.documentJSON),
                    ])
            }
            try await run("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    /// Drops what is older than `cutoff` (ms since 1970), keeping each backend's last state before it (what
    /// the first instant left replays with); gives the pages back to the file system.
    package func prune(before cutoff: Int64) async throws(RecordingError) {
        try await run("BEGIN IMMEDIATE")
        do {
            try await run("DELETE FROM blocks WHERE end_ms < ?", [.integer(SQLiteInt64(cutoff))])
            try await run("DELETE FROM events WHERE at_ms < ?", [.integer(SQLiteInt64(cutoff))])
            try await run("DELETE FROM samples WHERE at_ms < ?", [.integer(SQLiteInt64(cutoff))])
            try await run(
                """
                DELETE FROM states WHERE at_ms < (SELECT max(s.at_ms) FROM states s WHERE s.backend_id = states.backend_id AND s.at_ms <= ?)
                """, [.integer(SQLiteInt64(cutoff))])
            try await run("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
        try await run("PRAGMA incremental_vacuum")
    }

    /// The bytes the database holds (its pages; the WAL is bounded apart).
    package func sizeInBytes() async throws(RecordingError) -> Int64 {
        let pages = try await integer("PRAGMA page_count") ?? 0
        let free = try await integer("PRAGMA freelist_count") ?? 0
        let size = try await integer("PRAGMA page_size") ?? 0
        return Int64(pages - free) * Int64(size)
    }

    // MARK: reading

    /// Every backend recorded, by id.
    package func backends() async throws(RecordingError) -> [RecordedBackend] {
        try await rows("SELECT id, name, type, address, tags, first_ms, last_ms FROM backends ORDER BY id").compactMap { row in
            guard let id = row.column("id")?.integer, let name = row.column("name")?.string else { return nil }
            return RecordedBackend(
                id: Int64(id), name: name, type: row.column("type")?.string ?? "", address: row.column("address")?.string ?? "",
                tagsJSON: row.column("tags")?.string ?? "[]", firstMilliseconds: Int64(row.column("first_ms")?.integer ?? 0),
                lastMilliseconds: Int64(row.column("last_ms")?.integer ?? 0))
        }
    }

    /// The first and last recorded instants — readings and events (a recording starts and stops a moment
    /// before and after them) — `nil` for a recording with no readings yet.
    package func timeRange() async throws(RecordingError) -> ClosedRange<Int64>? {
        guard let row = try await rows("SELECT min(start_ms) AS first, max(end_ms) AS last FROM blocks").first,
            let first = row.column("first")?.integer, let last = row.column("last")?.integer
        else { return nil }
        let events = try await rows("SELECT min(at_ms) AS first, max(at_ms) AS last FROM events").first
        let start = min(Int64(first), events?.column("first")?.integer.map { Int64($0) } ?? Int64(first))
        let end = max(Int64(last), events?.column("last")?.integer.map { Int64($0) } ?? Int64(last))
        return start...max(start, end)
    }

    /// When the block that ends first ends (what a prune must pass to drop any readings); `nil` without blocks.
    package func firstBlockEnd() async throws(RecordingError) -> Int64? {
        try await integer("SELECT min(end_ms) FROM blocks").map { Int64($0) }
    }

    /// A meta value (`format`, `interval_ms`, `writer`, `created_ms`).
    package func meta(_ key: String) async throws(RecordingError) -> String? {
        try await rows("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.column("value")?.string
    }

    /// The blocks of one backend (every node) that overlap `range`, oldest first.
    /// With `node`, only that node's (`""`: the backend's own).
    package func blocks(backend: Int64, node: String? = nil, overlapping range: ClosedRange<Int64>) async throws(RecordingError) -> [StoredBlock] {
        let found = try await rows(
            """
            SELECT node, start_ms, end_ms, fields, data FROM blocks
            WHERE backend_id = ? AND start_ms <= ? AND end_ms >= ? AND (? IS NULL OR node = ?) ORDER BY start_ms
            """,
            [
                .integer(SQLiteInt64(backend)), .integer(SQLiteInt64(range.upperBound)), .integer(SQLiteInt64(range.lowerBound)),
                node.map { .text($0) } ?? .null, node.map { .text($0) } ?? .null,
            ])
        var blocks: [StoredBlock] = []
        for row in found {
            guard let data = row.column("data")?.blob, let start = row.column("start_ms")?.integer else { continue }
            let fields = (row.column("fields")?.string ?? "").split(separator: ",").map(String.init)
            let block: SeriesBlock
            do {
                block = try SeriesBlock(decoding: Array(data.readableBytesView))
            } catch {
                throw RecordingError(.damaged, "\(path): a block of backend \(backend) at \(start) ms is damaged (\(error))")
            }
            blocks.append(StoredBlock(node: row.column("node")?.string ?? "", fields: fields, block: block))
        }
        return blocks
    }

    /// The insight samples of `kind` in `range`, oldest first: when, whose, and the document.
    package func samples(kind: String, in range: ClosedRange<Int64>) async throws(RecordingError) -> [SampleRow] {
        try await rows(
            "SELECT at_ms, backend_id, kind, document FROM samples WHERE kind = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms, id",
            [.text(kind), .integer(SQLiteInt64(range.lowerBound)), .integer(SQLiteInt64(range.upperBound))]
        ).compactMap { row in
            guard let at = row.column("at_ms")?.integer, let backend = row.column("backend_id")?.integer,
                let document = row.column("document")?.string
            else { return nil }
            return SampleRow(atMilliseconds: Int64(at), backendID: Int64(backend), kind: kind, documentJSON: document)
        }
    }

    /// The nodes a backend has readings of (`""`: its own), in order.
    package func nodes(backend: Int64) async throws(RecordingError) -> [String] {
        try await rows("SELECT DISTINCT node FROM blocks WHERE backend_id = ? ORDER BY node", [.integer(SQLiteInt64(backend))]).compactMap {
            $0.column("node")?.string
        }
    }

    /// The backend's state (JSON) as it was at `instant`: the last one written at or before it.
    package func state(backend: Int64, at instant: Int64) async throws(RecordingError) -> (atMilliseconds: Int64, json: String)? {
        guard
            let row = try await rows(
                "SELECT at_ms, state FROM states WHERE backend_id = ? AND at_ms <= ? ORDER BY at_ms DESC LIMIT 1",
                [.integer(SQLiteInt64(backend)), .integer(SQLiteInt64(instant))]
            ).first, let at = row.column("at_ms")?.integer, let json = row.column("state")?.string
        else { return nil }
        return (Int64(at), json)
    }

    /// The last insight sample of `kind` taken of a backend at or before `instant`.
    package func sample(
        backend: Int64, kind: String, atOrBefore instant: Int64
    ) async throws(RecordingError) -> (
        atMilliseconds: Int64, document: String
    )? {
        guard
            let row = try await rows(
                "SELECT at_ms, document FROM samples WHERE backend_id = ? AND kind = ? AND at_ms <= ? ORDER BY at_ms DESC LIMIT 1",
                [.integer(SQLiteInt64(backend)), .text(kind), .integer(SQLiteInt64(instant))]
            ).first, let at = row.column("at_ms")?.integer, let document = row.column("document")?.string
        else { return nil }
        return (Int64(at), document)
    }

    /// The events in `range`, oldest first.
    package func events(in range: ClosedRange<Int64>) async throws(RecordingError) -> [RecordedEvent] {
        try await rows(
            "SELECT at_ms, backend_id, kind, summary, detail FROM events WHERE at_ms BETWEEN ? AND ? ORDER BY at_ms, id",
            [.integer(SQLiteInt64(range.lowerBound)), .integer(SQLiteInt64(range.upperBound))]
        ).compactMap { row in
            guard let at = row.column("at_ms")?.integer, let kind = row.column("kind")?.string.flatMap(RecordedEvent.Kind.init) else { return nil }
            return RecordedEvent(
                atMilliseconds: Int64(at), backendID: row.column("backend_id")?.integer.map { Int64($0) }, kind: kind,
                summary: row.column("summary")?.string ?? "", detailJSON: row.column("detail")?.string)
        }
    }

    /// Marks the file as written by another format version (tests of what an older reader says).
    func setUserVersionForTests(_ version: Int) async throws(RecordingError) {
        try await run("PRAGMA user_version = \(version)")
    }

    // MARK: SQL

    private func run(_ sql: String, _ binds: [SQLiteData] = []) async throws(RecordingError) {
        _ = try await rows(sql, binds)
    }

    private func integer(_ sql: String) async throws(RecordingError) -> Int? {
        try await rows(sql).first?.columns.first?.data.integer.map { Int($0) }
    }

    private func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws(RecordingError) -> [SQLiteRow] {
        guard !closed else { throw RecordingError(.io, "\(path): the recording is closed") }
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// One line for an SQLite failure.
    static func describe(_ error: any Error, path: String) -> RecordingError {
        guard let error = error as? SQLiteError else { return RecordingError(.io, "\(path): \(error)") }
        switch error.reason {
        case .notADatabase: return RecordingError(.foreign, "\(path): not a cachescope recording (not an SQLite database)")
        case .corrupt, .corruptIndex, .corruptSequenceSchema, .corruptVirtualTable:
            return RecordingError(.damaged, "\(path): damaged (\(error.message))")
        case .full: return RecordingError(.full, "\(path): the disk is full")
        case .busy, .busyTimeout, .locked: return RecordingError(.busy, "\(path): busy (\(error.message))")
        default: return RecordingError(.io, "\(path): \(error.message)")
        }
    }
}
