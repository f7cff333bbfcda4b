import Basics
import ArgumentParser
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
        abstract: "Delete keys, or every key starting with a prefix (Redis: SCAN + UNLINK; memcached: metadump + delete).",
        discussion: """
            Without --yes, cachescope first counts what matches (with progress on a terminal), shows the count \
            and asks; with --yes it deletes in a single pass. --dry-run only counts. Every key found by the scan \
            is re-checked to start with the prefix, so glob characters in a prefix are harmless. With --json the \
            result is {"matched","deleted","elapsedMs"}, plus "servers":[{"address","matched","deleted"}] for a \
            memcached backend. --read-only refuses (exit 3) before touching anything; a --dry-run is still allowed.

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

    @Argument(help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.")
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
        let source = try connection.source(backend)
        if connection.readOnly && !dryRun {
            throw CommandFailure(.readOnly, "refused: --read-only is set; nothing was touched")
        }
        let parsedPrefix = try prefix.map(Self.parse)
        let parsedKeys = try keys.map(Self.parse)
        if parsedKeys.contains(where: \.isEmpty) { throw CommandFailure(.usage, "--key must not be empty") }
        if source is MemcachedSource {
            for key in parsedKeys {
                do { try MemcachedKey.validate(key) } catch let error as MemcachedError {
                    throw CommandFailure(.usage, "--key \(KeyEscaping.escape(key)): \(error.message)")
                }
            }
        }
        let result: Outcome?
        do {
            result = try await CommandFailure.reporting(source.name, source.address) {
                try await source.connect()
                if let parsedPrefix { return try await invalidatePrefix(parsedPrefix, on: source) }
                if route != nil || memoized != nil { return try await invalidateFlaskCaching(on: source) }
                return try await deleteKeys(parsedKeys, on: source)
            }
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        if let result { report(result, source: source) }
    }

    struct Outcome {
        var matched: Int
        var deleted: Int
        var elapsed: Duration
        var what: String
        var servers: [DeletionOutcome.Server] = []
    }

    /// A key or prefix in the escape form, as bytes; a malformed escape is a usage error.
    private static func parse(_ text: String) throws -> [UInt8] {
        do {
            return try KeyEscaping.parse(text)
        } catch let error as KeyEscapingError {
            throw CommandFailure(.usage, error.description)
        }
    }

    /// `--route` / `--memoized`: find the keys, then delete them like `--key`.
    private func invalidateFlaskCaching(on source: any CacheSource) async throws -> Outcome? {
        let appPrefix = try keyPrefix.map(Self.parse) ?? (try connection.backend(backend).keyPrefix).map { Array($0.utf8) } ?? KeyKind.flaskPrefix
        if let route {
            let found = try await FlaskCachingActions.routeKeys(path: route, prefix: appPrefix, on: source)
            let what = "cached keys of route \(route)"
            guard !found.isEmpty else { return Outcome(matched: 0, deleted: 0, elapsed: .zero, what: what) }
            return try await deleteKeys(found, on: source, what: found.count == 1 ? "cached key of route \(route)" : "\(found.count) \(what)")
        }
        let function = memoized ?? ""
        let found = try await FlaskCachingActions.memoizedKeys(function: function, prefix: appPrefix, sweep: sweep, on: source)
        let what = sweep ? "version key and \(found.results.count) stored results of \(function)" : "version key of \(function)"
        return try await deleteKeys([found.versionKey] + found.results, on: source, what: what)
    }

    private func deleteKeys(_ parsed: [[UInt8]], on source: any KeyDeletionSource, what given: String? = nil) async throws -> Outcome? {
        let what = given ?? (parsed.count == 1 ? "key \(KeyEscaping.escape(parsed[0]))" : "\(parsed.count) keys")
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
        let outcome = try await source.deleteKeys(parsed)
        return Outcome(matched: outcome.totals.matched, deleted: outcome.totals.deleted, elapsed: clock.now - started, what: what, servers: outcome.servers)
    }

    private func invalidatePrefix(_ bytes: [UInt8], on source: any KeyDeletionSource) async throws -> Outcome? {
        let what = "keys starting with \(KeyEscaping.escape(bytes))"
        let progress = Terminal.ProgressLine(enabled: Terminal.stderrIsTerminal && !json)
        if !yes && !dryRun {
            let counted = try await source.deleteKeys(withPrefix: bytes, dryRun: true) { totals in
                progress.update("counting \(what): scanned \(totals.scanned), matched \(totals.matched)")
                return true
            }.totals
            progress.finish()
            guard counted.matched > 0 else {
                return Outcome(matched: 0, deleted: 0, elapsed: .zero, what: what)
            }
            guard try confirm("Delete \(counted.matched) \(what) on \(source.name) (\(source.address))?") else { return nil }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let verb = dryRun ? "counting" : "deleting"
        let outcome = try await source.deleteKeys(withPrefix: bytes, dryRun: dryRun) { totals in
            progress.update("\(verb) \(what): scanned \(totals.scanned), matched \(totals.matched), deleted \(totals.deleted)")
            return true
        }
        progress.finish()
        return Outcome(
            matched: outcome.totals.matched, deleted: outcome.totals.deleted, elapsed: clock.now - started, what: what, servers: outcome.servers
        )
    }

    /// Asks; `false` when the answer is no. No answer at all (standard input closed) is a usage error.
    private func confirm(_ question: String) throws -> Bool {
        guard let answer = Terminal.confirm(question) else {
            throw CommandFailure(.usage, "no confirmation: standard input is closed; rerun with --yes to delete without asking")
        }
        if !answer { Terminal.printError("Nothing deleted.") }
        return answer
    }

    private func report(_ outcome: Outcome, source: any KeyDeletionSource) {
        if json {
            let servers = outcome.servers.map { server in
                "{\"address\":\(JSONText.quoted(server.address)),\"matched\":\(server.totals.matched),\"deleted\":\(server.totals.deleted)}"
            }
            let serversField = servers.isEmpty ? "" : ",\"servers\":[\(servers.joined(separator: ","))]"
            print("{\"matched\":\(outcome.matched),\"deleted\":\(outcome.deleted),\"elapsedMs\":\(outcome.elapsed.inMilliseconds)\(serversField)}")
            return
        }
        let place = "on \(source.name) (\(source.address))"
        if dryRun {
            print("Dry run: \(outcome.matched) matched (\(outcome.what)) \(place); nothing deleted (\(DurationText.took(outcome.elapsed))).")
        } else if outcome.matched == 0 && outcome.deleted == 0 {
            print("No \(outcome.what) \(place); nothing deleted.")
        } else {
            print("Deleted \(outcome.deleted) of \(outcome.matched) matching \(outcome.what) \(place) in \(DurationText.took(outcome.elapsed)).")
        }
        // A pool's servers or a cluster's masters: each one's share.
        if outcome.servers.count > 1 {
            for server in outcome.servers {
                print("  \(server.address): \(dryRun ? "\(server.totals.matched) matched" : "\(server.totals.deleted) deleted of \(server.totals.matched)")")
            }
        }
    }
}
