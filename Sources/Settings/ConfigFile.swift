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
/// service = "mymaster"
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
    /// Where it was read from.
    package var path: String

    static let backendFields = [
        "name", "type", "url", "servers", "key_prefix", "delimiters", "password_env", "sentinels", "service", "sentinel_password_env",
        "database",
        "tls_ca_file", "tls_cert_file", "tls_key_file", "tls_server_name", "tls_skip_verify", "tls", "username", "password_command", "ssh",
        "ssh_config",
    ]
    static let topLevelFields = ["refresh", "theme", "mouse", "thresholds", "backend"]
    static let thresholdFields = [
        "hit_ratio_warning", "hit_ratio_critical", "memory_warning", "memory_critical", "ttl_warning", "fragmentation_ratio",
        "fragmentation_bytes", "replica_lag",
    ]

    /// The file `--config` names, else `$XDG_CONFIG_HOME/cachescope/config.toml` (or
    /// `~/.config/cachescope/config.toml`) when it exists, else none.
    package static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        guard let base else { return nil }
        let path = base + "/cachescope/config.toml"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Reads and checks the file.
    /// - Throws: ``SettingsError`` with one line: `FILE:LINE: what is wrong; what was expected`.
    package init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("\(path): cannot read the configuration file (does it exist, and may we read it?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError("\(path): the configuration file is not UTF-8 text")
        }
        try self.init(text: text, path: path, environment: environment)
    }

    /// Reads and checks the file's text, read from `path` (named in errors).
    package init(text: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.path = path
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(path):\(error.source.begin.line): \(error.description)")
        }
        let lines = ConfigLines(text: text)
        for key in table.keys where !Self.topLevelFields.contains(key) {
            throw failure(
                lines.line(ofField: key, inBackend: nil),
                "unknown setting '\(key)'; expected refresh, theme, mouse, [thresholds] or [[backend]] tables")
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
            if entry["name"] != nil, backends.contains(where: { $0.name.lowercased() == parsed.name.lowercased() }) {
                throw failure(lines.line(ofField: "name", inBackend: index), "two backends are named '\(parsed.name)'; give each a name of its own")
            }
            backends.append(parsed)
        }
    }

    private func backend(_ entry: TOMLTable, index: Int, lines: ConfigLines, environment: [String: String]) throws -> BackendDescriptor {
        func line(_ field: String) -> Int { lines.line(ofField: field, inBackend: index) ?? lines.backendLine(index) ?? 0 }
        func string(_ field: String) throws -> String? {
            guard let value = entry[field] else { return nil }
            guard let text = value.string else { throw failure(line(field), "\(field) must be a string (in quotes)") }
            return text
        }
        for key in entry.keys where !Self.backendFields.contains(key) {
            throw failure(line(key), "unknown field '\(key)' in [[backend]]; expected \(Self.backendFields.joined(separator: ", "))")
        }
        let name = try string("name")
        if let name, name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            throw failure(line("name"), "name '\(name)' may use only letters, digits, '-', '_' and '.'")
        }
        guard let typeText = try string("type") else {
            throw failure(lines.backendLine(index) ?? 0, "[[backend]] needs a type: redis, redis-cluster or memcached")
        }
        let kind: BackendKind
        let isCluster = ["redis-cluster", "redisclustercache", "redis_cluster"].contains(typeText.lowercased())
        let isSentinel = ["redis-sentinel", "redissentinelcache", "redis_sentinel"].contains(typeText.lowercased())
        switch typeText.lowercased() {
        case "redis", "rediscache", "redis-sentinel", "redissentinelcache", "redis_sentinel": kind = .redis
        case "redis-cluster", "redisclustercache", "redis_cluster": kind = .redisCluster
        case "memcached", "memcachedcache", "memcached-discovery": kind = .memcached
        default:
            throw failure(
                line("type"),
                "unknown type '\(typeText)'; expected redis, redis-cluster, redis-sentinel, memcached or memcached-discovery (RedisCache and "
                    + "MemcachedCache work too)")
        }
        for field in ["sentinels", "service", "sentinel_password_env", "database"] where !isSentinel && entry[field] != nil {
            throw failure(line(field), "\(field) is for type = \"redis-sentinel\"")
        }
        let keyPrefix = try string("key_prefix")
        let passwordVariable = try string("password_env")
        var password: String?
        if let passwordVariable {
            guard let value = environment[passwordVariable] else {
                throw failure(line("password_env"), "the environment variable \(passwordVariable) (password_env) is not set")
            }
            password = value
        }
        var passwordCommand: PasswordCommand?
        if let command = try string("password_command") {
            guard passwordVariable == nil else {
                throw failure(line("password_command"), "give password_env or password_command, not both")
            }
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw failure(line("password_command"), "password_command is empty: give the command that prints the password")
            }
            passwordCommand = PasswordCommand(command)
        }
        let username = try string("username")
        if let username, username.isEmpty || username.contains(where: { $0.isWhitespace }) {
            throw failure(line("username"), "username must be a name without spaces")
        }
        if entry["tls"] != nil, kind != .memcached {
            throw failure(line("tls"), "tls = true is for memcached; a Redis backend says TLS with rediss:// in its url")
        }
        if isSentinel {
            var backend = try sentinelBackend(entry, name: name, password: password, keyPrefix: keyPrefix, line: line, environment: environment)
            if case .sentinel(var target) = backend.endpoint {
                target.dataNode.passwordCommand = passwordCommand
                if let username { target.dataNode.username = username }
                backend.endpoint = .sentinel(target)
            }
            return backend
        }
        switch kind {
        case .redis, .redisCluster:
            guard entry["servers"] == nil else { throw failure(line("servers"), "servers is for memcached; a Redis backend takes url") }
            var urlTexts: [String] = []
            if let value = entry["url"] {
                if let text = value.string {
                    urlTexts = [text]
                } else if isCluster, let array = value.array, array.count > 0, (0..<array.count).allSatisfy({ array[$0].string != nil }) {
                    urlTexts = (0..<array.count).compactMap { array[$0].string }
                } else {
                    throw failure(
                        line("url"),
                        isCluster
                            ? "url must be \"redis://host:port\" or a list of seed URLs" : "url must be a string such as \"redis://host:port/db\"")
                }
            }
            guard !urlTexts.isEmpty else {
                throw failure(
                    lines.backendLine(index) ?? 0,
                    isCluster
                        ? "a Redis Cluster backend needs url = \"redis://host:port\" (or a list of seed URLs)"
                        : "a Redis backend needs url = \"redis://host:port/db\"")
            }
            let (tableTLS, tlsGiven) = try tlsTable(entry, line: line)
            var urls: [RedisURL] = []
            for text in urlTexts {
                do {
                    var url = try RedisURL(parsing: text)
                    if let password { url.password = password }
                    if let username { url.username = username }
                    url.passwordCommand = passwordCommand
                    if let tls = url.tls {
                        url.tls = tls.filled(from: tableTLS)
                    } else if let tlsGiven {
                        throw failure(line(tlsGiven), "\(tlsGiven) is for TLS connections: write the url as rediss://")
                    }
                    if isCluster, url.database != 0 {
                        throw failure(line("url"), "url: a Redis Cluster has only database 0 (drop /\(url.database) from \(url))")
                    }
                    if isCluster, case .unix = url.address {
                        throw failure(line("url"), "url: a Redis Cluster is reached over TCP, not a Unix socket")
                    }
                    urls.append(url)
                } catch let error as RedisError {
                    throw failure(line("url"), "url: \(error.message)")
                }
            }
            if isCluster {
                do {
                    return BackendDescriptor(name: name, endpoint: .cluster(try ClusterSeeds(urls)), keyPrefix: keyPrefix)
                } catch let error as RedisError {
                    throw failure(line("url"), "url: \(error.message)")
                }
            }
            return BackendDescriptor(name: name, endpoint: .redis(urls[0]), keyPrefix: keyPrefix)
        case .memcached:
            let secret = password.map(PasswordSource.fixed) ?? passwordCommand.map(PasswordSource.command)
            if secret != nil, username == nil {
                throw failure(
                    line(passwordVariable != nil ? "password_env" : "password_command"),
                    "memcached's login (memcached -Y) needs username too")
            }
            if username != nil, secret == nil {
                throw failure(line("username"), "memcached's login (memcached -Y) needs password_env or password_command too")
            }
            let serversText: String
            if let value = entry["servers"] {
                if let text = value.string {
                    serversText = text
                } else if let array = value.array, array.count > 0, let parts = Optional((0..<array.count).compactMap { array[$0].string }),
                    parts.count == array.count
                {
                    serversText = parts.joined(separator: ",")
                } else {
                    throw failure(line("servers"), "servers must be \"host:port\" or a list such as [\"host:11211\", \"host2:11211\"]")
                }
            } else if let url = try string("url") {
                serversText = url
            } else {
                throw failure(lines.backendLine(index) ?? 0, "a memcached backend needs servers = [\"host:11211\"]")
            }
            var servers: MemcachedServers
            do {
                servers = try MemcachedServers(parsing: serversText)
            } catch let error as MemcachedError {
                throw failure(line(entry["servers"] != nil ? "servers" : "url"), error.message)
            }
            let tableTLS = try tlsTable(entry, line: line)
            var tlsOn = servers.addresses.contains { $0.access.tls != nil }
            if let value = entry["tls"] {
                guard let flag = value.bool else { throw failure(line("tls"), "tls must be true or false") }
                if !flag && tlsOn { throw failure(line("tls"), "tls = false, but the servers are written memcacheds://") }
                tlsOn = flag
            }
            if !tlsOn, let given = tableTLS.given {
                throw failure(line(given), "\(given) is for TLS connections: add tls = true (or write the servers memcacheds://host:port)")
            }
            servers = servers.with { access in
                if tlsOn { access.tls = (access.tls ?? TLSSettings()).filled(from: tableTLS.settings) }
                if let username, let secret { access.credentials = MemcachedCredentials(username: username, password: secret) }
            }
            if typeText.lowercased() == "memcached-discovery" {
                guard servers.addresses.count == 1 else {
                    throw failure(
                        line(entry["servers"] != nil ? "servers" : "url"),
                        "a memcached-discovery backend takes its one configuration endpoint (host:port), not a list of nodes")
                }
                return BackendDescriptor(
                    name: name, endpoint: .memcachedDiscovery(MemcachedDiscovery(endpoint: servers.addresses[0])), keyPrefix: keyPrefix)
            }
            return BackendDescriptor(name: name, endpoint: .memcached(servers), keyPrefix: keyPrefix)
        case .inProcess:
            throw failure(line("type"), "in-process caches are the demo's own; they need no [[backend]] table")
        }
    }

    /// The table's `tls_*` fields as settings, and the first one given (`nil` when none is).
    private func tlsTable(_ entry: TOMLTable, line: (String) -> Int) throws -> (settings: TLSSettings, given: String?) {
        let tlsFields = ["tls_ca_file", "tls_cert_file", "tls_key_file", "tls_server_name"]
        var tlsOptions: [String: String] = [:]
        for field in tlsFields {
            guard let value = entry[field] else { continue }
            guard let text = value.string else { throw failure(line(field), "\(field) must be a string (in quotes)") }
            tlsOptions[field] = text
        }
        var skipVerify = false
        if let value = entry["tls_skip_verify"] {
            guard let flag = value.bool else { throw failure(line("tls_skip_verify"), "tls_skip_verify must be true or false") }
            skipVerify = flag
        }
        let given = tlsFields.first { tlsOptions[$0] != nil } ?? (entry["tls_skip_verify"] != nil ? "tls_skip_verify" : nil)
        let settings = TLSSettings(
            caFile: tlsOptions["tls_ca_file"], certificateFile: tlsOptions["tls_cert_file"], keyFile: tlsOptions["tls_key_file"],
            serverName: tlsOptions["tls_server_name"], verification: skipVerify ? .none : .full
        )
        return (settings, given)
    }

    /// `ssh = "HOST"` (with `ssh_config = "FILE"`): the tunnel the backend is reached through; `nil` without.
    private func route(_ entry: TOMLTable, index: Int, lines: ConfigLines) throws -> ConnectionRoute? {
        func line(_ field: String) -> Int? { lines.line(ofField: field, inBackend: index) ?? lines.backendLine(index) }
        let configFile: String?
        if let value = entry["ssh_config"] {
            guard let text = value.string, !text.isEmpty else {
                throw failure(line("ssh_config"), "ssh_config must be the path of an ssh configuration file, in quotes")
            }
            configFile = Self.expandingHome(text)
        } else {
            configFile = nil
        }
        guard let value = entry["ssh"] else {
            if configFile != nil { throw failure(line("ssh_config"), "ssh_config goes with ssh = \"HOST\" (the bastion it configures)") }
            return nil
        }
        guard let text = value.string else {
            throw failure(line("ssh"), "ssh must be a destination in quotes: a Host alias, \"user@host\" or \"user@host:port\"")
        }
        do {
            _ = try SSHDestination(parsing: text)
        } catch let error as SSHDestinationError {
            throw failure(line("ssh"), error.message)
        }
        do {
            return try SSHTunnels.route(parsing: text, configFile: configFile)
        } catch let error as SSHDestinationError {
            throw failure(line("ssh_config"), error.message)
        }
    }

    /// `~/…` with the home directory, as a shell would.
    private static func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return NSString(string: path).expandingTildeInPath
    }

    /// `delimiters = ":/"`: where the backend's keys are split into groups (the standard ones when not set).
    private func delimiters(_ entry: TOMLTable, index: Int, lines: ConfigLines) throws -> KeyDelimiters {
        guard let value = entry["delimiters"] else { return .standard }
        let line = lines.line(ofField: "delimiters", inBackend: index) ?? lines.backendLine(index)
        guard let text = value.string else { throw failure(line, "delimiters must be a string of characters, such as \":/\"") }
        do {
            return try KeyDelimiters(text)
        } catch let error as MonitorError {
            throw failure(line, "delimiters: \(error.description)")
        }
    }

    private mutating func readThresholds(_ value: any TOMLValueConvertible, lines: ConfigLines) throws {
        guard let entry = value.table else {
            throw failure(lines.line(ofField: "thresholds", inBackend: nil), "thresholds must be a table written [thresholds]")
        }
        func line(_ field: String) -> Int? { lines.line(ofField: field, inTable: "thresholds") }
        for key in entry.keys where !Self.thresholdFields.contains(key) {
            throw failure(line(key), "unknown field '\(key)' in [thresholds]; expected \(Self.thresholdFields.joined(separator: ", "))")
        }
        func fraction(_ field: String) throws -> Double? {
            guard let value = entry[field] else { return nil }
            guard let number = value.double ?? value.int.map(Double.init), (0...1).contains(number) else {
                throw failure(line(field), "\(field) must be a fraction from 0 to 1, such as 0.8")
            }
            return number
        }
        thresholds.hitRatioWarning = try fraction("hit_ratio_warning") ?? thresholds.hitRatioWarning
        thresholds.hitRatioCritical = try fraction("hit_ratio_critical") ?? thresholds.hitRatioCritical
        thresholds.memoryWarning = try fraction("memory_warning") ?? thresholds.memoryWarning
        thresholds.memoryCritical = try fraction("memory_critical") ?? thresholds.memoryCritical
        if thresholds.hitRatioCritical > thresholds.hitRatioWarning {
            throw failure(line("hit_ratio_critical"), "hit_ratio_critical must not be above hit_ratio_warning")
        }
        if thresholds.memoryCritical < thresholds.memoryWarning {
            throw failure(line("memory_critical"), "memory_critical must not be below memory_warning")
        }
        if let value = entry["ttl_warning"] {
            guard let text = value.string, let duration = DurationText.parse(text) else {
                throw failure(line("ttl_warning"), "ttl_warning must be a duration such as \"10s\"")
            }
            thresholds.ttlWarningSeconds = duration.inSeconds
        }
        if let value = entry["fragmentation_ratio"] {
            guard let ratio = value.double ?? value.int.map(Double.init), ratio >= 1, ratio <= 100 else {
                throw failure(line("fragmentation_ratio"), "fragmentation_ratio must be a number from 1 to 100, such as 1.5")
            }
            thresholds.fragmentationRatio = ratio
        }
        if let value = entry["fragmentation_bytes"] {
            guard let bytes = value.int.map(Int64.init) ?? value.string.flatMap(ByteSizeText.parse), bytes >= 0 else {
                throw failure(line("fragmentation_bytes"), "fragmentation_bytes must be a size such as \"100MB\" or a number of bytes")
            }
            thresholds.fragmentationBytes = bytes
        }
        if let value = entry["replica_lag"] {
            guard let text = value.string, let duration = DurationText.parse(text), duration >= .seconds(1) else {
                throw failure(line("replica_lag"), "replica_lag must be a duration of at least 1s, such as \"10s\"")
            }
            thresholds.replicaLagSeconds = Int64(duration.inSeconds.rounded())
        }
    }

    /// `type = "redis-sentinel"`: `sentinels = ["host:26379", …]`, `service = "mymaster"`, and optionally
    /// `database`, `password_env` (the data nodes') and `sentinel_password_env` (the sentinels').
    private func sentinelBackend(
        _ entry: TOMLTable, name: String?, password: String?, keyPrefix: String?, line: (String) -> Int, environment: [String: String]
    ) throws -> BackendDescriptor {
        guard entry["url"] == nil, entry["servers"] == nil else {
            throw failure(line(entry["url"] != nil ? "url" : "servers"), "a redis-sentinel backend takes sentinels and service, not url or servers")
        }
        guard let list = entry["sentinels"]?.array, list.count > 0, (0..<list.count).allSatisfy({ list[$0].string != nil }) else {
            throw failure(line("sentinels"), "sentinels must be a list such as [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]")
        }
        guard let service = entry["service"]?.string, !service.isEmpty, !service.contains("/") else {
            throw failure(line("service"), "service must name the master the sentinels watch, such as \"mymaster\"")
        }
        var database = 0
        if let value = entry["database"] {
            guard let number = value.int, number >= 0 else { throw failure(line("database"), "database must be a number from 0") }
            database = number
        }
        var sentinelPassword: String?
        if let variable = entry["sentinel_password_env"]?.string {
            guard let value = environment[variable] else {
                throw failure(line("sentinel_password_env"), "the environment variable \(variable) (sentinel_password_env) is not set")
            }
            sentinelPassword = value
        }
        let hosts = (0..<list.count).compactMap { list[$0].string }
        var target: RedisSentinelTarget
        do {
            target = try RedisSentinelTarget(parsing: "redis+sentinel://\(hosts.joined(separator: ","))/\(service)/\(database)")
        } catch let error as RedisError {
            throw failure(line("sentinels"), "sentinels: \(error.message)")
        }
        target.dataNode.password = password
        for index in target.sentinels.indices { target.sentinels[index].password = sentinelPassword }
        return BackendDescriptor(name: name, endpoint: .sentinel(target), keyPrefix: keyPrefix)
    }

    private func failure(_ line: Int?, _ message: String) -> SettingsError {
        SettingsError("\(path)\(line.map { ":\($0)" } ?? ""): \(message)")
    }
}

/// Finds where things are in the file's text, since the TOML parser keeps no positions for values.
struct ConfigLines {
    private let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line of the `index`th `[[backend]]` header.
    func backendLine(_ index: Int) -> Int? {
        var seen = -1
        for (number, line) in lines.enumerated() where line.trimmingCharacters(in: .whitespaces).hasPrefix("[[backend]]") {
            seen += 1
            if seen == index { return number + 1 }
        }
        return nil
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
