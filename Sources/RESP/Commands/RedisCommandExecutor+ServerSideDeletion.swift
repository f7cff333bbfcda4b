import Basics
import ConnectionSupport
import Crypto

/// Prefix deletion run by the server itself: a Lua script, called with `EVALSHA` once per batch (and with
/// `EVAL`, which caches it, when the server does not have it yet), takes a few `SCAN … MATCH` steps from a
/// cursor and `UNLINK`s what they found, answering only the next cursor and the counts. No key name
/// crosses the network.
///
/// The keyspace is walked as two halves at once (``ScanRange``), each by its own chain of calls on the
/// same connection: while one call's reply travels to us and the next call travels back, the other
/// half's call is already queued at the server, so the server is never idle waiting for us.
///
/// Each call is bounded (about a thousand keys walked, about 1 ms here; the steps per call adapt, see
/// ``ScriptPace``), so another client's command waits behind at most two calls. A script is not used for a dry run (the
/// client-side scan de-duplicates what it counts). Where scripting is refused — `EVALSHA` and `EVAL`
/// refused by an ACL or renamed away, a command inside the script refused, a busy or older server — the
/// deletion carries on by itself from each half's last cursor on the client-side path, and the totals
/// say which methods ran and why.
extension RedisCommandExecutor {
    /// Deletes every key starting with `prefix` on this one server by script, as far as the server lets
    /// the script run.
    ///
    /// - Parameters:
    ///   - unlinkEachKey: unlink one key per command inside the script (a cluster node refuses a
    ///     multi-key `UNLINK` across slots inside a script, even one of its own slots).
    ///   - pace: how long each call may keep the server (see ``ScriptPace``).
    /// - Returns: the totals when the script finished or `progress` stopped it; otherwise what the
    ///   client-side path has to walk still (the ranges left, and the totals so far with the reason).
    func deleteKeysByScript(
        withPrefix prefix: [UInt8], count: Int, unlinkEachKey: Bool, pace: ScriptPace = .alone, progress: (DeletionTotals) -> Bool
    ) async throws -> ScriptDeletion {
        let halves = ScanRange.halves
        let (events, sink) = AsyncStream.makeStream(of: ScriptHalfEvent.self)
        var perHalf = [DeletionTotals](repeating: DeletionTotals(), count: halves.count)
        var stopped = false
        // A stop is a request the halves see between calls, never a cancellation: a call in flight finishes
        // and its keys are counted.
        let stop = StopSignal()
        // Progress travels through the stream; each half's final totals come back as its task's result,
        // which a task group hands over even when this task is cancelled (a stream would end at once).
        let results = await withTaskGroup(of: ScriptHalfResult.self) { group in
            for (index, half) in halves.enumerated() {
                group.addTask {
                    do {
                        let end = try await self.deleteByScript(
                            in: half, prefix: prefix, count: count, unlinkEachKey: unlinkEachKey, pace: pace, stop: stop
                        ) {
                            sink.yield(.progress(index, $0))
                        }
                        sink.yield(.ended(failed: false))
                        return ScriptHalfResult(end: .success(end))
                    } catch {
                        sink.yield(.ended(failed: true))
                        return ScriptHalfResult(end: .failure(error))
                    }
                }
            }
            var running = halves.count
            for await event in events {
                switch event {
                case .progress(let index, let totals):
                    perHalf[index] = totals
                case .ended(let failed):
                    running -= 1
                    if failed { stop.set() }
                }
                if running == 0 { break }
                if !stopped, !progress(Self.merged(perHalf)) {
                    stopped = true
                    stop.set()
                }
            }
            sink.finish()
            var results: [ScriptHalfResult] = []
            for await result in group { results.append(result) }
            return results
        }
        var ends: [ScriptHalfEnd] = []
        for result in results { ends.append(try result.end.get()) }
        var totals = Self.merged(ends.map(\.totals))
        if stopped || ends.contains(where: \.cancelled) { return .ended(totals) }
        let left = ends.compactMap(\.left)
        guard left.isEmpty else { return .fallBack(left: left, carried: totals) }
        totals.finished = true
        _ = progress(totals)
        return .ended(totals)
    }

    /// Deletes every key starting with `prefix` on this server by script, and on the client side wherever
    /// the server refused it: `SCAN` here, `UNLINK` through `deleter` (this server, or a cluster client that
    /// follows a key that moved).
    public func deleteKeysOnServer(
        withPrefix prefix: [UInt8], count: Int, unlinkingThrough deleter: some RedisCommandExecutor, unlinkEachKey: Bool = false,
        pace: ScriptPace = .alone, progress: (DeletionTotals) -> Bool
    ) async throws -> DeletionTotals {
        switch try await deleteKeysByScript(withPrefix: prefix, count: count, unlinkEachKey: unlinkEachKey, pace: pace, progress: progress) {
        case .ended(let totals):
            return totals
        case .fallBack(let left, let carried):
            return try await deleter.deleteKeys(
                withPrefix: prefix, scanning: self, count: count, dryRun: false, walking: left, carrying: carried, progress: progress)
        }
    }

