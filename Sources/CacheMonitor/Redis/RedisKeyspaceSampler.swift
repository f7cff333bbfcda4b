import Basics
import RESP
import Synchronization

/// Reads one Redis server's keys for a keyspace analysis, gently: `SCAN` pages (never `KEYS`), then for
/// each small batch of keys one pipeline of `TYPE`, `PTTL` and `MEMORY USAGE` and one of element counts
/// (`STRLEN`, `HLEN`, `LLEN`, `SCARD`, `ZCARD`, `XLEN`). A few batches are in flight at once, so the server
/// is never idle waiting for the next round trip; when its answers slow down, batches get smaller, fewer
/// run at once and pauses are added, so other clients never wait long behind us. `SCAN` visits keys in
/// hash order, which makes its first keys a fair sample of the whole keyspace.
struct RedisKeyspaceSampler {
    /// A user whose ACL (or a server whose configuration) refuses `MEMORY USAGE`: sizes then come from
    /// string lengths.
    struct MemoryRefusal: Sendable {
        var reason: String
    }

    /// What one server's read gave.
    struct Result: Sendable {
        var sampled = 0
        var memoryRefusal: MemoryRefusal?
        /// Why element counts are unknown, when the server refused them (`HLEN`… denied by an ACL).
        var elementsRefusal: String?
        /// Why the type or TTL column is unknown (`TYPE`, `PTTL` refused): the analysis goes on without it.
        var typeRefusal: String?
        var ttlRefusal: String?
        /// Lookups that found their key, and that did not (own reads, left out of the hit ratio).
        var hits = 0
        var misses = 0
        var commands = 0
    }

    let server: any RedisCommandExecutor
    /// The node's `host:port` in a cluster; `nil` for a single server.
    let node: String?
    /// Whether to read each key's LFU counter (`OBJECT FREQ`: the server evicts by LFU).
    var readsFrequency = false
    /// The most keys per batch: a pipeline of about 150 commands, then one of 50.
    static let largestBatch = 50
    static let smallestBatch = 5
    /// The most batches in flight at once: a few for a sample (it is quick anyway, and another client's
    /// command then waits behind at most a few hundred of ours), more when every key is read.
    static func mostInFlight(readingAll: Bool) -> Int { readingAll ? 8 : 3 }
    /// A batch slower than this makes the next ones smaller and fewer, with a pause as long as it took.
    static let slowBatch: Duration = .milliseconds(8)

    /// Reads up to `target` keys (all with `nil`), handing each batch to `emit`, which returns `false` to stop.
    func run(target: Int?, emit: ([SampledKey]) async -> Bool) async throws -> Result {
        var result = Result()
        let lookups = LookupSwitches()
        var seen = KeyDigestSet()
        var pending: [[UInt8]] = []
        var cursor: UInt64 = 0
        var scanned = false
        var dispatched = 0
        var batchSize = 20
        var inFlightLimit = 2
        func wanted() -> Int { target.map { max(0, $0 - dispatched) } ?? Int.max }
        return try await withThrowingTaskGroup(of: BatchRead.self) { group in
            var inFlight = 0
            while true {
                while inFlight < inFlightLimit, wanted() > 0 {
                    while pending.count < batchSize, !scanned, wanted() > pending.count {
                        let page = try await server.scan(cursor: cursor, count: 500)
                        result.commands += 1
                        cursor = page.cursor
                        scanned = cursor == 0
                        for (key, isNew) in zip(page.keys, seen.insert(contentsOf: page.keys)) where isNew { pending.append(key) }
                    }
                    let take = min(batchSize, pending.count, wanted())
                    guard take > 0 else { break }
                    let batch = Array(pending.prefix(take))
                    pending.removeFirst(take)
                    dispatched += take
                    inFlight += 1
                    let asked = lookups.asked
                    group.addTask { try await read(batch, asking: asked) }
                }
                guard inFlight > 0, let read = try await group.next() else { break }
                inFlight -= 1
                result.commands += read.commands
                result.hits += read.hits
                result.misses += read.misses
                if let refusal = read.memoryRefusal {
                    lookups.turnOff(.memory)
                    result.memoryRefusal = refusal
                }
                if let refusal = read.typeRefusal {
                    lookups.turnOff(.type)
                    result.typeRefusal = result.typeRefusal ?? refusal
                }
                if let refusal = read.ttlRefusal {
                    lookups.turnOff(.ttl)
                    result.ttlRefusal = result.ttlRefusal ?? refusal
                }
                result.elementsRefusal = result.elementsRefusal ?? read.elementsRefusal
                result.sampled += read.keys.count
                if !read.keys.isEmpty, await !emit(read.keys) {
                    group.cancelAll()
                    return result
                }
                // Gentle: a slow answer means a busy server — smaller batches, fewer at once, a pause.
                if read.took > Self.slowBatch {
                    batchSize = max(Self.smallestBatch, batchSize / 2)
                    inFlightLimit = 1
                    try? await Task.sleep(for: read.took)
                } else if read.took < .milliseconds(2) {
                    batchSize = min(Self.largestBatch, batchSize + 10)
                    inFlightLimit = min(Self.mostInFlight(readingAll: target == nil), inFlightLimit + 1)
                }
            }
            return result
        }
    }

