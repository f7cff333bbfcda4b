import ArgumentParser
import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
import Foundation
import Memcache
import RESP

/// `cachescope invalidate`: delete given keys, or every key under a prefix, after showing what will go.
struct InvalidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invalidate",
        abstract: "Delete keys, or every key starting with a prefix (Redis: a server-side script, else SCAN + UNLINK; memcached: metadump + delete).",
        discussion: """
            Without --yes, cachescope first counts what matches (with progress on a terminal), shows the count \
            and asks; with --yes it deletes in a single pass. --dry-run only counts. Every key found by the scan \
            is re-checked to start with the prefix, so glob characters in a prefix are harmless. With --json the \
            result is {"matched","deleted","elapsedMs","method"}, plus "fallbackReason" when a faster path was \
            refused, and "servers":[{"address","matched","deleted","method"}] for a cluster or a memcached pool. \
            "method" says which path ran: "script" (Redis: a Lua script scans and unlinks on the server in \
            bounded batches), "scan" (SCAN pages read here, keys sent back in pipelined UNLINKs — a dry run, or \
            where scripting is refused), "script+scan" (refused part way), "metadump" (memcached), "in-process", \
            "keys" (given keys). --read-only refuses (exit 3) before touching anything; a --dry-run is still allowed.

            memcached: keys are listed with `lru_crawler metadump`, which needs memcached 1.4.31 or later and a \
            server not started with -X; otherwise cachescope says so and deletes nothing. Given keys (--key) \
            are deleted on every server of a pool.

            Flask-Caching: --route PATH deletes the cached view of that path and its query-string variants \
            (never longer paths); --memoized NAME deletes the version key of a memoized function \
            (module.qualname, e.g. app.views.expensive; for the Swift Caching library memoize/<name>), which \
            is what delete_memoized does, and with --sweep also the results stored under that version. \
            Keys are looked for under --key-prefix (default: the backend's key_prefix from the configuration \
            file, else flask_cache_).

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
    var backend: String?

    @Option(name: .customLong("key"), parsing: .upToNextOption, help: ArgumentHelp("Keys to delete (key escape form).", valueName: "key"))
    var keys: [String] = []

    @Option(help: ArgumentHelp("Delete every key starting with this prefix (key escape form).", valueName: "prefix"))
    var prefix: String?

    @Option(help: ArgumentHelp("Delete a Flask-Caching cached view and its query-string variants (a URL path).", valueName: "path"))
    var route: String?

    @Option(help: ArgumentHelp("Invalidate a memoized function: delete its version key (module.qualname).", valueName: "function"))
    var memoized: String?

    @Flag(help: "With --memoized, also delete the function's stored results.")
    var sweep = false

    @Option(name: .customLong("key-prefix"), help: ArgumentHelp("The application's key prefix for --route and --memoized.", valueName: "prefix"))
    var keyPrefix: String?

    @Flag(name: .customLong("dry-run"), help: "Only count what would be deleted.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        let targets = [!keys.isEmpty, prefix != nil, route != nil, memoized != nil].filter { $0 }.count
        guard targets == 1 else { throw ValidationError("give one of --key K…, --prefix P, --route PATH or --memoized FUNCTION") }
        if sweep && memoized == nil { throw ValidationError("--sweep goes with --memoized") }
        if memoized == "" { throw ValidationError("--memoized needs a function name") }
        if prefix == "" { throw ValidationError("--prefix must not be empty (it would match every key)") }
    }

    func run() async throws {
        let setup = try connection.setup()
        let backend = try await setup.backend(self.backend)
        let changes = setup.changeRunner()
        do {
            try changes.checkPermitted(dryRun: dryRun)
        } catch {
            throw CommandFailure(.readOnly, "refused: --read-only is set; nothing was touched")
        }
        let change = try requestedChange(on: backend)
        if let reason = backend.reasonCannotRun(change) { throw CommandFailure(.usage, "\(backend.name) (\(backend.address)): \(reason)") }
        let outcome = try await backend.source.executeThenClose { source in
            try await CommandFailure.reporting(backend.name, backend.address) {
                try await source.connect()
                return try await run(change, on: backend, changes: changes)
            }
        }
        guard let outcome else { return }
        switch outcome.ending {
        case .completed, .stopped:
            report(outcome, what: what(change, outcome: outcome), backend: backend)
        case .refused:
            throw CommandFailure(.readOnly, "refused: --read-only is set; nothing was touched")
        case .failed(let error):
            throw CommandFailure(.backendFailed, "\(backend.name) (\(backend.address)): \(error)")
        }
    }

    /// The change the flags ask for; malformed keys and prefixes are usage errors.
    private func requestedChange(on backend: MonitoredBackend) throws -> Change {
        if let prefix { return .invalidatePrefix(try Self.parse(prefix)) }
        let appPrefix = try keyPrefix.map(Self.parse) ?? backend.keyPrefix ?? KeyKind.flaskPrefix
        if let route { return .invalidateRoute(path: route, keyPrefix: appPrefix) }
        if let memoized { return .invalidateMemoized(function: memoized, keyPrefix: appPrefix, sweep: sweep) }
        let parsed = try keys.map(Self.parse)
        if parsed.contains(where: \.isEmpty) { throw CommandFailure(.usage, "--key must not be empty") }
        if let deletion = backend.deletion {
            for key in parsed {
                do { try deletion.validate(key: key) } catch {
                    throw CommandFailure(.usage, "--key \(KeyEscaping.escape(key)): \(ErrorText.oneLine(error))")
                }
            }
        }
        return .deleteKeys(parsed)
    }

    /// A key or prefix in the escape form, as bytes; a malformed escape is a usage error.
    private static func parse(_ text: String) throws -> [UInt8] {
        do {
            return try KeyEscaping.parse(text)
        } catch let error as MonitorError {
            throw CommandFailure(.usage, error.description)
        }
    }

    /// Runs `change` — with `--dry-run` only counting, with `--yes` at once, otherwise after showing what it
    /// will delete and asking. `nil` when the operator said no.
    private func run(_ change: Change, on backend: MonitoredBackend, changes: ChangeRunner) async throws -> ChangeOutcome? {
        if dryRun || yes { return await follow(changes.start(change, on: backend, dryRun: dryRun), change) }
        switch change {
        case .invalidatePrefix:
            let counted = await follow(changes.start(change, on: backend, dryRun: true), change, counting: true)
            guard case .completed = counted.ending, counted.totals.matched > 0 else { return counted }
            let question = "Delete \(counted.totals.matched) \(what(change, outcome: counted)) on \(backend.name) (\(backend.address))?"
            guard try confirm(question) else { return nil }
            return await follow(changes.start(change, on: backend), change)
        case .deleteKeys(let keys):
            guard try confirm(listing: keys, what: what(change, outcome: nil), on: backend) else { return nil }
            return await follow(changes.start(change, on: backend), change)
        default:
            // A route or memoized function: find its keys, show them, and delete exactly those.
            let found = await follow(changes.start(change, on: backend, dryRun: true), change, counting: true)
            guard case .completed = found.ending, !found.keys.isEmpty else { return found }
            if case .invalidateRoute = change, found.totals.matched == 0 { return found }
            guard try confirm(listing: found.keys, what: what(change, outcome: found), on: backend) else { return nil }
            var outcome = await follow(changes.start(.deleteKeys(found.keys), on: backend), change)
            outcome.change = change
            return outcome
        }
    }

    /// Waits for `job`, showing its progress on a terminal (prefixes, which can take long).
    private func follow(_ job: ChangeJob, _ change: Change, counting: Bool = false) async -> ChangeOutcome {
        let progress = Terminal.ProgressLine(enabled: Terminal.stderrIsTerminal && !json)
        let verb = counting || dryRun ? "counting" : "deleting"
        for await event in job.events {
            guard case .progress(let totals, _) = event, case .invalidatePrefix = change else { continue }
            let deleted = counting || dryRun ? "" : ", deleted \(totals.deleted)"
            progress.update("\(verb) \(what(change, outcome: nil)): scanned \(totals.scanned), matched \(totals.matched)\(deleted)")
        }
        progress.finish()
        return await job.outcome
    }

    /// What the change deletes, in the result sentence: `keys starting with p:`, `version key of f`.
    private func what(_ change: Change, outcome: ChangeOutcome?) -> String {
        switch change {
        case .invalidatePrefix(let prefix):
            return "keys starting with \(KeyEscaping.escape(prefix))"
        case .deleteKeys(let keys):
            return keys.count == 1 ? "key \(KeyEscaping.escape(keys[0]))" : "\(keys.count) keys"
        case .invalidateRoute(let path, _):
            let count = outcome?.keys.count ?? 0
            return count == 0 ? "cached keys of route \(path)" : count == 1 ? "cached key of route \(path)" : "\(count) cached keys of route \(path)"
        case .invalidateMemoized(let function, _, let sweep):
            let results = max(0, (outcome?.keys.count ?? 1) - 1)
            return sweep ? "version key and \(results) stored results of \(function)" : "version key of \(function)"
        case .setExpiry, .clearDemoCache, .killClient:
            return "keys"
        }
    }

    /// Lists the keys on standard error and asks.
    private func confirm(listing keys: [[UInt8]], what: String, on backend: MonitoredBackend) throws -> Bool {
        let list = keys.prefix(20).map { "  " + KeyEscaping.escape($0) }.joined(separator: "\n")
        let more = keys.count > 20 ? "\n  … and \(keys.count - 20) more" : ""
        Terminal.printError("These keys on \(backend.name) (\(backend.address)) will be deleted:\n\(list)\(more)")
        return try confirm("Delete \(what)?")
    }

    /// Asks; `false` when the answer is no. No answer at all (standard input closed) is a usage error.
    private func confirm(_ question: String) throws -> Bool {
        guard let answer = Terminal.confirm(question) else {
            throw CommandFailure(.usage, "no confirmation: standard input is closed; rerun with --yes to delete without asking")
        }
        if !answer { Terminal.printError("Nothing deleted.") }
        return answer
    }

    private func report(_ outcome: ChangeOutcome, what: String, backend: MonitoredBackend) {
        let (matched, deleted) = (outcome.totals.matched, outcome.totals.deleted)
        if json {
            let servers = outcome.servers.map { server in
                let method = server.totals.methods.name.map { ",\"method\":\(JSONText.quoted($0))" } ?? ""
                return
                    "{\"address\":\(JSONText.quoted(server.address)),\"matched\":\(server.totals.matched),\"deleted\":\(server.totals.deleted)\(method)}"
            }
            let serversField = servers.isEmpty ? "" : ",\"servers\":[\(servers.joined(separator: ","))]"
            let method = outcome.totals.methods.name.map { ",\"method\":\(JSONText.quoted($0))" } ?? ""
            let fallback = outcome.totals.fallbackReason.map { ",\"fallbackReason\":\(JSONText.quoted($0))" } ?? ""
            print(
                "{\"matched\":\(matched),\"deleted\":\(deleted),\"elapsedMs\":\(outcome.elapsed.inMilliseconds)\(method)\(fallback)\(serversField)}")
            return
        }
        let place = "on \(backend.name) (\(backend.address))"
        if dryRun {
            print("Dry run: \(matched) matched (\(what)) \(place); nothing deleted (\(DurationText.took(outcome.elapsed))).")
        } else if matched == 0 && deleted == 0 {
            print("No \(what) \(place); nothing deleted.")
        } else {
            print("Deleted \(deleted) of \(matched) matching \(what) \(place) in \(DurationText.took(outcome.elapsed)).")
        }
        // A pool's servers or a cluster's masters: each one's share.
        if outcome.servers.count > 1 {
            for server in outcome.servers {
                let share = dryRun ? "\(server.totals.matched) matched" : "\(server.totals.deleted) deleted of \(server.totals.matched)"
                print("  \(server.address): \(share)")
            }
        }
    }
}
