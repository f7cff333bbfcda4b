import Basics
import RESP

extension RedisSource: KeyspaceSource {
    /// Reads keys for a keyspace analysis on connections of their own (the dashboard's sampling never waits
    /// behind it): every key, or about `limit` of them — a cluster's masters at once, each its share by its
    /// `DBSIZE`. A master that cannot be read is reported missing while the others go on.
    package func sampleKeyspace(
        limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool
    ) async throws -> KeyspaceCensus {
        try await withOwnConnections { own in
            try await sample(
                own.servers.map { (address: $0.address, server: $0.client) }, limit: limit, inCluster: own.cluster != nil, body: body,
                progress: progress)
        }
    }

    /// Samples `servers` at once, each up to its share of `limit`, handing every batch to `body` here (one
    /// caller at a time).
    private func sample(
        _ servers: [(address: String, server: RedisClient)], limit: Int?, inCluster: Bool, body: ([SampledKey]) -> Void,
        progress: (Int) -> Bool
    ) async throws -> KeyspaceCensus {
        var sizes: [Int?] = []
        var missing: [KeyspaceCensus.MissingNode] = []
        for (address, server) in servers {
            do {
                sizes.append(Int(try await server.send(RESPCommand("DBSIZE")).integer ?? 0))
            } catch {
                guard inCluster else { throw error }
                sizes.append(nil)
                missing.append(KeyspaceCensus.MissingNode(address: address, reason: ErrorText.oneLine(error)))
            }
        }
        ownReads.recordCommands(servers.count)
        // An LFU eviction policy keeps a read counter per key: `OBJECT FREQ` gives hot keys without MONITOR.
        var lfu: [Bool] = []
        for (_, server) in servers {
            // From INFO, not CONFIG GET: a managed service's CONFIG is refused.
            let policy = try? await server.info(["memory"]).maxMemoryPolicy
            lfu.append(policy?.contains("lfu") == true)
        }
        ownReads.recordCommands(servers.count)
        let total = sizes.compactMap { $0 }.reduce(0, +)
        // Each server's share of the sample follows its share of the keys.
        let targets: [Int?] = sizes.map { size in
            guard let limit, let size else { return nil }
            return total > 0 ? min(size, Int((Double(limit) * Double(size) / Double(total)).rounded(.up))) : 0
        }
        enum Event: Sendable {
            case batch([SampledKey])
            case done(Int, RedisKeyspaceSampler.Result)
            case failed(Int, String)
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let stop = StopSignal()
        var sampled = 0
        var refusal: RedisKeyspaceSampler.MemoryRefusal?
        var elementsRefusal: String?
        var columnRefusals: [String] = []
        var results: [RedisKeyspaceSampler.Result] = []
        var firstFailure: String?
        await withTaskGroup(of: Void.self) { group in
            for (index, entry) in servers.enumerated() where sizes[index] != nil {
                var sampler = RedisKeyspaceSampler(server: entry.server, node: inCluster ? entry.address : nil)
                sampler.readsFrequency = lfu[index]
                let target = targets[index] ?? nil
                let client = entry.server
                group.addTask {
                    do {
                        // On the connection's own event loop: a reply resumes the sampler without a thread hop.
                        let connection = try await client.connect()
                        let result = try await withTaskExecutorPreference(connection.taskExecutor) {
                            try await sampler.run(target: limit == nil ? nil : target) { batch in
                                sink.yield(.batch(batch))
                                return !stop.isSet
                            }
                        }
                        sink.yield(.done(index, result))
                    } catch {
                        sink.yield(.failed(index, ErrorText.oneLine(error)))
                    }
                }
            }
            var running = sizes.compactMap { $0 }.count
            if running == 0 { sink.finish() }
            for await event in events {
                switch event {
                case .batch(let batch):
                    body(batch)
                    sampled += batch.count
                    if !progress(sampled) { stop.set() }
                case .done(_, let result):
                    results.append(result)
                    if let found = result.memoryRefusal { refusal = found }
                    elementsRefusal = elementsRefusal ?? result.elementsRefusal
                    for (command, refusal, column) in [("TYPE", result.typeRefusal, "type"), ("PTTL", result.ttlRefusal, "TTL")] {
                        guard let refusal, !columnRefusals.contains(where: { $0.hasPrefix(command) }) else { continue }
                        columnRefusals.append("\(command) refused (\(refusal)): the \(column) column shows —")
                    }
                    running -= 1
                case .failed(let index, let reason):
                    firstFailure = firstFailure ?? reason
                    missing.append(KeyspaceCensus.MissingNode(address: servers[index].address, reason: reason))
                    running -= 1
                }
                if running == 0 { break }
            }
            sink.finish()
        }
        if !inCluster, let firstFailure { throw RedisError(.connectionFailed, firstFailure) }
        if results.isEmpty, let firstFailure { throw RedisError(.connectionFailed, "no master of the cluster could be read: \(firstFailure)") }
        ownReads.recordCommands(results.reduce(0) { $0 + $1.commands })
        ownReads.record(hits: results.reduce(0) { $0 + $1.hits }, misses: results.reduce(0) { $0 + $1.misses })
        // Keys of missing masters are not in the figures: scale to the keys of the masters that were read.
        let readTotal = zip(sizes, servers.indices).filter { size, index in size != nil && !missing.contains { $0.address == servers[index].address }
        }
        .compactMap(\.0).reduce(0, +)
        return KeyspaceCensus(
            totalKeys: max(readTotal, sampled), sampledKeys: sampled, memorySource: refusal == nil ? .memoryUsage : .length,
            memoryNote: refusal.map { "MEMORY USAGE refused (\($0.reason)): sizes are string lengths, unknown for collections" },
            elementsNote: Self.note(elementsRefusal.map { ["element counts refused (\($0)): elements unknown where refused"] } ?? [], columnRefusals),
            neverReadKnown: false, missingNodes: missing
        )
    }

    /// The notes of what was refused, as one line; `nil` when nothing was.
    private static func note(_ parts: [String]...) -> String? {
        let lines = parts.flatMap { $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }
}
