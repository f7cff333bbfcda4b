/// What one transaction writes (``RecordingStore/write(_:)``).
package struct WriteBatch: Sendable {
    package var backends: [RecordedBackend] = []
    package var blocks: [BlockRow] = []
    package var states: [StateRow] = []
    package var events: [RecordedEvent] = []
    package var samples: [SampleRow] = []

    package init() {}

    package var isEmpty: Bool { backends.isEmpty && blocks.isEmpty && states.isEmpty && events.isEmpty && samples.isEmpty }
}

/// A backend as the recording names it.
package struct RecordedBackend: Sendable, Equatable {
    package var id: Int64
    package var name: String
    /// `BackendKind`'s raw value.
    package var type: String
    package var address: String
    /// The tags as a JSON array of strings.
    package var tagsJSON: String
    package var firstMilliseconds: Int64
    package var lastMilliseconds: Int64
}

/// A block's row: whose readings, which fields, and the encoded block.
package struct BlockRow: Sendable {
    package var backendID: Int64
    /// `""` for the backend's own figures, else a server's `host:port`.
    package var node: String
    package var startMilliseconds: Int64
    package var endMilliseconds: Int64
    package var readings: Int
    package var fields: [String]
    package var data: [UInt8]

    /// About what its row weighs in the file: the block, the field list as stored, the node, and the record's
    /// header and four integers (at most 9 bytes each as SQLite stores them).
    package var weight: Int {
        data.count + fields.reduce(max(0, fields.count - 1)) { $0 + $1.utf8.count } + node.utf8.count + 44
    }
}

/// A block as read back.
package struct StoredBlock: Sendable {
    package var node: String
    package var fields: [String]
    var block: SeriesBlock

    /// The readings' times, oldest first.
    package var times: [Int64] { block.times }

    /// The values of `field` (one per time), `nil` where the field was not recorded.
    package func values(of field: String) -> [Double?]? {
        fields.firstIndex(of: field).map { block.columns[$0] }
    }
}

/// A backend's non-numeric state, when it changed.
package struct StateRow: Sendable {
    package var backendID: Int64
    package var atMilliseconds: Int64
    package var json: String
}

/// Something that happened, at an instant.
package struct RecordedEvent: Sendable, Equatable {
    /// What kind of thing happened (the `kind` column).
    package enum Kind: String, Sendable, CaseIterable {
        /// The recording started or stopped.
        case recordingStarted = "recording-started"
        case recordingStopped = "recording-stopped"
        /// A backend answered again, or stopped answering (or refused our credentials).
        case up, down
        /// A Sentinel-managed master moved.
        case failover
        /// An attention rule started or stopped holding.
        case attentionRaised = "attention-raised"
        case attentionCleared = "attention-cleared"
        /// The server's counters started again (a restart, `CONFIG RESETSTAT`).
        case countersReset = "counters-reset"
        /// A setting cachescope changed on a server, and put back.
        case settingChanged = "setting-changed"
        case settingRestored = "setting-restored"
        /// A change cachescope made to the data: a key deleted, a prefix invalidated (the audit trail).
        case change
    }

    package var atMilliseconds: Int64
    package var backendID: Int64?
    package var kind: Kind
    package var summary: String
    /// More, as a JSON object.
    package var detailJSON: String?

    package init(atMilliseconds: Int64, backendID: Int64?, kind: Kind, summary: String, detailJSON: String? = nil) {
        self.atMilliseconds = atMilliseconds
        self.backendID = backendID
        self.kind = kind
        self.summary = summary
        self.detailJSON = detailJSON
    }
}

/// An insight sample (keyspace, traffic) as one JSON document.
package struct SampleRow: Sendable {
    package var atMilliseconds: Int64
    package var backendID: Int64
    package var kind: String
    package var documentJSON: String
}