    /// The halves' totals as one (finished is decided by the caller).
    private static func merged(_ halves: [DeletionTotals]) -> DeletionTotals {
        var totals = DeletionTotals.sum(halves)
        totals.finished = false
        return totals
    }

    /// One half's chain of script calls, until its range ends, a stop is asked for, or the server refuses
    /// (then the range that is left).
    private func deleteByScript(
        in range: ScanRange, prefix: [UInt8], count: Int, unlinkEachKey: Bool, pace: ScriptPace, stop: StopSignal,
        report: (DeletionTotals) -> Void
    ) async throws -> ScriptHalfEnd {
        var totals = DeletionTotals()
        var batch = ScriptBatchSize(pace: pace, count: count)
        var cursor = range.start
        let pattern = RedisGlob.matchingPrefix(prefix)
        let clock = ContinuousClock()
        while true {
            if stop.isSet { return ScriptHalfEnd(totals: totals, left: nil, cancelled: true) }
            let arguments: [any RESPArgument] = [
                0, cursor, pattern, batch.scanCount, batch.steps, prefix, unlinkEachKey ? 1 : 0, range.endsAtOddCursor ? 1 : 0,
            ]
            let started = clock.now
            var reply = try await send([RESPCommand("EVALSHA", [PrefixDeletionScript.sha1] + arguments)])[0]
            if let message = reply.errorMessage, message.hasPrefix("NOSCRIPT") {
                // Not in the server's script cache (first use, or flushed since): EVAL runs it and caches it.
                reply = try await send([RESPCommand("EVAL", [PrefixDeletionScript.source] + arguments)])[0]
            }
            if let message = reply.errorMessage {
                totals.fallbackReason = message
                return ScriptHalfEnd(totals: totals, left: range.from(cursor))
            }
            guard let step = ScriptStep(reply) else {
                throw RedisError(.protocolViolation, "protocol violation: unexpected reply of the deletion script")
            }
            batch.adapt(to: clock.now - started)
            totals.methods.insert(.script)
            totals.scanned += step.scanned
            totals.matched += step.deleted
            totals.deleted += step.deleted
            if let refusal = step.refusal {
                // The script stopped before the failing step's keys were all handled: that step is
                // scanned again on the client side (keys it already unlinked are gone and not found again).
                totals.fallbackReason = refusal
                return ScriptHalfEnd(totals: totals, left: range.from(step.cursor))
            }
            cursor = step.cursor
            guard range.continues(after: cursor) else { return ScriptHalfEnd(totals: totals, left: nil) }
            report(totals)
        }
    }
}

/// What one half's chain of calls tells the deletion that runs both, as it goes.
enum ScriptHalfEvent: Sendable {
    case progress(Int, DeletionTotals)
    case ended(failed: Bool)
}

/// One half's task result (a struct, not a tuple: see DESIGN.md on task-group results).
struct ScriptHalfResult: Sendable {
    var end: Result<ScriptHalfEnd, any Error>
}

/// How one half's script calls ended: its totals, the range still to walk when the server refused, and
/// whether it was stopped.
struct ScriptHalfEnd: Sendable {
    var totals: DeletionTotals
    var left: ScanRange?
    var cancelled = false
}

/// How a script deletion ended.
enum ScriptDeletion: Sendable {
    /// It finished, or was stopped: these are the totals.
    case ended(DeletionTotals)
    /// The server refused the script (the reason is in `carried.fallbackReason`): the client-side path
    /// walks the ranges `left`, adding to `carried`.
    case fallBack(left: [ScanRange], carried: DeletionTotals)
}

/// A part of the keyspace as `SCAN` walks it, so that two walkers can share the work without missing a
/// key. `SCAN` visits buckets in the order of the cursor's reversed bits, whatever the table's size: the
/// cursor's lowest bit is the highest bit of that order. Cursors with the lowest bit clear are the first
/// half of the walk, odd cursors the second; the first half ends at the first odd cursor (or 0), the
/// second at 0. A call that crosses into the other half may visit a few of its buckets as well: those
/// keys are deleted once (the second `UNLINK` finds nothing).
public struct ScanRange: Sendable, Hashable {
    /// Where the walk starts (or goes on).
    public var start: UInt64
    /// The first half ends where the cursor turns odd.
    public var endsAtOddCursor: Bool

    /// The whole keyspace from cursor 0.
    public static let whole = ScanRange(start: 0, endsAtOddCursor: false)
    /// The two halves.
    public static let halves = [ScanRange(start: 0, endsAtOddCursor: true), ScanRange(start: 1, endsAtOddCursor: false)]

