import ArgumentParser
import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
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
            never expire, size is null when the server cannot tell, type and ttlMs are null where the server refuses \
            TYPE or PTTL (an ACL), more says whether keys beyond --limit exist. A hash whose fields expire (Redis 7.4+, \
            Valkey 9+) also has "fieldTtl":{"fields","volatile","soonestMs"}: its fields, how many of those read \
            expire (its first 128 fields are read), and the soonest expiry.

            memcached: keys come from `lru_crawler metadump` (memcached 1.4.31 or later; a server started with -X \
            refuses it and cachescope says so). Their type is "item", their TTL is read against the server's own \
            clock, and with --json each key names its "server" and "servers":[{"address","listed","items"}] \
            gives each server's share.

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
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
        let filter = try Self.match(prefix: prefix, glob: match)
        let backend = try await connection.setup().backend(backend)
        let source = try backend.commandPort(\.browsing, for: .keyBrowsing)
        var output = KeysOutput(json: json)
        do {
            try await CommandFailure.reporting(source.name, source.address) {
                try await source.connect()
                let servers: [ListedServer]
                do {
                    servers = try await source.listedServers()
                } catch let down as ListedServerDown {
                    throw CommandFailure(.backendFailed, "\(source.name) (\(down.address)): \(down.message)")
                }
                output.start()
                var listed = ListedPerServer()
                let more = try await source.browseKeys(matching: filter, limit: limit) { batch in
                    for key in batch {
                        if let server = key.server { listed.count(server) }
                        output.emit(
                            key: key.key, type: key.type, ttlMilliseconds: key.ttlMilliseconds, ttlKnown: key.ttlKnown, size: key.size,
                            server: key.server, fieldTTL: key.fieldTTL)
                    }
                    return true
                }
                let totals = listed.totals
                output.finish(more: more, servers: servers.map { ($0.address, totals[$0.address] ?? 0, $0.items.map { UInt64($0) }) })
            }
        } catch {
            output.abandon()
            await source.close()
            throw error
        }
        await source.close()
    }

    /// `--prefix` (literal) or `--match` (a glob) in the key escape form.
    static func match(prefix: String?, glob: String?) throws -> KeyMatch {
        do {
            if let prefix { return .prefix(try KeyEscaping.parse(prefix)) }
            if let glob { return .glob(try KeyEscaping.parse(glob)) }
            return .all
        } catch let error as MonitorError {
            throw CommandFailure(.usage, error.description)
        }
    }
}

/// Keys listed per server, counted without a dictionary lookup per key: keys come in runs of one server.
struct ListedPerServer {
    private var done: [String: Int] = [:]
    private var current: (server: String, count: Int)?

    mutating func count(_ server: String) {
        if current?.server == server {
            current?.count += 1
            return
        }
        if let current { done[current.server, default: 0] += current.count }
        current = (server, 1)
    }

    var totals: [String: Int] {
        var totals = done
        if let current { totals[current.server, default: 0] += current.count }
        return totals
    }
}

/// Writes the listing as a table or as streamed JSON.
struct KeysOutput {
    let json: Bool
    private var count = 0

    private var started = false
    private var out = BufferedOutput()
    private var quoted: [String: String] = [:]
    /// The last two texts quoted (a type and a server), checked before the dictionary.
    private var recentlyQuoted: [(text: String, quoted: String)] = []

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

    /// One key: `ttlMilliseconds` nil for no expiry (`ttlKnown` false where `PTTL` is refused: `null`, `—`),
    /// `size` nil when unknown, `server` for memcached; a type the server would not tell is `null`.
    mutating func emit(
        key bytes: [UInt8], type: String, ttlMilliseconds: Int64?, ttlKnown: Bool = true, size: Int?, server: String? = nil,
        fieldTTL: FieldTTLSummary? = nil
    ) {
        if json {
            // Piece by piece: no intermediate strings on a path that runs a million times. A plain key (the
            // usual case) is its own escape form and its own JSON text.
            out.write(count == 0 ? "{\"key\":" : ",{\"key\":")
            if !out.writePlainJSONString(bytes) { out.write(JSONText.quoted(KeyEscaping.escape(bytes))) }
            out.write(",\"type\":")
            out.write(type == SampledKey.unknownType ? "null" : quotedOnce(type))
            out.write(",\"ttlMs\":")
            if ttlKnown { out.writeDecimal(ttlMilliseconds ?? -1) } else { out.write("null") }
            out.write(",\"size\":")
            if let size { out.writeDecimal(Int64(size)) } else { out.write("null") }
            if let server {
                out.write(",\"server\":")
                out.write(quotedOnce(server))
            }
            if let fieldTTL {
                out.write(",\"fieldTtl\":{\"fields\":")
                out.writeDecimal(Int64(fieldTTL.fields))
                out.write(",\"volatile\":")
                out.writeDecimal(Int64(fieldTTL.volatile))
                out.write(",\"soonestMs\":")
                if let soonest = fieldTTL.soonestMilliseconds { out.writeDecimal(soonest) } else { out.write("null") }
                out.write("}")
            }
            out.write("}")
        } else {
            let key = KeyEscaping.escape(bytes)
            let ttl = (ttlKnown ? HumanUnits.ttl(milliseconds: ttlMilliseconds) : "—").rightPadded(to: 10)
            let fields = fieldTTL.map { "  [" + $0.text(countdown: { HumanUnits.ttl(milliseconds: $0) }) + "]" } ?? ""
            out.write(type.rightPadded(to: 8) + ttl + HumanUnits.size(size).leftPaddedSpaces(to: 8) + "  " + key + fields + "\n")
        }
        count += 1
    }

    /// `JSONText.quoted`, remembered: a listing repeats the same few types and servers on every line.
    private mutating func quotedOnce(_ text: String) -> String {
        for recent in recentlyQuoted where recent.text == text { return recent.quoted }
        let made = quoted[text] ?? JSONText.quoted(text)
        if quoted.count < 64 { quoted[text] = made }
        if recentlyQuoted.count == 2 { recentlyQuoted.removeFirst() }
        recentlyQuoted.append((text, made))
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
