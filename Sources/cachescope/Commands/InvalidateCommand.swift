import ConnectionSupport
import ArgumentParser
import CacheMonitor
import Foundation
import RESP

/// `cachescope invalidate`: delete given keys, or every key under a prefix, after showing what will go.
struct InvalidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invalidate",
        abstract: "Delete keys, or every key starting with a prefix (SCAN + pipelined UNLINK).",
        discussion: """
            Without --yes, cachescope first counts what matches (with progress on a terminal), shows the count \
            and asks; with --yes it deletes in a single pass. --dry-run only counts. Every key found by the scan \
            is re-checked to start with the prefix, so glob characters in a prefix are harmless. With --json the \
            result is {"matched","deleted","elapsedMs"}. --read-only refuses (exit 3) before touching anything; \
            a --dry-run is still allowed.

            \(ExitStatus.documentation)
            """
    )

    @Argument(help: "The backend: its name (redis, redis2), host:port, or number; optional when only one is given.")
    var backend: String?

    @Option(name: .customLong("key"), parsing: .upToNextOption, help: ArgumentHelp("Keys to delete (key escape form).", valueName: "key"))
    var keys: [String] = []

    @Option(help: ArgumentHelp("Delete every key starting with this prefix (key escape form).", valueName: "prefix"))
    var prefix: String?

    @Flag(name: .customLong("dry-run"), help: "Only count what would be deleted.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard keys.isEmpty != (prefix == nil) else { throw ValidationError("give either --key K… or --prefix P") }
        if prefix == "" { throw ValidationError("--prefix must not be empty (it would match every key)") }
    }

    func run() async throws {
        let source = try connection.redisSource(backend)
        if connection.readOnly && !dryRun {
            throw CommandFailure(.readOnly, "refused: --read-only is set; nothing was touched")
        }
        do {
            let result = try await (prefix != nil ? invalidatePrefix(source) : deleteKeys(source))
            await source.close()
            if let result { report(result, source: source) }
        } catch let error as RedisError {
            await source.close()
            throw CommandFailure(.backendFailed, "\(source.name) (\(source.address)): \(error.message)")
        }
    }

    struct Outcome {
        var matched: Int
        var deleted: Int
        var elapsed: Duration
        var what: String
    }

    private func deleteKeys(_ source: RedisSource) async throws -> Outcome? {
        let parsed: [[UInt8]]
        do {
            parsed = try keys.map(KeyEscaping.parse)
        } catch let error as KeyEscapingError {
            throw CommandFailure(.usage, error.description)
        }
        if parsed.contains(where: \.isEmpty) { throw CommandFailure(.usage, "--key must not be empty") }
        let what = parsed.count == 1 ? "key \(KeyEscaping.escape(parsed[0]))" : "\(parsed.count) keys"
        if dryRun {
            let clock = ContinuousClock()
            let started = clock.now
            let existing = try await source.countExisting(parsed)
            return Outcome(matched: existing, deleted: 0, elapsed: clock.now - started, what: what)
        }
        if !yes {
            let list = parsed.prefix(20).map { "  " + KeyEscaping.escape($0) }.joined(separator: "\n")
            let more = parsed.count > 20 ? "\n  … and \(parsed.count - 20) more" : ""
            Terminal.printError("These keys on \(source.name) (\(source.address)) will be deleted:\n\(list)\(more)")
            guard try confirm("Delete \(what)?") else { return nil }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let (matched, deleted) = try await source.delete(parsed)
        return Outcome(matched: matched, deleted: deleted, elapsed: clock.now - started, what: what)
    }

    private func invalidatePrefix(_ source: RedisSource) async throws -> Outcome? {
        let bytes: [UInt8]
        do {
            bytes = try KeyEscaping.parse(prefix ?? "")
        } catch let error as KeyEscapingError {
            throw CommandFailure(.usage, error.description)
        }
        let what = "keys starting with \(KeyEscaping.escape(bytes))"
        let progress = Terminal.ProgressLine(enabled: Terminal.stderrIsTerminal && !json)
        if !yes && !dryRun {
            let counted = try await source.invalidate(prefix: bytes, dryRun: true) { totals in
                progress.update("counting \(what): scanned \(totals.scanned), matched \(totals.matched)")
                return true
            }
            progress.finish()
            guard counted.matched > 0 else {
                return Outcome(matched: 0, deleted: 0, elapsed: .zero, what: what)
            }
            guard try confirm("Delete \(counted.matched) \(what) on \(source.name) (\(source.address))?") else { return nil }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let verb = dryRun ? "counting" : "deleting"
        let totals = try await source.invalidate(prefix: bytes, dryRun: dryRun) { totals in
            progress.update("\(verb) \(what): scanned \(totals.scanned), matched \(totals.matched), deleted \(totals.deleted)")
            return true
        }
        progress.finish()
        return Outcome(matched: totals.matched, deleted: totals.deleted, elapsed: clock.now - started, what: what)
    }

    /// Asks; `false` when the answer is no. No answer at all (standard input closed) is a usage error.
    private func confirm(_ question: String) throws -> Bool {
        guard let answer = Terminal.confirm(question) else {
            throw CommandFailure(.usage, "no confirmation: standard input is closed; rerun with --yes to delete without asking")
        }
        if !answer { Terminal.printError("Nothing deleted.") }
        return answer
    }

    private func report(_ outcome: Outcome, source: RedisSource) {
        if json {
            print("{\"matched\":\(outcome.matched),\"deleted\":\(outcome.deleted),\"elapsedMs\":\(HumanUnits.milliseconds(outcome.elapsed))}")
            return
        }
        let place = "on \(source.name) (\(source.address))"
        if dryRun {
            print("Dry run: \(outcome.matched) matched (\(outcome.what)) \(place); nothing deleted (\(HumanUnits.seconds(outcome.elapsed))).")
        } else if outcome.matched == 0 && outcome.deleted == 0 {
            print("No \(outcome.what) \(place); nothing deleted.")
        } else {
            print("Deleted \(outcome.deleted) of \(outcome.matched) matching \(outcome.what) \(place) in \(HumanUnits.seconds(outcome.elapsed)).")
        }
    }
}