    /// Whether the walk goes on after `SCAN` answered `cursor`.
    public func continues(after cursor: UInt64) -> Bool {
        cursor != 0 && !(endsAtOddCursor && cursor & 1 == 1)
    }

    /// The rest of this range from `cursor`.
    func from(_ cursor: UInt64) -> ScanRange {
        ScanRange(start: cursor, endsAtOddCursor: endsAtOddCursor)
    }
}

/// How much one script call walks: `steps` `SCAN` steps of `scanCount` each, adapted after every call so
/// that the round trip of a call stays in a target range. Since the two halves keep a call queued at the
/// server while the other's reply travels, short calls cost the server no idle time, only a little
/// per-call work; what they buy is that another client's command waits behind at most two short calls.
/// Alone on a server the round trip is kept at 1.5–2.5 ms (each call about half of it: another client's
/// p99 round trip stayed near 5 ms with 2–3.5 ms on this VM); on a host whose cores are shared by several
/// masters working at once, at 1–1.75 ms, since another client may also wait for a core.
public struct ScriptPace: Sendable, Hashable {
    var scanCount: Int
    var target: ClosedRange<Duration>

    /// A server deleting alone on its host.
    public static let alone = ScriptPace(scanCount: 500, target: .microseconds(1500) ... .microseconds(2500))
    /// Servers sharing a host's cores while they delete.
    public static let sharingCores = ScriptPace(scanCount: 250, target: .milliseconds(1) ... .microseconds(1750))
}

struct ScriptBatchSize {
    let scanCount: Int
    private let target: ClosedRange<Duration>
    var steps = 2
    private static let maximumSteps = 256

    init(pace: ScriptPace, count: Int) {
        scanCount = max(10, min(count, pace.scanCount))
        target = pace.target
    }

    mutating func adapt(to elapsed: Duration) {
        if elapsed < target.lowerBound {
            steps = min(steps + max(1, steps / 4), Self.maximumSteps)
        } else if elapsed > target.upperBound, steps > 1 {
            steps = elapsed > target.upperBound * 2 ? max(1, steps / 2) : steps - 1
        }
    }
}

/// The reply of one script call: `{cursor, scanned, deleted[, refusal]}`.
struct ScriptStep {
    var cursor: UInt64
    var scanned: Int
    var deleted: Int
    /// The error a command inside the script answered; the script stopped there.
    var refusal: String?

    init?(_ reply: RESPValue) {
        guard let parts = reply.array, parts.count >= 3, let text = parts[0].string, let cursor = UInt64(text),
            let scanned = parts[1].integer, let deleted = parts[2].integer
        else { return nil }
        self.cursor = cursor
        self.scanned = Int(scanned)
        self.deleted = Int(deleted)
        refusal = parts.count > 3 ? parts[3].string ?? parts[3].errorMessage : nil
    }
}

/// The Lua source. `ARGV`: cursor, `MATCH` pattern, `COUNT`, steps, the literal prefix (every key is
/// re-checked byte for byte, as on the client side), `1` to unlink key by key, and `1` to stop at an odd
/// cursor (the end of the first half, see ``ScanRange``). Commands run through
/// `redis.pcall`, so a refusal ends the call with the counts so far and the cursor before the failing
/// step instead of losing them.
enum PrefixDeletionScript {
    static let source = """
        local cursor, pattern, count, steps = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local prefix, eachKey, endsAtOdd = ARGV[5], ARGV[6] == '1', ARGV[7] == '1'
        local width = #prefix
        local scanned, deleted = 0, 0
        for _ = 1, steps do
          local page = redis.pcall('SCAN', cursor, 'MATCH', pattern, 'COUNT', count)
          if page.err then return {cursor, scanned, deleted, page.err} end
          local keys = page[2]
          local found = {}
          for i = 1, #keys do
            local key = keys[i]
            if string.sub(key, 1, width) == prefix then found[#found + 1] = key end
          end
          if eachKey then
            for i = 1, #found do
              local removed = redis.pcall('UNLINK', found[i])
              if type(removed) == 'table' then return {cursor, scanned, deleted, removed.err} end
              deleted = deleted + removed
            end
          else
            for first = 1, #found, 1000 do
              local removed = redis.pcall('UNLINK', unpack(found, first, math.min(first + 999, #found)))
              if type(removed) == 'table' then return {cursor, scanned, deleted, removed.err} end
              deleted = deleted + removed
            end
          end
          scanned = scanned + #keys
          cursor = page[1]
          if cursor == '0' or (endsAtOdd and string.find(cursor, '[13579]$')) then break end
        end
        return {cursor, scanned, deleted}
        """

    /// The script's SHA1 digest in hex, as `EVALSHA` names it.
    static let sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }.joined()
}