    /// One batch read: its keys, what the reads cost, how long they took.
    struct BatchRead: Sendable {
        var keys: [SampledKey] = []
        var memoryRefusal: MemoryRefusal?
        var elementsRefusal: String?
        var typeRefusal: String?
        var ttlRefusal: String?
        var hits = 0
        var misses = 0
        var commands = 0
        var took: Duration = .zero
    }

    /// `TYPE`, `PTTL` (and `MEMORY USAGE`) of `keys` in one pipeline — those `asking` has not turned off —, then
    /// their element counts in another. A refused `TYPE` or `PTTL` leaves its column unknown (`—`) and is not
    /// asked again; the analysis goes on.
    private func read(_ keys: [[UInt8]], asking asked: Set<LookupSwitches.Lookup>) async throws -> BatchRead {
        var read = BatchRead()
        let clock = ContinuousClock()
        let started = clock.now
        let withType = asked.contains(.type)
        let withTTL = asked.contains(.ttl)
        let withMemory = asked.contains(.memory)
        var commands: [RESPCommand] = []
        commands.reserveCapacity(keys.count * 3)
        for key in keys {
            if withType { commands.append(RESPCommand(bytes: [Name.type, key], keyPositions: RESPCommand.firstArgumentIsKey)) }
            if withTTL { commands.append(RESPCommand(bytes: [Name.pttl, key], keyPositions: RESPCommand.firstArgumentIsKey)) }
            if withMemory { commands.append(RESPCommand(bytes: [Name.memory, Name.usage, key], keyPositions: RESPCommand.secondArgumentIsKey)) }
            if readsFrequency { commands.append(RESPCommand(bytes: [Name.object, Name.freq, key], keyPositions: RESPCommand.secondArgumentIsKey)) }
        }
        let replies = commands.isEmpty ? [] : try await server.send(commands)
        read.commands += commands.count
        let typeAt = 0
        let ttlAt = withType ? 1 : 0
        let memoryAt = ttlAt + (withTTL ? 1 : 0)
        let perKey = memoryAt + (withMemory ? 1 : 0) + (readsFrequency ? 1 : 0)
        func refusal(at offset: Int) -> String? { keys.indices.lazy.compactMap { replies[$0 * perKey + offset].errorMessage }.first }
        if withType, let refused = refusal(at: typeAt) { read.typeRefusal = refused }
        if withTTL, let refused = refusal(at: ttlAt) { read.ttlRefusal = refused }
        if withMemory, let refused = refusal(at: memoryAt) { read.memoryRefusal = MemoryRefusal(reason: refused) }
        var found: [SampledKey] = []
        var counts: [RESPCommand] = []
        var counted: [Int] = []
        let typeKnown = withType && read.typeRefusal == nil
        let ttlKnown = withTTL && read.ttlRefusal == nil
        let lookupsPerKey = (typeKnown ? 1 : 0) + (ttlKnown ? 1 : 0)
        for (index, key) in keys.enumerated() {
            let base = index * perKey
            let type = typeKnown ? replies[base + typeAt].string ?? "none" : SampledKey.unknownType
            let ttl = ttlKnown ? replies[base + ttlAt].integer ?? -2 : -1
            // Neither refused column can tell a key gone meanwhile: it is counted as there.
            guard type != "none", ttl != -2 else {
                read.misses += lookupsPerKey
                continue
            }
            read.hits += lookupsPerKey
            let memory = withMemory && read.memoryRefusal == nil ? replies[base + memoryAt].integer.map { Int($0) } : nil
            var sampled = SampledKey(key: key, type: type, ttlMilliseconds: ttl < 0 ? nil : ttl, memoryBytes: memory, node: node)
            sampled.ttlKnown = ttlKnown
            if readsFrequency { sampled.frequency = replies[base + perKey - 1].integer.map { Int($0) } }
            found.append(sampled)
            if let count = Self.elementCount(of: key, type: type) {
                counts.append(count)
                counted.append(found.count - 1)
            }
        }
        if !counts.isEmpty {
            let replies = try await server.send(counts)
            read.commands += counts.count
            for (position, reply) in zip(counted, replies) {
                guard let count = reply.integer else {
                    if let refusal = reply.errorMessage {
                        read.elementsRefusal = read.elementsRefusal ?? refusal
                    } else {
                        read.misses += 1
                    }
                    continue
                }
                read.hits += 1
                found[position].elements = Int(count)
                // Without MEMORY USAGE, a string's size is its length.
                if found[position].memoryBytes == nil, !withMemory || read.memoryRefusal != nil, found[position].type == "string" {
                    found[position].memoryBytes = Int(count)
                }
            }
        }
        read.keys = found
        read.took = clock.now - started
        return read
    }

