import ArgumentParser
import Basics
import Caching
import ConnectionSupport
import Foundation

/// The Caching library against Flask-Caching's cachelib, as `scripts/bench-caching.sh` runs them: the same
/// calls a user makes (through the `Cache` facade, values encoded and decoded), one JSON line of results.
extension BenchCommand {
    /// `SimpleCache` through `Cache`: sets while filling to the threshold, gets of present keys, and sets of
    /// new keys once full (each one makes the cache evict).
    struct SimpleCacheOperations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "simplecache")

        @Option(help: "The cache's threshold (entries).") var threshold: Int = 200_000
        @Option(help: "Sets of new keys into the full cache.") var fullSets: Int = 200_000
        @Option(help: ArgumentHelp(Self.levelHelp))
        var level: String = "backend"

        static let levelHelp = """
            backend: SimpleCache itself, as cachelib's SimpleCache is measured (values encoded to and decoded from bytes); \
            facade: through Cache (key prefix, statistics, Codable values).
            """

        func run() async throws {
            guard level == "backend" || level == "facade" else { throw ValidationError("--level is backend or facade") }
            if level == "backend" {
                try runOnBackend()
                return
            }
            let cache = Cache(backend: SimpleCache(threshold: threshold), configuration: .init(defaultTimeout: 300))
            let keys = (0..<threshold).map { "key:\($0)" }
            let clock = ContinuousClock()

            var setTime = Duration.zero
            for pass in 0..<passes {
                if pass > 0 { try await cache.clear() }
                let started = clock.now
                for (index, key) in keys.enumerated() { try await cache.set(key, "value-\(index)") }
                setTime += clock.now - started
            }
            let setSeconds = setTime.inSeconds / Double(passes)

            var getTime = Duration.zero
            for _ in 0..<passes {
                let started = clock.now
                var found = 0
                for key in keys where try await cache.get(key, as: String.self) != nil { found += 1 }
                getTime += clock.now - started
                guard found == keys.count else { throw ValidationError("only \(found) of \(keys.count) keys were found") }
            }
            let getSeconds = getTime.inSeconds / Double(passes)

            let started = clock.now
            for index in 0..<fullSets { try await cache.set("new:\(index)", "value-\(index)") }
            let fullSeconds = (clock.now - started).inSeconds

            print(
                """
                {"threshold":\(threshold),"setOpsPerSecond":\(Double(keys.count) / setSeconds),\
                "getOpsPerSecond":\(Double(keys.count) / getSeconds),"fullSetOpsPerSecond":\(Double(fullSets) / fullSeconds)}
                """)
        }
    }

}

extension BenchCommand.SimpleCacheOperations {
    /// How many times the set and get loops run over the `threshold` keys: enough for 200,000 operations
    /// each (one pass at 200,000 entries, 400 at 500), so that a small cache is timed over as many calls
    /// as a big one; `scripts/bench/cachelib_peers.py` does the same.
    var passes: Int { max(1, 200_000 / max(1, threshold)) }

