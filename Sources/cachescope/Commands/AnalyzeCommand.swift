import ArgumentParser
import Basics
import CacheMonitor
import Foundation

/// `cachescope analyze`: where the keys and the memory are, per prefix — from a sample (Redis) or every key.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show keys, memory and TTLs per prefix, and the biggest keys (Redis: a SCAN sample; memcached and in-process: every key).",
        discussion: """
            Redis (a server, or every master of a cluster) is sampled: about --sample keys (default 50,000) read \
            with SCAN and pipelined TYPE, PTTL, MEMORY USAGE and element counts, in small batches that slow down \
            when the server does; figures are scaled to DBSIZE and marked as estimates. --sample all reads every \
            key: every figure is exact. memcached (lru_crawler metadump) and the in-process cache are always read \
            whole; memcached also says which items were written and never read. Keys split into prefix groups at \
            the backend's delimiters (default : / _ . - |; delimiters = in the configuration file).

            With --json: {"backend","type","sampledKeys","totalKeys","estimated","elapsedMs","prefixes":[{"prefix",\
            "depth","keys","memoryBytes","share","noTtlKeys","ttl":{"none","lt1m","lt1h","lt1d","ge1d"},"neverRead"}],\
            "bigKeys":[{"key","type","memoryBytes","elements","ttlMs","node"}],"memorySource"}. Keys and prefixes \
            are in the key escape form; keys, memory and TTL figures are estimated totals for the whole backend; \
            ttlMs is -1 for a key without expiry; null where the backend cannot tell.

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
    var backend: String?

    @Option(help: ArgumentHelp("How many keys to sample on Redis, or all (every key: exact figures).", valueName: "n|all"))
    var sample: String = String(KeyspaceOptions.defaultSampleSize)

    @Option(help: ArgumentHelp("How many of the biggest keys to list, and of each group's largest sub-groups.", valueName: "n"))
    var top: Int = 20

    @Option(help: ArgumentHelp("How many levels of prefix groups to list (1 = top level only).", valueName: "n"))
    var depth: Int = 2

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if sampleSize == .invalid { throw ValidationError("--sample '\(sample)': give a number of keys (100 or more) or all") }
        if top < 0 || top > 10_000 { throw ValidationError("--top \(top): give a number from 0 to 10,000") }
        if depth < 1 || depth > 16 { throw ValidationError("--depth \(depth): give a number from 1 to 16") }
    }

    /// `--sample` read: a number of keys, or all of them.
    private enum SampleSize: Equatable {
        case keys(Int)
        case all, invalid
    }

    private var sampleSize: SampleSize {
        if sample.lowercased() == "all" { return .all }
        guard let count = Int(sample.filter { $0 != "," && $0 != "_" }), count >= 100 else { return .invalid }
        return .keys(count)
    }

    func run() async throws {
        let setup = try connection.setup()
        let backend = try await setup.backend(self.backend)
        let limit: Int? = if case .keys(let count) = sampleSize { count } else { nil }
        let options = KeyspaceOptions(sampleSize: limit, topKeys: top, maxDepth: max(8, depth))
        _ = try backend.commandPort(\.keyspace, for: .keyspace)
        let outcome = try await backend.source.executeThenClose { source in
            try await CommandFailure.reporting(backend.name, backend.address) { try await source.connectForReading() }
            let progress = Terminal.ProgressLine(enabled: Terminal.stderrIsTerminal && !json)
            let job = KeyspaceAnalysis.start(on: backend, options: options)
            for await event in job.events {
                guard case .progress(let read, _) = event else { continue }
                progress.update(
                    "reading keys of \(backend.name): \(HumanUnits.count(read.sampled))\(read.target.map { " of about \(HumanUnits.count($0))" } ?? "")"
                )
            }
            progress.finish()
            return await job.outcome
        }
        guard let report = outcome.report else {
            if case .failed(let reason) = outcome.ending { throw CommandFailure(.backendFailed, "\(backend.name) (\(backend.address)): \(reason)") }
            return
        }
        if json {
            print(AnalyzeReport.json(report, outcome: outcome, depth: depth, top: top).text)
        } else {
            print(AnalyzeReport.table(report, outcome: outcome, depth: depth, top: top), terminator: "")
        }
    }
}
