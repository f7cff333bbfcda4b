import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
import Foundation
import Memcache
import RESP
import TOMLKit

/// The configuration file: TOML with `[[backend]]` tables and a few settings.
///
/// ```toml
/// refresh = "1s"
///
/// theme = "default"                    # the dashboard's theme (--theme wins)
/// mouse = true                         # clicks and the wheel (false, or --no-mouse, keeps text selection)
/// include = ["conf.d/*.toml"]          # other files' [[backend]] tables (relative to this file)
///
/// [ui]                                 # the overview's sort and grouping, kept here by s, S and v
/// sort = "ops"                         # number (the order given), name, type, address, status, attention,
///                                      # hit, life, hits, misses, ops, keys, memory, evictions, latency
/// sort_reverse = false
/// group = "tag"                        # none, tag or type
///
/// [thresholds]                         # when the dashboard colours figures yellow or red
/// hit_ratio_warning = 0.8              # interval hit ratio below this
/// hit_ratio_critical = 0.5
/// memory_warning = 0.8                 # memory used / max above this
/// memory_critical = 0.95
/// ttl_warning = "10s"                  # TTLs below this are highlighted
/// fragmentation_ratio = 1.5            # attention: RSS / used memory above this …
/// fragmentation_bytes = "100MB"        # … with more than this wasted
/// replica_lag = "10s"                  # attention: a replica this far behind
///
/// [[backend]]
/// name = "sessions"
/// type = "redis"                       # redis, redis-cluster, redis-sentinel, memcached, memcached-discovery
///                                      # (servers = ["config-endpoint:11211"]); RedisCache, MemcachedCache too
/// url = "redis://10.0.0.5:6379/0"      # redis-cluster: one node, or a list of seeds ["redis://a:7000", …]
/// password_env = "SESSIONS_REDIS_PASSWORD"
/// key_prefix = "flask_cache_"
/// delimiters = ":/"                    # where keys split into groups (default : / _ . - |)
/// tags = ["prod", "eu", "sessions"]    # for --tag, the group view and the metrics' tag_<name> labels
///
/// [[backend]]
/// name = "managed"
/// type = "redis"
/// url = "rediss://redis.example.com:6380/0"   # TLS
/// tls_ca_file = "/etc/ssl/redis-ca.pem"        # also tls_cert_file, tls_key_file, tls_server_name,
///                                              # tls_skip_verify = true (test setups only)
///
/// [[backend]]
/// name = "ha"
/// type = "redis-sentinel"              # the master the sentinels name, followed across failovers
/// sentinels = ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"]
/// service = "mymaster"                # "*": every master the sentinels watch, each a backend
/// password_env = "HA_PASSWORD"         # the data nodes'; sentinel_password_env for the sentinels'
///
/// [[backend]]
/// name = "pages"
/// type = "memcached"
/// servers = ["10.0.0.6:11211", "10.0.0.7:11211"]
///
/// [[backend]]
/// name = "private"
/// type = "memcached"
/// servers = ["10.1.0.6:11211"]
/// tls = true                           # memcached -Z (or memcacheds://); tls_* fields as for Redis
/// username = "app"                     # memcached -Y login …
/// password_command = "vault read -field=password secret/memcached"   # … its password: a command's first line
///                                                                     # (Redis and Sentinel take it too)
/// ssh = "bastion.example.com"          # through this SSH bastion: a Host alias, user@host or user@host:port
/// ssh_config = "~/.ssh/config.prod"    # optional: ssh -F FILE
/// ```
///
/// Every mistake is one line naming the file, the line and the field, and what was expected.
package struct ConfigFile: Sendable {
    /// The backends, in file order.
    package var backends: [BackendDescriptor] = []
    /// The refresh interval (`refresh`), when set.
    package var refresh: Duration?
    /// The dashboard's theme (`theme`), when set.
    package var theme: String?
    /// Whether the dashboard takes mouse clicks and the wheel (`mouse`; true when unset).
    package var mouse: Bool?
    /// The dashboard's colour thresholds (`[thresholds]`), defaults where unset.
    package var thresholds = Thresholds()
    /// The overview's sort and grouping (`[ui]`), as last chosen.
    package var overview = RememberedOverview(sort: .number, reversed: false, grouping: .none)
    /// Where it was read from.
    package var path: String
    /// What is worth saying but not wrong (an `include` pattern that matches no file), one line each.
    package var warnings: [String] = []

    static let backendFields = [
        "name", "type", "url", "servers", "key_prefix", "delimiters", "password_env", "sentinels", "service", "sentinel_password_env",
        "database",
        "tls_ca_file", "tls_cert_file", "tls_key_file", "tls_server_name", "tls_skip_verify", "tls", "username", "password_command", "ssh",
        "ssh_config", "tags",
    ]
    static let topLevelFields = ["refresh", "theme", "mouse", "thresholds", "ui", "include", "backend"]
    static let thresholdFields = [
        "hit_ratio_warning", "hit_ratio_critical", "memory_warning", "memory_critical", "ttl_warning", "fragmentation_ratio",
        "fragmentation_bytes", "replica_lag",
    ]

    /// The file `--config` names, else `$XDG_CONFIG_HOME/cachescope/config.toml` (or
    /// `~/.config/cachescope/config.toml`) when it exists, else none.
    package static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        guard let path = defaultPath(environment: environment) else { return nil }
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// `$XDG_CONFIG_HOME/cachescope/config.toml`, else `~/.config/cachescope/config.toml`; `nil` without a home.
    package static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        return base.map { $0 + "/cachescope/config.toml" }
    }

    /// Reads and checks the file.
    /// - Throws: ``SettingsError`` with one line: `FILE:LINE: what is wrong; what was expected`.
    /// - Parameter included: the file is one an `include` names: it holds `[[backend]]` tables only.
    package init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment, included: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("\(path): cannot read the configuration file (does it exist, and may we read it?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError("\(path): the configuration file is not UTF-8 text")
        }
        try self.init(text: text, path: path, environment: environment, included: included)
    }

    /// Reads and checks the file's text, read from `path` (named in errors).
    package init(text: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment, included: Bool = false) throws {
        self.path = path
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(path):\(error.source.begin.line): \(error.description)")
        }
        let lines = ConfigLines(text: text)
        for key in table.keys where included && key != "backend" {
            throw failure(
                lines.line(ofField: key, inBackend: nil),
                "'\(key)' belongs in the main configuration file: an included file holds [[backend]] tables only")
        }
        for key in table.keys where !Self.topLevelFields.contains(key) {
            throw failure(
                lines.line(ofField: key, inBackend: nil),
                "unknown setting '\(key)'; expected refresh, theme, mouse, include, [thresholds], [ui] or [[backend]] tables")
        }
        if let value = table["refresh"] {
            guard let text = value.string, let duration = DurationText.parse(text), duration > .zero else {
                throw failure(lines.line(ofField: "refresh", inBackend: nil), "refresh must be a duration such as \"1s\" or \"500ms\"")
            }
            refresh = duration
        }
        if let value = table["mouse"] {
            guard let flag = value.bool else {
                throw failure(lines.line(ofField: "mouse", inBackend: nil), "mouse must be true or false")
            }
            mouse = flag
        }
        if let value = table["theme"] {
            guard let name = value.string, !name.isEmpty else {
                throw failure(lines.line(ofField: "theme", inBackend: nil), "theme must be a theme's name in quotes, such as \"light\"")
            }
            theme = name
        }
        if let value = table["thresholds"] {
            try readThresholds(value, lines: lines)
        }
        if let value = table["ui"] {
            try readUI(value, lines: lines)
        }
        try readBackends(table, lines: lines, environment: environment)
        if let value = table["include"] {
            guard !included else {
                throw failure(
                    lines.line(ofField: "include", inBackend: nil), "an included file cannot include others (only the main file has include)")
            }
            try readIncludes(value, lines: lines, environment: environment)
        }
    }

    /// The `[[backend]]` tables, in file order.
    private mutating func readBackends(_ table: TOMLTable, lines: ConfigLines, environment: [String: String]) throws {
        guard let list = table["backend"] else { return }
        guard let array = list.array else {
            throw failure(lines.line(ofField: "backend", inBackend: nil), "backend must be tables written [[backend]]")
        }
        for index in 0..<array.count {
            guard let entry = array[index].table else {
                throw failure(lines.backendLine(index), "backend must be tables written [[backend]]")
            }
            var parsed = try backend(entry, index: index, lines: lines, environment: environment)
            parsed.endpoint = parsed.endpoint.through(try route(entry, index: index, lines: lines))
            parsed.delimiters = try delimiters(entry, index: index, lines: lines)
            parsed.tags = try tags(entry, index: index, lines: lines)
            parsed.origin = path
            if entry["name"] != nil, backends.contains(where: { $0.name.lowercased() == parsed.name.lowercased() }) {
                throw failure(lines.line(ofField: "name", inBackend: index), "two backends are named '\(parsed.name)'; give each a name of its own")
            }
            backends.append(parsed)
        }
    }

    func failure(_ line: Int?, _ message: String) -> SettingsError {
        SettingsError("\(path)\(line.map { ":\($0)" } ?? ""): \(message)")
    }
}

