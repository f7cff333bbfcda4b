import ConnectionSupport
import ArgumentParser
import CacheMonitor
import Foundation
import Memcache
import RESP

/// `cachescope keys`: list keys with type, TTL and size, streaming as the scan goes.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List keys with their type, TTL and size (Redis: SCAN, never KEYS; memcached: lru_crawler metadump).",
        discussion: """
            Keys are printed as they are found, so memory stays flat however many are listed. With --json \
            the output is {"keys":[{"key","type","ttlMs","size"}],"more":bool}: ttlMs is -1 for keys that \
            never expire, size is null when the server cannot tell, more says whether keys beyond --limit exist.

            memcached: keys come from `lru_crawler metadump` (memcached 1.4.31 or later; a server started with -X \
            refuses it and cachescope says so). Their type is "item", their TTL is read against the server's own \
            clock, and with --json each key names its "server" and "servers":[{"address","listed","items"}] \
            gives each server's share.

            \(ExitStatus.documentation)
            """
    )

    @Argument(help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.")
    var backend: String?

    @Option(help: ArgumentHelp("Only keys starting with this prefix (key escape form).", valueName: "prefix"))
    var prefix: String?

    @Option(help: ArgumentHelp("Only keys matching this glob pattern, Redis syntax: * ? [a-z] \\x (key escape form).", valueName: "glob"))
    var match: String?

    @Option(help: "List at most this many keys.")
    var limit: Int = 1000

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if prefix != nil && match != nil { throw ValidationError("use --prefix or --match, not both") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let filter = try KeyFilter(prefix: prefix, match: match)
        switch try connection.source(backend) {
        case .redis(let source): try await list(source, filter: filter)
        case .memcached(let source): try await list(source, filter: filter)
        }
    }

    private func list(_ source: RedisSource, filter: KeyFilter) async throws {
        try await listing(source.name, source.address, close: source.close) { output in
            try await source.connect()
            output.start()
            let more = try await stream(source, filter: filter) { details in
                output.emit(key: details.key, type: details.type, ttlMilliseconds: details.ttlMilliseconds, size: details.size)
            }
            output.finish(more: more)
        }
    }

    /// Runs `body` with the output; on a failure ends the output cleanly, closes the source and reports the
    /// failure as one line naming the backend.
    private func listing(
        _ name: String, _ address: String, close: () async -> Void, body: (inout KeysOutput) async throws -> Void
    ) async throws {
        var output = KeysOutput(json: json)
        do {
            try await CommandFailure.reporting(name, address) { try await body(&output) }
        } catch {
            output.abandon()
            await close()
            throw error
        }
        await close()
    }

    /// Scans, details each page, hands every key to `emit`; returns whether keys beyond the limit exist.
    private func stream(_ source: RedisSource, filter: KeyFilter, emit: (RedisKeyDetails) -> Void) async throws -> Bool {
        var seen = KeyDigestSet()
        var cursor: UInt64 = 0
        var emitted = 0
        repeat {
            let page = try await source.scanPage(cursor: cursor, match: filter.pattern)
            cursor = page.cursor
            let fresh = page.keys.filter { filter.accepts($0) && seen.insert($0) }
            guard !fresh.isEmpty else { continue }
            if emitted == limit { return true }
            let wanted = Array(fresh.prefix(limit - emitted))
            for details in try await source.details(of: wanted) {
                emit(details)
                emitted += 1
            }
            if fresh.count > wanted.count { return true }
        } while cursor != 0
        return false
    }

    private func list(_ source: MemcachedSource, filter: KeyFilter) async throws {
        try await listing(source.name, source.address, close: source.close) { output in
            try await source.connect()
            let stats = await source.stats()
            if let down = stats.servers.first(where: { $0.stats == nil }), case .failure(let error) = down.result {
                throw CommandFailure(.backendFailed, "\(source.name) (\(down.address)): \(error.message)")
            }
            output.start()
            var listed: [String: Int] = [:]
            let more = try await source.listKeys(limit: limit, accept: filter.accepts) { entry in
                listed[entry.server, default: 0] += 1
                output.emit(key: entry.key, type: "item", ttlMilliseconds: entry.ttlSeconds.map { $0 * 1000 }, size: entry.size, server: entry.server)
            }
            output.finish(more: more, servers: stats.servers.map { ($0.address, listed[$0.address] ?? 0, $0.stats?.currItems) })
        }
    }
}

