import CacheMonitor

/// A backend of a recording: its name, kind and address as recorded, and nothing to ask — it conforms to no
/// capability port, so a replay offers nothing that would reach or change a server.
struct RecordedSource: CacheSource {
    let name: String
    let address: String
    let kind: BackendKind
    var isRecording: Bool { true }

    func connect() async throws { throw RecordingError(.io, "\(name): a recorded backend, nothing to connect to") }
    func sample() async throws -> SourceSample { throw RecordingError(.io, "\(name): a recorded backend, nothing to sample") }
    func close() async {}
}