/// Finds where things are in the file's text, since the TOML parser keeps no positions for values.
struct ConfigLines {
    private let lines: [Substring]
    /// The 0-based line of each `[[backend]]` header, in order: found once, so that naming the line of a
    /// backend's field costs that backend's lines, not the file's (a config of 1,000 backends asked it for
    /// every backend took seconds).
    private let backendHeaders: [Int]

    init(text: String) {
        // "\r\n" is one Character in Swift: a CRLF file is split on it too.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        self.lines = lines
        backendHeaders = lines.indices.filter { Self.trimmed(lines[$0]).hasPrefix("[[backend]]") }
    }

    /// The line without the spaces and tabs around it.
    private static func trimmed(_ line: Substring) -> Substring {
        var line = line
        while let first = line.first, first == " " || first == "\t" { line.removeFirst() }
        while let last = line.last, last == " " || last == "\t" || last == "\r" { line.removeLast() }
        return line
    }

    /// The 1-based line of the `index`th `[[backend]]` header.
    func backendLine(_ index: Int) -> Int? {
        backendHeaders.indices.contains(index) ? backendHeaders[index] + 1 : nil
    }

    /// The 1-based line where `field` is set inside the `[name]` table.
    func line(ofField field: String, inTable name: String) -> Int? {
        guard let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[\(name)]" }) else { return nil }
        for number in (header + 1)..<lines.count {
            let line = lines[number].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { break }
            if line.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) == field { return number + 1 }
        }
        return header + 1
    }

    /// The 1-based line where `field` is set: inside the `index`th `[[backend]]` table, or at the top level.
    func line(ofField field: String, inBackend index: Int?) -> Int? {
        var start = 0
        var end = lines.count
        if let index {
            guard let header = backendLine(index) else { return nil }
            start = header
            end = backendLine(index + 1).map { $0 - 1 } ?? lines.count
        }
        for number in start..<end {
            let line = lines[number].trimmingCharacters(in: .whitespaces)
            if index == nil, line.hasPrefix("[") { break }
            let name = line.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"'"))
            if name == field || (index == nil && field == "backend" && line.hasPrefix("backend")) { return number + 1 }
        }
        return nil
    }
}