    /// The same three measurements on `SimpleCache` directly: a string value becomes bytes on the way in and
    /// a string again on the way out (cachelib pickles and unpickles it).
    func runOnBackend() throws {
        let cache = SimpleCache(threshold: threshold)
        let keys = (0..<threshold).map { "key:\($0)" }
        let lifetime = CacheTimeout(seconds: 300)
        let clock = ContinuousClock()
        let baseline = ResidentMemory.bytes()

        var setTime = Duration.zero
        var bytesPerEntry = 0.0
        var setFaults = 0
        for pass in 0..<passes {
            if pass > 0 { _ = cache.clear(prefix: "") }
            let faults = ResidentMemory.minorFaults()
            let started = clock.now
            for (index, key) in keys.enumerated() {
                try cache.set(key, CacheValue(format: .text, bytes: Array("value-\(index)".utf8)), timeout: lifetime)
            }
            setTime += clock.now - started
            setFaults += ResidentMemory.minorFaults() - faults
            if pass == 0 { bytesPerEntry = Double(ResidentMemory.bytes() - baseline) / Double(threshold) }
        }

        var getTime = Duration.zero
        for _ in 0..<passes {
            let started = clock.now
            var found = 0
            for key in keys where cache.get(key).map({ String(decoding: $0.bytes, as: UTF8.self) }) != nil { found += 1 }
            getTime += clock.now - started
            guard found == keys.count else { throw ValidationError("only \(found) of \(keys.count) keys were found") }
        }

        let started = clock.now
        for index in 0..<fullSets { try cache.set("new:\(index)", CacheValue(format: .text, bytes: Array("value-\(index)".utf8)), timeout: lifetime) }
        let fullSeconds = (clock.now - started).inSeconds

        // The same full-cache sets with keys and values made beforehand: what the cache itself costs.
        let prepared = (0..<min(fullSets, 1_000_000)).map { ("old:\($0)", CacheValue(format: .text, bytes: Array("value-\($0)".utf8))) }
        let preparedStarted = clock.now
        for (key, value) in prepared { try cache.set(key, value, timeout: lifetime) }
        let preparedSeconds = (clock.now - preparedStarted).inSeconds

        let operations = Double(keys.count * passes)
        print(
            """
            {"threshold":\(threshold),"setOpsPerSecond":\(operations / setTime.inSeconds),\
            "getOpsPerSecond":\(operations / getTime.inSeconds),"fullSetOpsPerSecond":\(Double(fullSets) / fullSeconds),\
            "preparedFullSetOpsPerSecond":\(Double(prepared.count) / preparedSeconds),"bytesPerEntry":\(bytesPerEntry),\
            "setPageFaultsPerCall":\(Double(setFaults) / operations),"pageFaultNanoseconds":\(ResidentMemory.pageFaultNanoseconds())}
            """)
    }
}

/// The process's resident memory, from `/proc/self/statm` (0 where it cannot be read), and what first
/// touching memory costs here.
enum ResidentMemory {
    /// Page faults the process took without reading a disk (first touches of fresh memory), so far.
    static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_minflt
    }

    /// What one page fault on fresh memory costs on this machine: 64 MB mapped anew and written once per
    /// page, timed, divided by the faults it took (best of three).
    static func pageFaultNanoseconds() -> Double {
        let size = 64 << 20
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var best = Double.infinity
        for _ in 0..<3 {
            guard let memory = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), memory != MAP_FAILED else { return 0 }
            let bytes = memory.assumingMemoryBound(to: UInt8.self)
            let faults = minorFaults()
            let started = ContinuousClock.now
            for offset in stride(from: 0, to: size, by: page) { bytes[offset] = 1 }
            let elapsed = (ContinuousClock.now - started).inSeconds
            let taken = minorFaults() - faults
            munmap(memory, size)
            if taken > 0 { best = min(best, elapsed / Double(taken) * 1e9) }
        }
        return best.isFinite ? best : 0
    }

    static func bytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension BenchCommand {
    /// A memoized function on `SimpleCache`, called again and again with the same arguments (every call a
    /// hit): the time one hit costs.
    struct MemoizeHit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "memoize")

        @Option(help: "Calls after the first (all hits).") var calls: Int = 200_000

        func run() async throws {
            let cache = Cache(backend: SimpleCache(), configuration: .init(defaultTimeout: 300))
            let add = cache.memoize("add", timeout: 300) { (a: Int, b: Int) async throws -> Int in a + b }
            _ = try await add(1, 2)
            let clock = ContinuousClock()
            let started = clock.now
            var total = 0
            for _ in 0..<calls { total &+= try await add(1, 2) }
            let seconds = (clock.now - started).inSeconds
            guard total == calls * 3 else { throw ValidationError("wrong results") }
            let hits = cache.statistics.snapshot().total.hits
            print("{\"calls\":\(calls),\"hits\":\(hits),\"microsecondsPerHit\":\(seconds / Double(calls) * 1_000_000)}")
        }
    }
}
