import Basics
import Foundation
import Memcache

extension MemcachedSource: KeyspaceSource {
    /// Every item of every server, exact (whatever `limit`): `lru_crawler metadump` gives each key's size,
    /// expiry and whether it was ever fetched. A pool's server that cannot be read is reported missing while
    /// the others are read.
    package func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus {
        var read = 0
        var expected = 0
        var missing: [KeyspaceCensus.MissingNode] = []
        var neverReadKnown = false
        var stopped = false
        var lastError: (any Error)?
        for client in clients where !stopped {
            let server = client.address.description
            do {
                let stats = try await client.stats()
                let serverTime = stats.first { $0.name == "time" }.flatMap { Int64($0.value) } ?? Int64(Date().timeIntervalSince1970)
                let items = stats.first { $0.name == "curr_items" }.flatMap { Int($0.value) } ?? 0
                expected += items
                _ = try await MetadumpReader.dump(
                    from: client.address, scope: Self.scope(forVersion: stats), connectTimeout: client.configuration.connectTimeout,
                    expectedItems: items
                ) { entries in
                    let batch = entries.map { entry in
                        SampledKey(
                            key: entry.key, type: "item", ttlMilliseconds: entry.expiresAt.map { max(0, $0 - serverTime) * 1000 },
                            memoryBytes: entry.size, node: clients.count > 1 ? server : nil, neverRead: entry.fetched.map { !$0 })
                    }
                    if batch.contains(where: { $0.neverRead != nil }) { neverReadKnown = true }
                    body(batch)
                    read += batch.count
                    stopped = !progress(read)
                    return !stopped
                }
            } catch {
                lastError = error
                missing.append(KeyspaceCensus.MissingNode(address: server, reason: (error as? MemcachedError)?.message ?? ErrorText.oneLine(error)))
            }
        }
        if missing.count == clients.count, let lastError { throw lastError }
        // Read whole, the count is exact; stopped early, what was read stands for the items the servers hold.
        return KeyspaceCensus(
            totalKeys: stopped ? max(read, expected) : read, sampledKeys: read, memorySource: .memoryUsage, neverReadKnown: neverReadKnown,
            missingNodes: missing)
    }
}