    /// The command counting a key's elements (a string's length), for the types that have one.
    static func elementCount(of key: [UInt8], type: String) -> RESPCommand? {
        let name: [UInt8]? =
            switch type {
            case "string": Name.strlen
            case "hash": Name.hlen
            case "list": Name.llen
            case "set": Name.scard
            case "zset": Name.zcard
            case "stream": Name.xlen
            default: nil
            }
        return name.map { RESPCommand(bytes: [$0, key], keyPositions: RESPCommand.firstArgumentIsKey) }
    }

    /// The commands' names as bytes, made once (millions of commands are built from them).
    private enum Name {
        static let type = Array("TYPE".utf8)
        static let pttl = Array("PTTL".utf8)
        static let memory = Array("MEMORY".utf8)
        static let object = Array("OBJECT".utf8)
        static let freq = Array("FREQ".utf8)
        static let usage = Array("USAGE".utf8)
        static let strlen = Array("STRLEN".utf8)
        static let hlen = Array("HLEN".utf8)
        static let llen = Array("LLEN".utf8)
        static let scard = Array("SCARD".utf8)
        static let zcard = Array("ZCARD".utf8)
        static let xlen = Array("XLEN".utf8)
    }
}

/// Which per-key lookups are still asked (each off once the server refused it), shared by the batches in
/// flight.
final class LookupSwitches: Sendable {
    enum Lookup: Sendable, Hashable, CaseIterable {
        case type, ttl, memory
    }

    private let off = Mutex<Set<Lookup>>([])

    var asked: Set<Lookup> { Set(Lookup.allCases).subtracting(off.withLock { $0 }) }
    func turnOff(_ lookup: Lookup) { _ = off.withLock { $0.insert(lookup) } }
}
