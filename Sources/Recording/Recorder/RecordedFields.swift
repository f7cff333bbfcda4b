import CacheMonitor

/// The numbers a recording keeps of each reading, by their names in the `blocks.fields` column: one list for
/// the recorder (reading a sample) and the replay (making one back), so the two cannot drift apart.
/// Names are a contract: `export` prints them, and later versions only add to them.
enum RecordedFields {
    /// A figure of a backend's sample.
    struct BackendField: Sendable {
        let name: String
        let read: @Sendable (SourceSample) -> Double?
        let write: @Sendable (inout SourceSample, Double?) -> Void
    }

    /// A figure of one server of a pool or node of a cluster.
    struct ServerField: Sendable {
        let name: String
        let read: @Sendable (ServerReading) -> Double?
        let write: @Sendable (inout ServerReading, Double?) -> Void
    }

    static let backend: [BackendField] = [
        .init(name: "hits", read: { Double($0.totalHits) }, write: { $0.totalHits = count($1) }),
        .init(name: "misses", read: { Double($0.totalMisses) }, write: { $0.totalMisses = count($1) }),
        .init(name: "own_read_hits", read: { Double($0.ownReadHits) }, write: { $0.ownReadHits = count($1) }),
        .init(name: "own_read_misses", read: { Double($0.ownReadMisses) }, write: { $0.ownReadMisses = count($1) }),
        .init(name: "operations", read: { $0.operations.map { Double($0) } }, write: { $0.operations = $1.map(count) }),
        .init(name: "evictions", read: { Double($0.evictions) }, write: { $0.evictions = count($1) }),
        .init(name: "expired", read: { Double($0.expired) }, write: { $0.expired = count($1) }),
        .init(name: "keys", read: { Double($0.keys) }, write: { $0.keys = Int(count($1)) }),
        .init(name: "memory_bytes", read: { $0.memoryBytes.map { Double($0) } }, write: { $0.memoryBytes = $1.map(count) }),
        .init(name: "max_memory_bytes", read: { $0.maxMemoryBytes.map { Double($0) } }, write: { $0.maxMemoryBytes = $1.map(count) }),
        .init(name: "uptime_seconds", read: { $0.uptimeSeconds.map { Double($0) } }, write: { $0.uptimeSeconds = $1.map(count) }),
        // Whole microseconds: a whole number compresses far better than a fraction of a millisecond.
        .init(
            name: "latency_us", read: { $0.latency.map { ($0.inSeconds * 1_000_000).rounded() } },
            write: { sample, value in sample.latency = value.map { Duration.microseconds(Int64($0)) } }),
        .init(name: "clients", read: { $0.clients.map { Double($0) } }, write: { $0.clients = $1.map { Int(count($0)) } }),
    ]

    static let server: [ServerField] = [
        .init(name: "hits", read: { Double($0.hits) }, write: { $0.hits = count($1) }),
        .init(name: "misses", read: { Double($0.misses) }, write: { $0.misses = count($1) }),
        .init(name: "keys", read: { Double($0.keys) }, write: { $0.keys = Int(count($1)) }),
        .init(name: "memory_bytes", read: { Double($0.memoryBytes) }, write: { $0.memoryBytes = count($1) }),
        .init(name: "max_memory_bytes", read: { Double($0.maxMemoryBytes) }, write: { $0.maxMemoryBytes = count($1) }),
        .init(name: "evictions", read: { Double($0.evictions) }, write: { $0.evictions = count($1) }),
        .init(name: "expired", read: { Double($0.expired) }, write: { $0.expired = count($1) }),
        .init(name: "operations", read: { $0.operations.map { Double($0) } }, write: { $0.operations = $1.map(count) }),
        .init(name: "own_commands", read: { Double($0.ownCommands) }, write: { $0.ownCommands = count($1) }),
        .init(name: "uptime_seconds", read: { $0.uptimeSeconds.map { Double($0) } }, write: { $0.uptimeSeconds = $1.map(count) }),
        .init(name: "slots", read: { $0.slots.map { Double($0) } }, write: { $0.slots = $1.map { Int(count($0)) } }),
    ]

    static var backendNames: [String] { backend.map(\.name) }
    static var serverNames: [String] { server.map(\.name) }

    /// A recorded counter or gauge back as an integer (a missing value is 0; values are whole numbers that
    /// doubles hold exactly up to 2^53).
    private static func count(_ value: Double?) -> UInt64 {
        guard let value, value.isFinite, value > 0 else { return 0 }
        return value >= 1.8e19 ? UInt64.max : UInt64(value.rounded())
    }
}
