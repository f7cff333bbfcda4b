import Basics
import RESP

/// Reads one Redis server's keys for a keyspace analysis, gently: `SCAN` pages (never `KEYS`), then for
/// each small batch of keys one pipeline of `TYPE`, `PTTL` and `MEMORY USAGE`, with the element counts
/// (`STRLEN`, `HLEN`, `LLEN`, `SCARD`, `ZCARD`, `XLEN`) of the batch before riding in the same pipeline — so
/// one round trip per batch. Batches shrink and pauses grow when the server answers slowly, so other
/// clients never wait long behind it. `SCAN` visits keys in hash order, which makes its first keys a fair
/// sample of the whole keyspace.
struct RedisKeyspaceSampler {
    /// A user whose ACL (or a server whose configuration) refuses `MEMORY USAGE`: sizes then come from
    /// string lengths.
    struct MemoryRefusal: Sendable {
        var reason: String
    }

    /// What one server's read gave.
    struct Result: Sendable {
        var sampled: Int
        var memoryRefusal: MemoryRefusal?
        /// Lookups that found their key, and that did not (own reads, left out of the hit ratio).
        var hits: Int
        var misses: Int
        var commands: Int
    }

    let server: any RedisCommandExecutor
    /// The node's `host:port` in a cluster; `nil` for a single server.
    let node: String?
    /// The most keys per pipeline (four commands each: about 200 commands a pipeline).
    static let largestBatch = 50
    static let smallestBatch = 5
    /// A pipeline slower than this makes the next batches smaller and adds a pause as long as it took.
    static let slowPipeline: Duration = .milliseconds(4)

    /// Reads up to `target` keys (all with `nil`), handing each batch to `emit`, which returns `false` to stop.
    func run(target: Int?, emit: ([SampledKey]) async -> Bool) async throws -> Result {
        var result = Result(sampled: 0, hits: 0, misses: 0, commands: 0)
        var memoryUsage = true
        var batchSize = 20
        var seen = KeyDigestSet()
        var pending: [[UInt8]] = []
        var cursor: UInt64 = 0
        var scanned = false
        // The previous batch's keys whose element count rides in the next pipeline.
        var waiting: [(key: SampledKey, command: RESPCommand)] = []
        let clock = ContinuousClock()
        func wanted() -> Int { target.map { max(0, $0 - result.sampled - waiting.count) } ?? Int.max }
        while true {
            if pending.count < batchSize, !scanned, wanted() > pending.count {
                let page = try await server.scan(cursor: cursor, count: 500)
                result.commands += 1
                cursor = page.cursor
                scanned = cursor == 0
                pending += page.keys.filter { seen.insert($0) }
            }
            let take = min(batchSize, pending.count, wanted())
            let batch = Array(pending.prefix(take))
            pending.removeFirst(take)
            if batch.isEmpty && waiting.isEmpty && (scanned || wanted() == 0) { break }
            if batch.isEmpty && waiting.isEmpty { continue }
            var commands = waiting.map(\.command)
            for key in batch {
                commands.append(RESPCommand("TYPE", key: key))
                commands.append(RESPCommand("PTTL", key: key))
                if memoryUsage { commands.append(RESPCommand("MEMORY", ["USAGE", key], keyPositions: [2])) }
            }
            let started = clock.now
            let replies = try await server.send(commands)
            let took = clock.now - started
            result.commands += commands.count
            // The element counts of the previous batch come first.
            var finished: [SampledKey] = []
            for (index, entry) in waiting.enumerated() {
                var key = entry.key
                if let count = replies[index].integer {
                    key.elements = Int(count)
                    if !memoryUsage, key.type == "string" { key.memoryBytes = Int(count) }
                    result.hits += 1
                } else {
                    result.misses += 1
                }
                finished.append(key)
            }
            waiting = []
            let perKey = memoryUsage ? 3 : 2
            var offset = finished.count
            if memoryUsage, let refusal = batch.indices.lazy.compactMap({ replies[offset + $0 * perKey + 2].errorMessage }).first {
                memoryUsage = false
                result.memoryRefusal = MemoryRefusal(reason: refusal)
            }
            for key in batch {
                let type = replies[offset].string ?? "none"
                let ttl = replies[offset + 1].integer ?? -2
                let memory = perKey == 3 ? replies[offset + 2].integer.map { Int($0) } : nil
                offset += perKey
                guard type != "none", ttl != -2 else {
                    result.misses += 2
                    continue
                }
                result.hits += 2
                let sampled = SampledKey(key: key, type: type, ttlMilliseconds: ttl < 0 ? nil : ttl, memoryBytes: memory, node: node)
                if let count = Self.elementCount(of: key, type: type) {
                    waiting.append((sampled, count))
                } else {
                    finished.append(sampled)
                }
            }
            if !memoryUsage {
                // Refused in this very batch: sizes of what is waiting come from lengths instead.
                waiting = waiting.map { entry in
                    var key = entry.key
                    key.memoryBytes = nil
                    return (key, entry.command)
                }
            }
            result.sampled += finished.count
            if !finished.isEmpty, await !emit(finished) { return result }
            // Gentle: a slow answer means a busy server — smaller batches, and a pause as long as the wait.
            if took > Self.slowPipeline {
                batchSize = max(Self.smallestBatch, batchSize / 2)
                try? await Task.sleep(for: took)
            } else if took < .milliseconds(1) {
                batchSize = min(Self.largestBatch, batchSize + 5)
            }
        }
        return result
    }

    /// The command counting a key's elements (a string's length), for the types that have one.
    static func elementCount(of key: [UInt8], type: String) -> RESPCommand? {
        switch type {
        case "string": RESPCommand("STRLEN", key: key)
        case "hash": RESPCommand("HLEN", key: key)
        case "list": RESPCommand("LLEN", key: key)
        case "set": RESPCommand("SCARD", key: key)
        case "zset": RESPCommand("ZCARD", key: key)
        case "stream": RESPCommand("XLEN", key: key)
        default: nil
        }
    }
}
