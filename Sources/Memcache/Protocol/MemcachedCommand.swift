import Basics
import NIOCore

/// One text-protocol command, ready to encode. Build them with the static functions; keys are checked
/// against ``MemcachedKey`` there, so no command line can ever be split by a key.
public struct MemcachedCommand: Sendable, Hashable {
    /// The reply a command gets, which tells the parser how to read it.
    public enum ReplyShape: Sendable, Hashable {
        /// `VALUE …` blocks then `END` (`get`, `gets`).
        case values
        /// One line (`STORED`, `DELETED`, a number, `VERSION …`, `OK`, …).
        case line
        /// `STAT name value` lines then `END` (`stats`).
        case stats
        /// `stats` read for a few of its lines: the others are skipped without becoming strings.
        case statsKeeping(FieldNames)

        /// Whether the reply is `STAT` lines then `END`.
        var isStats: Bool {
            switch self {
            case .stats, .statsKeeping: true
            case .values, .line: false
            }
        }
    }

    /// The storage commands.
    public enum StorageMode: String, Sendable, Hashable {
        case set, add, replace, append, prepend, cas
    }

    /// The bytes of the command line (without `\r\n`).
    public let line: [UInt8]
    /// The data block of a storage command (sent after the line, followed by `\r\n`).
    public let data: [UInt8]?
    /// How the reply is read.
    public let shape: ReplyShape

    private init(line: [UInt8], data: [UInt8]? = nil, shape: ReplyShape) {
        self.line = line
        self.data = data
        self.shape = shape
    }

    /// `get <key>*` (or `gets`, which adds each value's CAS unique).
    public static func get(_ keys: [[UInt8]], withCAS: Bool = false) throws -> MemcachedCommand {
        precondition(!keys.isEmpty, "get needs at least one key")
        var line = Array((withCAS ? "gets" : "get").utf8)
        line.reserveCapacity(line.count + keys.reduce(0) { $0 + $1.count + 1 })
        for key in keys {
            try MemcachedKey.validate(key)
            line.append(0x20)
            line.append(contentsOf: key)
        }
        return MemcachedCommand(line: line, shape: .values)
    }

    /// `set|add|replace|append|prepend <key> <flags> <exptime> <bytes>` or `cas … <cas unique>`.
    public static func store(
        _ mode: StorageMode, key: [UInt8], value: [UInt8], flags: UInt32 = 0, exptime: Int64 = 0, casUnique: UInt64? = nil
    ) throws -> MemcachedCommand {
        try MemcachedKey.validate(key)
        precondition((mode == .cas) == (casUnique != nil), "cas and only cas takes a CAS unique")
        var line = Array(mode.rawValue.utf8)
        line.append(0x20)
        line.append(contentsOf: key)
        line.append(contentsOf: Array(" \(flags) \(exptime) \(value.count)".utf8))
        if let casUnique { line.append(contentsOf: Array(" \(casUnique)".utf8)) }
        return MemcachedCommand(line: line, data: value, shape: .line)
    }

    /// `delete <key>`.
    public static func delete(_ key: [UInt8]) throws -> MemcachedCommand {
        try keyed("delete", key)
    }

    /// `incr <key> <delta>`.
    public static func increment(_ key: [UInt8], by delta: UInt64) throws -> MemcachedCommand {
        try keyed("incr", key, " \(delta)")
    }

    /// `decr <key> <delta>` (memcached stops at 0).
    public static func decrement(_ key: [UInt8], by delta: UInt64) throws -> MemcachedCommand {
        try keyed("decr", key, " \(delta)")
    }

    /// `touch <key> <exptime>`.
    public static func touch(_ key: [UInt8], exptime: Int64) throws -> MemcachedCommand {
        try keyed("touch", key, " \(exptime)")
    }

    /// `flush_all [delay]` — empties the whole server.
    public static func flushAll(delay: Int? = nil) -> MemcachedCommand {
        MemcachedCommand(line: Array(("flush_all" + (delay.map { " \($0)" } ?? "")).utf8), shape: .line)
    }

    /// The text protocol's login (memcached ≥ 1.5.15 started with `-Y`): a `set` of any key whose data is
    /// `user password`; the server answers `STORED`, or `CLIENT_ERROR authentication failure`.
    public static func login(username: String, password: String) -> MemcachedCommand {
        MemcachedCommand(
            line: Array("set cachescope-login 0 0 \(username.utf8.count + 1 + password.utf8.count)".utf8),
            data: Array("\(username) \(password)".utf8), shape: .line)
    }

    /// `mg <key> <flags…>` without the value (memcached 1.6+): the flags' answers in an `HD` line, `EN` for a
    /// miss. With `u` the item is not bumped in the LRU and its last access is left as it was.
    public static func metaGet(_ key: [UInt8], flags: [String]) throws -> MemcachedCommand {
        try keyed("mg", key, flags.filter { $0.allSatisfy { $0.isLetter || $0.isNumber } }.map { " " + $0 }.joined())
    }

    /// `config get cluster`: an auto-discovery configuration endpoint's node list (a `CONFIG cluster …` block
    /// read like a `VALUE`).
    public static let clusterConfig = MemcachedCommand(line: Array("config get cluster".utf8), shape: .values)

    /// `version`.
    public static let version = MemcachedCommand(line: Array("version".utf8), shape: .line)

    /// `stats`, or `stats <section>` (`items`, `slabs`, `settings`, …); with `keeping`, only the lines of
    /// those names come back.
    public static func stats(_ section: String? = nil, keeping names: FieldNames? = nil) -> MemcachedCommand {
        let clean = section.map { String($0.filter { $0.isLetter || $0.isNumber || $0 == "_" }) }
        return MemcachedCommand(line: Array(("stats" + (clean.map { " \($0)" } ?? "")).utf8), shape: names.map { .statsKeeping($0) } ?? .stats)
    }

    private static func keyed(_ verb: String, _ key: [UInt8], _ tail: String = "") throws -> MemcachedCommand {
        try MemcachedKey.validate(key)
        var line = Array(verb.utf8)
        line.append(0x20)
        line.append(contentsOf: key)
        line.append(contentsOf: Array(tail.utf8))
        return MemcachedCommand(line: line, shape: .line)
    }
}

extension ByteBuffer {
    /// Appends `command` as it goes on the wire.
    public mutating func writeMemcachedCommand(_ command: MemcachedCommand) {
        writeBytes(command.line)
        writeStaticString("\r\n")
        if let data = command.data {
            writeBytes(data)
            writeStaticString("\r\n")
        }
    }
}
