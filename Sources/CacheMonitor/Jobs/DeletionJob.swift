import Basics
import ConnectionSupport
import Synchronization

/// What a deletion job reports while it runs and when it ends.
public enum DeletionJobEvent: Sendable, Hashable {
    /// The totals so far (scanned, matched, deleted) and the time since the job started.
    case progress(DeletionTotals, elapsed: Duration)
    /// The final result.
    case finished(DeletionJobResult)
}

/// How a deletion job ended.
public struct DeletionJobResult: Sendable, Hashable {
    public var totals: DeletionTotals
    public var servers: [DeletionOutcome.Server]
    public var elapsed: Duration
    /// Whether it was cancelled before the end (what was deleted until then stays deleted).
    public var cancelled: Bool
    /// Why it failed, when it did (one line).
    public var error: String?
    /// Whether it only counted.
    public var dryRun: Bool
}

/// `--read-only` refused a destructive job; nothing was touched.
public struct ReadOnlyRefusal: Error, Sendable, CustomStringConvertible {
    public var description: String { "refused: read-only mode is on; nothing was touched" }

    public init() {}
}

/// Deleting keys or invalidating a prefix as a cancellable job with progress events — what the dashboard
/// runs when the operator confirms, and what it shows while it runs.
public final class DeletionJob: Sendable {
    /// What to delete.
    public enum Work: Sendable, Hashable {
        /// Exactly these keys.
        case keys([[UInt8]])
        /// Every key starting with the prefix; with `dryRun` only count them.
        case prefix([UInt8], dryRun: Bool)

        var isDryRun: Bool {
            if case .prefix(_, let dryRun) = self { return dryRun }
            return false
        }
    }

    /// Progress events, then one `.finished`, then the end of the stream.
    public let events: AsyncStream<DeletionJobEvent>
    private let cancelled = CancelFlag()
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts `work` on `source`.
    /// - Throws: ``ReadOnlyRefusal`` when `readOnly` and the work would delete (a dry run is allowed).
    public init(on source: any KeyDeletionSource, _ work: Work, readOnly: Bool) throws {
        if readOnly && !work.isDryRun { throw ReadOnlyRefusal() }
        let (stream, continuation) = AsyncStream.makeStream(of: DeletionJobEvent.self, bufferingPolicy: .bufferingNewest(64))
        events = stream
        let started = ContinuousClock.now
        let job = Task { [cancelled] in
            var result = DeletionJobResult(totals: DeletionTotals(), servers: [], elapsed: .zero, cancelled: false, error: nil, dryRun: work.isDryRun)
            do {
                let outcome: DeletionOutcome
                switch work {
                case .keys(let keys):
                    outcome = try await source.deleteKeys(keys)
                case .prefix(let prefix, let dryRun):
                    outcome = try await source.deleteKeys(withPrefix: prefix, dryRun: dryRun) { totals in
                        continuation.yield(.progress(totals, elapsed: ContinuousClock.now - started))
                        return !cancelled.isSet
                    }
                }
                result.totals = outcome.totals
                result.servers = outcome.servers
                result.cancelled = !outcome.totals.finished && cancelled.isSet
            } catch {
                result.error = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            }
            result.elapsed = ContinuousClock.now - started
            continuation.yield(.finished(result))
            continuation.finish()
        }
        task.withLock { $0 = job }
    }

    /// Asks the job to stop after the batch in flight (whose deletions are counted).
    public func cancel() {
        cancelled.set()
    }

    /// Waits for the job and returns its result.
    public func result() async -> DeletionJobResult? {
        var last: DeletionJobResult?
        for await event in events {
            if case .finished(let result) = event { last = result }
        }
        return last
    }
}

/// A flag set once, read from any thread.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
