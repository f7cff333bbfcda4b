import ConnectionSupport
import ArgumentParser
import CacheMonitor
import Foundation
import RESP

/// `cachescope keys`: list keys with type, TTL and size, streaming as the scan goes.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List keys with their type, TTL and size (SCAN, never KEYS).",
        discussion: """
            Keys are printed as they are found, so memory stays flat however many are listed. With --json \
            the output is {"keys":[{"key","type","ttlMs","size"}],"more":bool}: ttlMs is -1 for keys that \
            never expire, size is null when the server cannot tell, more says whether keys beyond --limit exist.

            \(ExitStatus.documentation)
            """
    )

    @Argument(help: "The backend: its name (redis, redis2), host:port, or number; optional when only one is given.")
    var backend: String?

    @Option(help: ArgumentHelp("Only keys starting with this prefix (key escape form).", valueName: "prefix"))
    var prefix: String?

    @Option(help: ArgumentHelp("Only keys matching this Redis glob pattern (key escape form).", valueName: "glob"))
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
        let source = try connection.redisSource(backend)
        let filter = try KeyFilter(prefix: prefix, match: match)
        do {
            try await source.connect()
        } catch let error as RedisError {
            throw CommandFailure(.backendFailed, "\(source.name) (\(source.address)): \(error.message)")
        }
        var output = KeysOutput(json: json)
        do {
            let more = try await stream(source, filter: filter) { output.emit($0) }
            output.finish(more: more)
            await source.close()
        } catch let error as RedisError {
            output.abandon()
            await source.close()
            throw CommandFailure(.backendFailed, "\(source.name) (\(source.address)): \(error.message)")
        }
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
}

/// `--prefix` (literal, re-checked on every key) or `--match` (a glob the server applies).
struct KeyFilter {
    var pattern: [UInt8]?
    var prefix: [UInt8]?

    init(prefix: String?, match: String?) throws {
        do {
            if let prefix {
                let bytes = try KeyEscaping.parse(prefix)
                self.prefix = bytes
                pattern = RedisGlob.matchingPrefix(bytes)
            } else if let match {
                pattern = try KeyEscaping.parse(match)
            }
        } catch let error as KeyEscapingError {
            throw CommandFailure(.usage, error.description)
        }
    }

    func accepts(_ key: [UInt8]) -> Bool {
        prefix.map { key.hasBytePrefix($0) } ?? true
    }
}

/// Writes the listing as a table or as streamed JSON.
struct KeysOutput {
    let json: Bool
    private var count = 0

    init(json: Bool) {
        self.json = json
        if json {
            Self.write("{\"keys\":[")
        } else {
            Self.write("TYPE    " + "TTL".rightPadded(to: 10) + "SIZE".leftPaddedSpaces(to: 8) + "  KEY\n")
        }
    }

    mutating func emit(_ details: RedisKeyDetails) {
        let key = KeyEscaping.escape(details.key)
        if json {
            let size = details.size.map(String.init) ?? "null"
            let fields = "{\"key\":\(JSONText.quoted(key)),\"type\":\(JSONText.quoted(details.type)),\"ttlMs\":\(details.ttlMilliseconds ?? -1),\"size\":\(size)}"
            Self.write((count == 0 ? "" : ",") + fields)
        } else {
            let ttl = HumanUnits.ttl(milliseconds: details.ttlMilliseconds).rightPadded(to: 10)
            Self.write(details.type.rightPadded(to: 8) + ttl + HumanUnits.size(details.size).leftPaddedSpaces(to: 8) + "  " + key + "\n")
        }
        count += 1
    }

    func finish(more: Bool) {
        if json {
            Self.write("],\"more\":\(more)}\n")
        } else if more {
            Terminal.printError("(\(count) keys shown; more exist — raise --limit to see them)")
        }
    }

    func abandon() {
        if json { Self.write("\n") }
    }

    private static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension String {
    func leftPaddedSpaces(to width: Int) -> String { leftPadded(to: width, with: " ") }
}