/// `--prefix` (literal, re-checked on every key) or `--match` (a glob Redis applies on the server and
/// we apply to every key, which is how memcached keys are filtered).
struct KeyFilter {
    var pattern: [UInt8]?
    var prefix: [UInt8]?
    var glob: KeyGlob?

    init(prefix: String?, match: String?) throws {
        do {
            if let prefix {
                let bytes = try KeyEscaping.parse(prefix)
                self.prefix = bytes
                pattern = RedisGlob.matchingPrefix(bytes)
            } else if let match {
                let bytes = try KeyEscaping.parse(match)
                pattern = bytes
                glob = KeyGlob(bytes)
            }
        } catch let error as KeyEscapingError {
            throw CommandFailure(.usage, error.description)
        }
    }

    func accepts(_ key: [UInt8]) -> Bool {
        if let prefix, !key.hasBytePrefix(prefix) { return false }
        return glob?.matches(key) ?? true
    }
}

/// Writes the listing as a table or as streamed JSON.
struct KeysOutput {
    let json: Bool
    private var count = 0

    private var started = false
    private var out = BufferedOutput()
    private var quoted: [String: String] = [:]

    init(json: Bool) {
        self.json = json
    }

    /// Writes the opening (the table header, or the start of the JSON object) once the backend answered.
    mutating func start() {
        guard !started else { return }
        started = true
        if json {
            out.write("{\"keys\":[")
        } else {
            out.write("TYPE    " + "TTL".rightPadded(to: 10) + "SIZE".leftPaddedSpaces(to: 8) + "  KEY\n")
        }
        out.flush()
    }

    /// One key: `ttlMilliseconds` nil for no expiry, `size` nil when unknown, `server` for memcached.
    mutating func emit(key bytes: [UInt8], type: String, ttlMilliseconds: Int64?, size: Int?, server: String? = nil) {
        if json {
            // Piece by piece: no intermediate strings on a path that runs a million times. A plain key (the
            // usual case) is its own escape form and its own JSON text.
            out.write(count == 0 ? "{\"key\":" : ",{\"key\":")
            if !out.writePlainJSONString(bytes) { out.write(JSONText.quoted(KeyEscaping.escape(bytes))) }
            out.write(",\"type\":")
            out.write(quotedOnce(type))
            out.write(",\"ttlMs\":")
            out.write(String(ttlMilliseconds ?? -1))
            out.write(",\"size\":")
            out.write(size.map(String.init) ?? "null")
            if let server {
                out.write(",\"server\":")
                out.write(quotedOnce(server))
            }
            out.write("}")
        } else {
            let key = KeyEscaping.escape(bytes)
            let ttl = HumanUnits.ttl(milliseconds: ttlMilliseconds).rightPadded(to: 10)
            out.write(type.rightPadded(to: 8) + ttl + HumanUnits.size(size).leftPaddedSpaces(to: 8) + "  " + key + "\n")
        }
        count += 1
    }

    /// `JSONText.quoted`, remembered: a listing repeats the same few types and servers on every line.
    private mutating func quotedOnce(_ text: String) -> String {
        if let known = quoted[text] { return known }
        let made = JSONText.quoted(text)
        if quoted.count < 64 { quoted[text] = made }
        return made
    }

    /// Ends the listing; `servers` (address, keys listed, items held) for a memcached backend.
    mutating func finish(more: Bool, servers: [(address: String, listed: Int, items: UInt64?)] = []) {
        if json {
            let details = servers.map { server in
                "{\"address\":\(JSONText.quoted(server.address)),\"listed\":\(server.listed),\"items\":\(server.items.map(String.init) ?? "null")}"
            }
            let serversField = details.isEmpty ? "" : ",\"servers\":[\(details.joined(separator: ","))]"
            out.write("],\"more\":\(more)\(serversField)}\n")
        }
        out.flush()
        if !json && more {
            Terminal.printError("(\(count) keys shown; more exist — raise --limit to see them)")
        }
    }

    mutating func abandon() {
        if json && started { out.write("\n") }
        out.flush()
    }
}

extension String {
    func leftPaddedSpaces(to width: Int) -> String { leftPadded(to: width, with: " ") }
}
