/// The recording's tables, as SQL anyone can query with `sqlite3` (times are milliseconds since 1970, UTC:
/// `datetime(at_ms / 1000, 'unixepoch')`). Version 1; a later version adds tables and columns, never
/// changes these, and records its number in `PRAGMA user_version`.
enum RecordingSchema {
    /// `PRAGMA application_id`: "CSCP", what tells a recording from any other SQLite file.
    static let applicationID: Int = 0x4353_4350
    /// The format this version writes, and the newest it reads.
    static let version = 1

    /// Set before the first table exists (SQLite fixes them then). The page size first: once `auto_vacuum`
    /// is set, SQLite keeps its default (the 8 KB asked for here before never took). 4 KB: blocks are sized
    /// to fill one, and larger pages cost more than they save in an hour's file (every table and index takes
    /// a page at least).
    static let creationPragmas = [
        "PRAGMA page_size = 4096",
        "PRAGMA auto_vacuum = INCREMENTAL",
    ]

    static let tables = [
        // What the file is: format, who wrote it, the interval.
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        // Each backend ever recorded, by name.
        """
        CREATE TABLE IF NOT EXISTS backends (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, address TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]', first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL)
        """,
        // The readings: rows of a backend's (node '') or one of its servers' (node 'host:port') readings
        // from start_ms to end_ms, about a 4 KB page each, the fields named in column order, the values in a
        // Gorilla-compressed block (SeriesBlock). A rowid table: SQLite keeps a row of up to a page on its
        // page there, where a WITHOUT ROWID table moves all but a quarter page of it to an overflow page.
        """
        CREATE TABLE IF NOT EXISTS blocks (
            backend_id INTEGER NOT NULL, node TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
            readings INTEGER NOT NULL, fields TEXT NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (backend_id, node, start_ms))
        """,
        "CREATE INDEX IF NOT EXISTS blocks_by_end ON blocks (end_ms)",
        // What is not a number (status, error, version, servers' roles, attention), as JSON, when it changes.
        """
        CREATE TABLE IF NOT EXISTS states (
            backend_id INTEGER NOT NULL, at_ms INTEGER NOT NULL, state TEXT NOT NULL,
            PRIMARY KEY (backend_id, at_ms)) WITHOUT ROWID
        """,
        // What happened: up/down, failover, attention raised and cleared, counters reset, and every change
        // cachescope made (the audit trail). `detail` is JSON.
        """
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, backend_id INTEGER, kind TEXT NOT NULL,
            summary TEXT NOT NULL, detail TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS events_by_time ON events (at_ms)",
        // Insights taken on a schedule (keyspace, traffic), each one JSON document.
        """
        CREATE TABLE IF NOT EXISTS samples (
            id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, backend_id INTEGER NOT NULL, kind TEXT NOT NULL,
            document TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS samples_by_time ON samples (at_ms)",
    ]
}
