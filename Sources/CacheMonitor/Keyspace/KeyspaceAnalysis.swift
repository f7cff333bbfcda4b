import Basics

/// How a keyspace analysis reads and groups keys.
package struct KeyspaceOptions: Sendable, Hashable {
    /// About how many keys to read where a backend is sampled (Redis); `nil` reads every key, which makes
    /// every figure exact. memcached and in-process caches are always read whole.
    package var sampleSize: Int?
    /// How many of the biggest keys to keep.
    package var topKeys: Int
    /// How many delimiters deep groups go.
    package var maxDepth: Int

    /// 50,000 keys: every prefix with 5% of the keys or more is then within ±10% of its true count.
    package static let defaultSampleSize = 50_000

    package init(sampleSize: Int? = KeyspaceOptions.defaultSampleSize, topKeys: Int = 20, maxDepth: Int = 8) {
        self.sampleSize = sampleSize
        self.topKeys = topKeys
        self.maxDepth = maxDepth
    }
}

/// How far a keyspace analysis got.
package struct KeyspaceProgress: Sendable, Hashable {
    /// Keys read so far.
    package var sampled: Int
    /// Keys it means to read (`nil`: all of them).
    package var target: Int?
    /// The server's own key-size distribution, read first (free: `INFO keysizes`), where it keeps one.
    package var keySizes: KeySizeDistribution?

    package init(sampled: Int, target: Int?, keySizes: KeySizeDistribution? = nil) {
        self.sampled = sampled
        self.target = target
        self.keySizes = keySizes
    }
}

/// How a keyspace analysis ended: the report (also after a stop: the keys read until then are a sample
/// too) and how long it took.
package typealias KeyspaceOutcome = JobOutcome<SampleDetails<KeyspaceOptions, KeyspaceReport>>

/// A running keyspace analysis.
package typealias KeyspaceJob = Job<KeyspaceProgress, KeyspaceOutcome>

/// Keyspace analyses as jobs: the backend's keys read (sampled or all), added up by prefix as they arrive,
/// with progress and a stop between batches.
package enum KeyspaceAnalysis {
    /// Starts analysing `backend`'s keyspace.
    package static func start(on backend: MonitoredBackend, options: KeyspaceOptions = KeyspaceOptions()) -> KeyspaceJob {
        KeyspaceJob(details: SampleDetails(backend: backend, options: options, report: nil)) { context, outcome in
            var aggregator = KeyspaceAggregator(
                delimiters: backend.delimiters, keyPrefix: backend.keyPrefix, maxDepth: options.maxDepth, topKeys: options.topKeys)
            let source = try backend.port(\.keyspace, for: .keyspace)
            // A free first pass where the server counts key sizes itself; its failure never stops the analysis.
            let keySizes = try? await backend.keySizes?.keySizes()
            if keySizes != nil { context.report(KeyspaceProgress(sampled: 0, target: options.sampleSize, keySizes: keySizes)) }
            let census = try await backend.using([.keyspace]) {
                try await source.sampleKeyspace(limit: options.sampleSize) { batch in
                    for key in batch { aggregator.add(key) }
                } progress: { read in
                    context.report(KeyspaceProgress(sampled: read, target: options.sampleSize, keySizes: keySizes))
                    return !context.isStopRequested
                }
            }
            let functions = await MemoizedFunctions.read(
                versions: aggregator.memoizedVersions, versionKeys: aggregator.versionKeys, keyPrefix: aggregator.memoizePrefix,
                wholeKeyspace: census.sampledKeys >= census.totalKeys, on: backend.browsing
            ) { context.isStopRequested }
            outcome.report = aggregator.report(census, functions: functions)
            outcome.report?.keySizes = keySizes
            if context.isStopRequested { outcome.ending = .stopped }
        }
    }
}
